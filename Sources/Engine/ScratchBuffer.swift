/// A growable Float workspace that a layer keeps between calls, so a training step with
/// unchanged shapes allocates nothing for its intermediates.
final class ScratchBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init() {
        capacity = 0
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    }

    deinit { pointer.deallocate() }

    /// Returns storage for at least `count` Floats; contents are undefined after growing.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            capacity = count
        }
        return pointer
    }

    /// `list`, grown to at least `count` buffers: one per thread of a parallel region.
    static func perThread(_ list: inout [ScratchBuffer], _ count: Int) -> [ScratchBuffer] {
        while list.count < count { list.append(ScratchBuffer()) }
        return list
    }
}
