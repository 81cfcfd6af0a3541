#if canImport(Glibc)
import Glibc
#endif

/// Transparent huge pages for the commands that may derive the whole graph in memory.
///
/// A rebuild (`vf graph rebuild`, a schema migration on `vf serve` or `vf sync`, `vf forget`,
/// `vf block --purge`, an import that more than doubles the log) fills gigabytes of fresh
/// memory, and with 4 KiB pages the kernel takes one fault per page: at a million events
/// about 1.4 million faults, a third of the rebuild's time on the machines measured. glibc's
/// allocator asks for 2 MiB pages when its `glibc.malloc.hugetlb=1` tunable is set, and
/// the tunable is read only when a program starts, so these commands start themselves once
/// more with it set (docs/architecture.md, "Memory"). Other commands, where 10 ms of
/// starting again would be felt, run as they are.
///
/// An operator who sets `glibc.malloc.hugetlb` in `GLIBC_TUNABLES` (to 0 to turn this off)
/// is obeyed: the command then runs as it was started.
enum HugePages {
    /// The first arguments of the commands that may rebuild the graph or fold a large part of it.
    static let commands: Set<String> = ["serve", "graph", "forget", "block", "import", "restore", "sync"]

    static let tunable = "glibc.malloc.hugetlb"

    /// The value `GLIBC_TUNABLES` should have for `arguments`, or nil to run as started: the
    /// command is one of ``commands`` and the operator has not set the tunable. Pure.
    static func tunables(arguments: [String], current: String?) -> String? {
        guard arguments.count > 1, commands.contains(arguments[1]) else { return nil }
        let current = current ?? ""
        guard !current.split(separator: ":").contains(where: { $0.hasPrefix(tunable + "=") }) else { return nil }
        return current.isEmpty ? tunable + "=1" : current + ":" + tunable + "=1"
    }

    /// Starts this program again with the tunable set when ``tunables(arguments:current:)``
    /// says so; returns (running as started) when not, or when starting again fails.
    static func restartIfWorthIt() {
        #if os(Linux) && canImport(Glibc)
        let arguments = CommandLine.arguments
        let current = getenv("GLIBC_TUNABLES").map { String(cString: $0) }
        guard let wanted = tunables(arguments: arguments, current: current) else { return }
        guard setenv("GLIBC_TUNABLES", wanted, 1) == 0 else { return }
        let argv = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", argv)
        // Still here: the program could not start again. Run as started, without the tunable.
        argv.forEach { free($0) }
        if let current { setenv("GLIBC_TUNABLES", current, 1) } else { unsetenv("GLIBC_TUNABLES") }
        #endif
    }
}
