/// A `Name:   1234 kB` line of a Linux /proc file (/proc/meminfo, /proc/self/status), read as
/// bytes: nil when the line is absent, is not in kB, or its value overflows.
enum ProcKilobytes {
    static func bytes(of name: String, in text: String) -> Int? {
        let prefix = name + ":"
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        // /proc/self/status puts a tab after the name, /proc/meminfo spaces.
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 3, fields[2] == "kB", let kilobytes = Int(fields[1]) else { return nil }
        let (bytes, overflow) = kilobytes.multipliedReportingOverflow(by: 1024)
        return overflow ? nil : bytes
    }
}
