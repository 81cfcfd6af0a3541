import Foundation

/// Whether deriving the whole graph in memory fits in the memory the system has free; if it
/// does not, the graph is derived in steps instead, each folding at most
/// ``GraphStore/entriesPerTransaction`` entries into the tables as an update does: the same
/// rows in bounded memory, slower (at a million events, `make bench-scale`'s home, 89.7 s
/// with a peak of 573 MB, against 48.7 s and 4.7 GB in memory).
///
/// Deriving in memory holds every entry, its decoded payload, the folded graph and its
/// history at once: at a million events (1.49 million entries, `make bench-scale`) the peak
/// was 4.2–4.4 GB, and 5.2 GB at 1.21 million events (1.70 million entries), about 3,100
/// bytes an entry. A node that migrates its graph schema, or forgets an entry, must not run
/// out of memory doing so: the derivation in memory is used when its estimate takes at most
/// half of what is available.
public enum RebuildMemory {
    /// The peak of a derivation in memory, per log entry, rounded up from the measurements above.
    public static let bytesPerEntry = 3_500

    /// The most entries a rebuild derives in memory. A derivation's places are 32-bit numbers
    /// (an entry's, an event's, and a process's shared place: at most two per entry), so a log
    /// past this is rebuilt in steps whatever the memory or the mode asked, and no place of a
    /// rebuild can overflow.
    public static let mostEntries = 1 << 30

    /// Whether `entries` log entries may be derived in memory when `available` bytes are free;
    /// when the system does not say (nil), they are, up to ``mostEntries``.
    public static func fitsInMemory(entries: Int, available: Int?) -> Bool {
        guard entries <= mostEntries else { return false }
        guard let available else { return true }
        let (estimate, overflow) = entries.multipliedReportingOverflow(by: bytesPerEntry)
        return !overflow && estimate <= available / 2
    }

    /// The memory the system could give this process now without swapping, in bytes: Linux's
    /// `MemAvailable` (/proc/meminfo); nil where the platform does not say.
    public static func available() -> Int? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        return parseMemAvailable(text)
        #else
        return nil
        #endif
    }

    /// `MemAvailable` in bytes from the text of /proc/meminfo (`MemAvailable:  1234 kB`).
    static func parseMemAvailable(_ meminfo: String) -> Int? { ProcKilobytes.bytes(of: "MemAvailable", in: meminfo) }
}
