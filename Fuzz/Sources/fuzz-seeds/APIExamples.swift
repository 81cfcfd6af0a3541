import VFLog

/// Requests as `fuzz-api-request` reads them: `method \n path \n query \n host \n authorization \n body`.
enum APIExamples {
    static func all(entries: [SignedEntry], payloads: [String]) -> [[UInt8]] {
        let feed = entries[0].entry.author.description, id = entries[1].entry.id.description
        let requests = [
            "POST\n/api/entries\n\nlocalhost:8650\nBearer fuzz-token\n{\"payload\":\(payloads[0])}",
            "POST\n/api/entries\n\n127.0.0.1\nbearer  wrong\n{\"payload\":{\"note\":\"hi\"},\"extra\":1}",
            "GET\n/api/feeds/\(feed.addingPercentEncodingForPath)/entries\nfrom=3&limit=50&token=fuzz-token\n[::1]:8650\n",
            "GET\n/api/entries/\(id)\n\nfoo.localhost.\n",
            "GET\n/api/trace/\(id)\nx=%41+b&&y\nevil.example\n",
            "GET\n/assets/app%2Ejs\n\nlocalhost\n",
            "DELETE\n/api/resources\n\n127.1.2.3:80\n",
        ]
        return requests.map { Array($0.utf8) }
    }
}

private extension String {
    /// `/`, `+` and `=` of base64 escaped, as a browser's client would.
    var addingPercentEncodingForPath: String {
        replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
            .replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "=", with: "%3D")
    }
}
