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
        let entry: EntryID
        do { entry = try EntryID(parsing: id) } catch { throw CLIError("\(error)") }
        let reader = try GraphContext(options).reader()
        guard let state = try reader.plan(entry) else { throw CLIError("no plan \(entry) in the graph") }
        var writer = JSONWriter(capacity: StandardOutput.chunkSize)
        if json {
            writer.beginObject()
            writer.key("members")
            writer.beginArray()
        } else {
            print(GraphText.plan(state))
        }
        try PagedRows.each({ try reader.members(ofPlan: entry, after: $0, limit: $1) }, cursor: \.planned.id,
                           flush: { StandardOutput.write(writer.take()) }) { member in
            if json { GraphJSON.progress(member, to: &writer) } else { print("  " + GraphText.progress(member)) }
        }
        if json {
            writer.endArray()
            writer.key("plan"); GraphJSON.plan(state, to: &writer)
            writer.key("processes")
            writer.beginArray()
        }
        try PagedRows.each({ try reader.processes(ofPlan: entry, after: $0, limit: $1) }, cursor: \.process.id,
                           flush: { StandardOutput.write(writer.take()) }) { process in
            if json { GraphJSON.plannedProcess(process, to: &writer) } else { print(GraphText.plannedProcess(process)) }
        }
        if json {
            writer.endArray()
            writer.endObject()
            writer.endLine()
        }
        StandardOutput.write(writer.take())
    }
}
