extension SignedEntry {
    /// The entry as this node passes it on (replication, bundles): with its payload, unless
    /// the payload breaks §5 — one stored before the JSON profile was specified (see
    /// docs/protocol.md §5, "Payloads stored before the profile"). A receiver would refuse the
    /// entry with such a payload, and then every later entry of its feed; without it, the
    /// chain still travels, and an entry without its payload is valid (§6).
    public var forSending: SignedEntry {
        guard let payload, (try? Payload.validate(payload)) == nil else { return self }
        return SignedEntry(entry: entry, payload: nil)
    }
}
