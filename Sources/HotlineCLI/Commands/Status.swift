import ArgumentParser
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the daemon's health: database, spool, pending deadlines, clock, holiday schedule.",
            discussion: """
                Warnings follow the table: from [calendar] warn_from (1 December by default) when next year's \
                official holiday schedule is not imported, and all year when the current year's is not. \
                `--json` has them as `warnings` (an array of strings) beside `calendar_official_through`, the \
                last date an official schedule covers.

                Example: hotlinectl status --json
                """
        )

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let result = try global.send(.status)
            let language = global.language
            try global.emit(result, as: StatusReport.self) { report in
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
                    [
                        Labels.text(.calendarOfficialThrough, language),
                        report.calendarOfficialThrough ?? Labels.text(.none, language),
                    ],
                ]
                let lines = table.render().split(separator: "\n").dropFirst().joined(separator: "\n")
                let warnings = report.warnings.map { (language == .zh ? "警告：" : "warning: ") + $0 }
                return ([lines] + warnings).joined(separator: "\n")
            }
        }
    }
}
