import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct QA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "qa",
            abstract: "The QA department's figures: escalations and per-department assessment (R8, R14).",
            discussion:
                "For the qa, supervisor and admin roles. Months and quarters are taken in the centre's time zone.",
            subcommands: [Escalations.self, Stats.self, Report.self]
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, csv, json
        }

        struct Escalations: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List escalations and misroutes, oldest first.",
                discussion: """
                    Each row: the complaint, the kind (transfer_overdue, reply_overdue, explicit, misroute), the level \
                    (qa, vp, gm; none for a misroute), the department charged, when, and who (empty when automatic).

                    Example: hotlinectl qa escalations --from 2026-11-01 --to 2026-11-30 --format csv > escalations.csv
                    """
            )
            @Option(help: "First day (YYYY-MM-DD).") var from: String?
            @Option(help: "Last day, included (YYYY-MM-DD).") var to: String?
            @Option(help: "Only this department.") var dept: String?
            @Option(help: "table, csv (RFC 4180, UTF-8 with BOM, for spreadsheets) or json.") var format: Format =
                .table
            @OptionGroup var global: GlobalOptions

            func run() throws {
                func day(_ text: String?, _ option: String) throws -> LocalDate? {
                    try text.map { text in
                        try global.checked { try ControlArgument.date(text, option: option, language: $0) }
                    }
                }
                let result = try global.send(
                    .qaEscalations(from: try day(from, "from"), to: try day(to, "to"), department: dept)
                )
                let columns = ["complaint", "kind", "level", "department", "at", "by"]
                QAOutput.print(
                    result,
                    columns: columns,
                    format: global.json ? .json : format,
                    language: global.language
                )
            }
        }

        struct Stats: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Per-department assessment figures for a month or a quarter (R14).",
                discussion: "Example: hotlinectl qa stats --period 2026-Q4 --format csv > q4.csv"
            )
            @Option(help: "A month (2026-11) or a quarter (2026-Q4).") var period: String
            @Option(help: "table, csv (RFC 4180, UTF-8 with BOM, for spreadsheets) or json.") var format: Format =
                .table
            @OptionGroup var global: GlobalOptions

            func validate() throws {
                guard ReportingPeriod(parsing: period) != nil else {
                    throw global.usageError(
                        zh: "--period 应为月份（2026-11）或季度（2026-Q4）",
                        en: "--period must be a month (2026-11) or a quarter (2026-Q4)"
                    )
                }
            }

            func run() throws {
                let result = try global.send(.qaStats(period: try global.period(period)))
                let columns = [
                    "department", "received", "resolved_on_spot", "transferred_out", "transferred_in",
                    "replied_in_time",
                    "replied_late", "transfer_overdue", "reply_overdue", "misroutes", "escalations_qa",
                    "escalations_vp",
                    "escalations_gm", "extensions", "redos", "satisfaction_mean",
                ]
                QAOutput.print(
                    result,
                    columns: columns,
                    format: global.json ? .json : format,
                    language: global.language
                )
            }
        }
    }
}

extension HotlineCtl.QA {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the assessment report of a month or quarter as one self-contained HTML file (R14).",
            discussion: """
                The file has the per-department table and SVG bar charts of escalations by level, overdue transfers \
                and replies, misroutes and mean satisfaction; it needs nothing else to open or print.

                Example: hotlinectl qa report --period 2026-Q4 --output q4.html --lang zh
                """
        )
        @Option(help: "A month (2026-11) or a quarter (2026-Q4).") var period: String
        @Option(help: "Where to write the HTML file.") var output: String
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard ReportingPeriod(parsing: period) != nil else {
                throw global.usageError(
                    zh: "--period 应为月份（2026-11）或季度（2026-Q4）",
                    en: "--period must be a month (2026-11) or a quarter (2026-Q4)"
                )
            }
        }

        func run() throws {
            let stats = try global.send(.qaStats(period: try global.period(period)))
            let status = try StatusReport(json: try global.send(.status))
            let html = QAReport.render(
                period: ReportingPeriod(parsing: period)?.description ?? period,
                stats: stats,
                language: global.language,
                generatedAt: status.now
            )
            do {
                try html.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw global.failure(status: 1, zh: "无法写入 \(output)：\(error)", en: "cannot write \(output): \(error)")
            }
            if global.json {
                print(
                    JSONValue.object([("output", .string(output)), ("period", .string(period))]).serialized(
                        pretty: true
                    )
                )
            } else {
                print(global.language == .zh ? "报表已写入 \(output)" : "report written to \(output)")
            }
        }
    }
}

/// Tables, CSV and JSON of QA rows.
enum QAOutput {
    static func print(_ result: JSONValue, columns: [String], format: HotlineCtl.QA.Format, language: Language) {
        let rows = (result.arrayValue ?? []).map { row in columns.map { cell(row[$0]) } }
        switch format {
        case .json:
            Swift.print(result.serialized(pretty: true))
        case .csv:
            Swift.print(csv(header: columns, rows: rows), terminator: "")
        case .table:
            var table = TextTable(headers: columns.map { label($0, language) })
            rows.forEach { table.append($0) }
            Swift.print(table.render())
        }
    }

    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        case .double(let number)?: return String(format: "%.2f", number)
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return ""
        }
    }

    /// RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line break; with a UTF-8
    /// byte-order mark so that spreadsheet programs read Chinese text correctly.
    static func csv(header: [String], rows: [[String]]) -> String {
        func field(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return "\u{FEFF}" + ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    static func label(_ column: String, _ language: Language) -> String {
        guard language == .zh else { return column }
        return [
            "complaint": "投诉", "kind": "类型", "level": "级别", "department": "部门", "at": "时间", "by": "操作人",
            "received": "受理", "resolved_on_spot": "当场答复", "transferred_out": "转出", "transferred_in": "转入",
            "replied_in_time": "按时答复", "replied_late": "超时答复", "transfer_overdue": "转交超时", "reply_overdue": "答复超时",
            "misroutes": "错转", "escalations_qa": "升级质检部", "escalations_vp": "升级副总", "escalations_gm": "升级总经理",
            "extensions": "延期", "redos": "重办", "satisfaction_mean": "平均满意度",
        ][column] ?? column
    }
}

extension GlobalOptions {
    /// `--period 2026-11` or `2026-Q4`, as a usage error otherwise.
    func period(_ text: String) throws -> ReportingPeriod {
        try checked { try ControlArgument.period(text, language: $0) }
    }
}
