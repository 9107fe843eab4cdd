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
}
