import Foundation

/// The web page's files, served from one directory: the `Web` resources built next to the
/// executable, or a directory given with `vf serve --web-root`.
public struct StaticFiles: Sendable {
    /// The directory served, symlinks resolved; nil when none was found.
    public let root: String?

    public init(root: String?) {
        self.root = root.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }

    /// The `Web` directory SwiftPM copies beside the executable (`<package>_VFAPI.resources/Web`).
    /// Found by hand: `Bundle.module` stops the process when the bundle is missing.
    public static func builtIn() -> String? {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "", isDirectory: false)
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: "/proc/self/exe"), executable]
            .compactMap { $0?.resolvingSymlinksInPath().deletingLastPathComponent() }
        for directory in candidates {
            for bundle in ["vf-node_VFAPI.resources", "vf-node_VFAPI.bundle"] {
                let web = directory.appendingPathComponent(bundle).appendingPathComponent("Web")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: web.path, isDirectory: &isDirectory), isDirectory.boolValue { return web.path }
            }
        }
        return nil
    }

    /// A file to send: its bytes and content type.
    public struct File: Sendable {
        public let bytes: [UInt8]
        public let contentType: String
    }

    /// The file for a request path, or why there is none (404, with a reason for people).
    public func file(for requestPath: String) throws(APIError) -> File {
        guard let root else {
            throw APIError.notFound("this vf was built without its web page, and no --web-root was given; the API is under /api/")
        }
        guard let relative = Self.relativePath(requestPath) else { throw APIError.notFound("no such file: \(requestPath)") }
        let full = URL(fileURLWithPath: root).appendingPathComponent(relative).resolvingSymlinksInPath().path
        // A symbolic link inside the root must not lead out of it.
        guard full.hasPrefix(root + "/") else { throw APIError.notFound("no such file: \(requestPath)") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: full) else {
            throw APIError.notFound("no such file: \(requestPath)")
        }
        return File(bytes: [UInt8](data), contentType: Self.contentType(forPath: relative))
    }

    /// The path under the root a request path names, or nil for anything that could step
    /// outside it or at a hidden file: `..`, `.`, empty segments, backslashes, NUL, dot-files. Pure.
    public static func relativePath(_ requestPath: String) -> String? {
        guard requestPath.hasPrefix("/"), let decoded = requestPath.removingPercentEncoding else { return nil }
        let segments = decoded.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.isEmpty else { return nil }
        for segment in segments {
            guard !segment.isEmpty, !segment.hasPrefix("."), !segment.contains("\\"), !segment.contains("\0") else { return nil }
        }
        return segments.joined(separator: "/")
    }

    /// The media type for a file name's extension; unknown ones are plain bytes. Pure.
    public static func contentType(forPath path: String) -> String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html", "htm": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json", "map": return "application/json"
        case "webmanifest": return "application/manifest+json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "txt": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
