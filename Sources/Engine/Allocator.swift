#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator tuning for training loops.
public enum Allocator {
    /// Makes glibc keep freed blocks for reuse instead of handing them back to the OS.
    ///
    /// A training or evaluation step allocates and frees the same large activations every time.
    /// By default glibc serves blocks over 128 KB–32 MB with `mmap` and returns them on `free`, so
    /// the next step page-faults its fresh pages in again (half the time of batch-1000 inference).
    /// Raising the mmap and trim thresholds to 1 GB keeps those pages mapped; peak memory is
    /// unchanged, since the same blocks are reused. A no-op where glibc's `mallopt` is missing.
    public static func keepFreedMemory() {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not export.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }   // RTLD_DEFAULT
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let (trimThreshold, mmapThreshold): (Int32, Int32) = (-1, -3)   // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 1 << 30)
        _ = mallopt(trimThreshold, 1 << 30)
        #endif
    }
}
