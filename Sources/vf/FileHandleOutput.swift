import Foundation

enum FileHandleOutput {
    static func writeStderr(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
