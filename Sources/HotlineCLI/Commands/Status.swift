import ArgumentParser
import HotlineProtocol

extension HotlineCtl {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the daemon's health: database, spool, pending deadlines, clock.",
            discussion: "Example: hotlinectl status --json"
        )

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let result = try global.send("status")
            let language = global.language
            global.emit(result) { json in
                let report = StatusReport(json: json)
                var table = TextTable(headers: ["", ""])
                table.rows = [
                    [Labels.text(.version, language), report.version],
                    [
                        Labels.text(.database, language),
                        Labels.text(report.database == "ok" ? .ok : .unreachable, language),
                    ],
                    [Labels.text(.state, language), report.state],
                    [Labels.text(.spoolDepth, language), String(report.spoolDepth)],
                    [Labels.text(.pendingDeadlines, language), String(report.pendingDeadlines)],
                    [Labels.text(.pbxConnections, language), String(report.pbxConnections)],
                    [Labels.text(.clock, language), report.clock],
                    [Labels.text(.now, language), report.now],
                ]
                return table.render().split(separator: "\n").dropFirst().joined(separator: "\n")
            }
        }
    }
}
