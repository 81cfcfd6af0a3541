/// Bytes to standard output, through `print`, so they keep their order with what `print` writes.
enum StandardOutput {
    /// How many bytes a streaming writer gathers before writing them.
    static let chunkSize = 1 << 16

    static func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        print(String(decoding: bytes, as: UTF8.self), terminator: "")
    }
}
