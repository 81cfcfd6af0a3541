import VFLog

/// A process with the ids of its first applied input and output events, in causal order
/// (at most ``EmbeddedList/most`` of each), and whether it has more of each.
public struct ProcessFlows: Equatable, Sendable {
    public let process: GraphProcess
    public let inputs: [EntryID]
    public let outputs: [EntryID]
    /// Whether the process has more applied inputs, or outputs, than these.
    public let moreInputs: Bool
    public let moreOutputs: Bool

    package init(process: GraphProcess, inputs: [EntryID], outputs: [EntryID], moreInputs: Bool, moreOutputs: Bool) {
        self.process = process
        self.inputs = inputs
        self.outputs = outputs
        self.moreInputs = moreInputs
        self.moreOutputs = moreOutputs
    }
}
