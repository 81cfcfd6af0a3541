import ArgumentParser
import VFAPI
import VFGraph
import VFGraphStore
import VFLog
import VFShapes

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show one plan with all its members and all its processes, and how far each has come.",
        discussion: """
            vf plans shows the first 100 members and processes of each plan; this shows them all, a page at a time as read. \
            Each process still shows its first 100 planned inputs and outputs.
            """)

    @OptionGroup var options: HomeOptions
    @Argument(help: "The plan's entry id, %….vf1.") var id: String
    @Flag(help: "Print {\"members\": […], \"plan\": …, \"processes\": […]}.") var json = false

    func run() throws {
        let entry = try parseItemID(id, FlowStart.entryID)
        let reader = try GraphContext(options).reader()
        guard let state = try reader.plan(entry) else { throw CLIError("no plan \(entry) in the graph") }
        var out = StreamedItem(json: json, heading: GraphText.plan(state))
        try out.list("members", page: { try reader.members(ofPlan: entry, after: $0, limit: $1) }, cursor: \.planned.id,
                     json: GraphJSON.progress, line: { "  " + GraphText.progress($0) })
        out.member("plan") { GraphJSON.plan(state, to: &$0) }
        try out.list("processes", pageSize: EmbeddedList.nestedPage, page: { try reader.processes(ofPlan: entry, after: $0, limit: $1) },
                     cursor: \.process.id,
                     json: GraphJSON.plannedProcess, line: GraphText.plannedProcess)
        out.end()
    }
}
