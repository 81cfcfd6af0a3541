#if canImport(Glibc)
import Glibc
#endif

/// Hands back to the system the memory a process has freed but its allocator still holds.
/// A rebuild in memory takes gigabytes at a million events and frees them in many small
/// blocks, which glibc keeps: without this, a `vf serve` that caught up with a large network
/// that way stays at about a gigabyte for the rest of its life, however little it holds.
enum FreedMemory {
    static func handBack() {
        #if canImport(Glibc)
        // glibc's malloc_trim(3), which Swift's Glibc module does not declare.
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
