/// The ValueFlows economic graph derived from feeds. See docs/protocol.md.
public enum VFGraph {}
