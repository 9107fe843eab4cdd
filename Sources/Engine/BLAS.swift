import CBLAS

/// Thin Swift entry points to OpenBLAS, the only file in Engine that calls BLAS directly.
public enum BLAS {
    /// Sets how many threads OpenBLAS may use for one GEMM.
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    /// OpenBLAS starts with one thread per core, and how it splits a GEMM over threads can change
    /// the rounding: bnlab parallelises above BLAS (`Threads`, `--jobs`), so the first GEMM pins
    /// it to one thread and results never depend on OpenBLAS's threading.
    @usableFromInline static let singleThreaded: Void = setThreads(1)

    /// C[M×N] = alpha · op(A)[M×K] · op(B)[K×N] + beta · C, all row-major.
    ///
    /// `transA`/`transB` say whether A or B is stored transposed; `lda`, `ldb`, `ldc` are the
    /// row strides of the stored matrices.
    @inlinable
    public static func sgemm(transA: Bool = false, transB: Bool = false,
                             m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0,
                             c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `sgemm` (A not transposed) with the rows of A and C split over `Threads.count` threads:
    /// for a batch's small GEMMs, one per time step, where the layers split nothing else. A row
    /// may round differently than in one call (OpenBLAS picks its kernels by the row count), so
    /// results depend on the thread count, as the convolutions' do; never on `--jobs` (one
    /// thread per job).
    public static func sgemmSplittingRows(transB: Bool = false, m: Int, n: Int, k: Int,
                                          a: UnsafePointer<Float>, lda: Int,
                                          b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                                          c: UnsafeMutablePointer<Float>, ldc: Int) {
        parallelChunks(m) { _, rows in
            guard !rows.isEmpty else { return }
            sgemm(transB: transB, m: rows.count, n: n, k: k, a: a + rows.lowerBound * lda, lda: lda,
                  b: b, ldb: ldb, beta: beta, c: c + rows.lowerBound * ldc, ldc: ldc)
        }
    }
}
