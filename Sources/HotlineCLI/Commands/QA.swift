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
            subcommands: [Escalations.self, Stats.self, Calls.self, Report.self]
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
                let rows = try global.decode(
                    try global.send(
                        .qaEscalations(from: try day(from, "from"), to: try day(to, "to"), department: dept)
                    ),
                    as: [QAEscalationRow].self
                )
                QAOutput.print(
                    rows,
                    columns: ["complaint", "kind", "level", "department", "at", "by"],
                    cells: { [$0.complaint, $0.kind, $0.level ?? "", $0.department, $0.at, $0.by ?? ""] },
                    format: global.json ? .json : format,
                    language: global.language
                )
            }
        }

        struct Stats: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Per-department assessment figures, rates and grades for a month or a quarter (R14).",
                discussion: """
                    Each rate comes with its numerator and denominator, and is empty (— in the table) when there \
                    is nothing to count. The grades follow [qa] of hotlined's configuration; the table prints the \
                    rules under the figures, and the call register's answer rates after them (also: qa calls).

                    The operator's desk comes last, per department and for the whole hotline: missed calls (nobody \
                    answered; a department's are those of the PBX queue named by its code), called back (of those, \
                    reached by a call-back at any time) and repeat callers (numbers with more than one complaint in \
                    the period). The whole hotline's are not the departments' sum: calls of queues that name no \
                    department count there only, and a number counts once however many departments took its complaints.

                    Example: hotlinectl qa stats --period 2026-Q4 --format csv > q4.csv
                    """
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
                let format = global.json ? .json : format
                guard format == .table else {
                    // JSON and CSV: the department rows, their fields in the documented order.
                    var rows = try global.decode(
                        try global.send(.qaStats(period: try global.period(period), assessment: false)),
                        as: [QADepartmentRow].self
                    )
                    if format == .json { rows = try QAOutput.sealed(rows, period: period, global: global) }
                    QAOutput.print(
                        rows,
                        columns: QAOutput.statsColumns,
                        cells: QAOutput.statsCells,
                        format: format,
                        language: global.language
                    )
                    return
                }
                let assessment = try QAOutput.assessment(period: period, global: global)
                Swift.print(QAOutput.assessmentText(assessment, language: global.language))
            }
        }

        struct Calls: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "The call register's answer rate (接通率) for a month or a quarter: hotline and queues.",
                discussion: """
                    Offered calls are those offered in the period that are no longer ringing; answered, those \
                    someone answered. The first row is the whole hotline, then one per queue.

                    Example: hotlinectl qa calls --period 2026-11 --format csv > calls.csv
                    """
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
                let reply = try global.decode(
                    try global.send(.qaStats(period: try global.period(period), assessment: true)),
                    as: QAAssessmentReply.self
                )
                let format = global.json ? .json : format
                guard format == .table else {
                    QAOutput.print(
                        reply.calls,
                        columns: ["scope", "queue", "offered", "answered", "answer_rate"],
                        cells: { call in
                            [
                                call.scope.rawValue, call.queue ?? "", String(call.offered), String(call.answered),
                                QAOutput.rateCell(call.answerRate),
                            ]
                        },
                        format: format,
                        language: global.language
                    )
                    return
                }
                let view = QAAssessmentView(reply, names: [:])
                Swift.print(QAOutput.callsTable(view, language: global.language))
            }
        }
    }
}

extension HotlineCtl.QA {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the assessment report of a month or quarter as one self-contained HTML file (R14).",
            discussion: """
                The file has the hotline's rates, the departments' grades and ranking with the rules that gave them, \
                their figures, the call register's answer rates, the trend of the main rates by month (by week for \
                a month), and SVG bar charts; it needs nothing else to open, and prints on A4 landscape with a \
                signature line for the head of QA.

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
            var assessment = try QAOutput.assessment(period: period, global: global)
            // The period's seal (issue 17), printed by the signature line.
            let seal = try global.decode(
                try global.send(.auditSeal(period: try global.period(period))),
                as: AuditSeal.self
            )
            assessment.seal = seal.seal
            assessment.sealHops = seal.hops
            let status = try StatusReport(json: try global.send(.status))
            let html = QAReport.render(assessment, language: global.language, generatedAt: status.now)
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
    /// The fields of a `qa stats` row: 006's counts, then each rate after its numerator and denominator, then the
    /// grade and the place (issue 16), then the operator's desk (missed calls, called back, repeat callers).
    static let statsColumns =
        ["department"] + QACount.allCases.map(\.field) + ["satisfaction_mean"]
        + QAMeasure.departmental.flatMap { [$0.numeratorField, $0.denominatorField, $0.rateField] }
        + ["grade", "rank"] + QADeskFigure.allCases.map(\.field)

    /// Typed rows as JSON (their wire form), CSV or a table; `cells` gives a row's cells in the order of `columns`.
    static func print<Row: ControlReply>(
        _ rows: [Row],
        columns: [String],
        cells: (Row) -> [String],
        format: HotlineCtl.QA.Format,
        language: Language
    ) {
        switch format {
        case .json:
            Swift.print(rows.json.serialized(pretty: true))
        case .csv:
            Swift.print(csv(header: columns, rows: rows.map(cells)), terminator: "")
        case .table:
            var table = TextTable(headers: columns.map { label($0, language) })
            rows.forEach { table.append(cells($0)) }
            Swift.print(table.render())
        }
    }

    /// The cells of a `qa stats` row in the order of ``statsColumns``: the mean with two decimals, rates with four
    /// (0.6667), null as an empty cell.
    static func statsCells(_ row: QADepartmentRow) -> [String] {
        [row.department] + QACount.allCases.map { String(row.counts[$0]) }
            + [row.satisfactionMean.map { String(format: "%.2f", $0) } ?? ""]
            + QAMeasure.departmental.flatMap { measure -> [String] in
                let figure = row.rates[measure]
                return [String(figure.numerator), String(figure.denominator), rateCell(figure.rate)]
            }
            + [row.grade?.rawValue ?? "", row.rank.map(String.init) ?? ""]
            + QADeskFigure.allCases.map { String(row.desk[$0]) }
    }

    /// A rate in a CSV or table cell: four decimals (0.6667); empty without a denominator.
    static func rateCell(_ rate: Double?) -> String { rate.map { String(format: "%.4f", $0) } ?? "" }

    /// The whole assessment of a period, with the departments' names.
    static func assessment(period: String, global: GlobalOptions) throws -> QAAssessmentView {
        let reply = try global.decode(
            try global.send(.qaStats(period: try global.period(period), assessment: true)),
            as: QAAssessmentReply.self
        )
        let names = QAAssessmentView.departmentNames(
            try global.decode(try global.send(.departmentList), as: [DepartmentRecord].self)
        )
        return QAAssessmentView(reply, names: names)
    }

    /// `qa stats` as text: the counts, the rates with grades and places, the grading rules, the calls.
    static func assessmentText(_ view: QAAssessmentView, language: Language) -> String {
        let zh = language == .zh
        let byCode = view.departments.sorted { $0.code < $1.code }
        var counts = TextTable(
            headers: [label("department", language)] + QACount.allCases.map { label($0.field, language) }
                + [label("satisfaction_mean", language)]
        )
        for department in byCode {
            counts.append(
                ["\(department.name) \(department.code)"] + QACount.allCases.map { String(department.count($0)) }
                    + [department.satisfactionMean.map { String(format: "%.2f", $0) } ?? "—"]
            )
        }
        var rates = TextTable(
            headers: [label("rank", language), label("department", language), label("grade", language)]
                + QAMeasure.departmental.map { $0.label.text(in: language) }
        )
        for department in view.departments {
            rates.append(
                [
                    department.rank.map(String.init) ?? "—", "\(department.name) \(department.code)",
                    QALabels.grade(department.grade, language),
                ] + QAMeasure.departmental.map { ratioText(department.ratio($0)) }
            )
        }
        rates.append(
            ["", zh ? "全部热线" : "Whole hotline", ""]
                + QAMeasure.departmental.map { ratioText(view.totals[$0] ?? QARatio(0, of: 0)) }
        )
        let rules = view.grading.rules(in: language).map { "  " + $0 }.joined(separator: "\n")
        return [
            (zh ? "考核期间 " : "Period ") + view.period, counts.render(), rates.render(),
            (zh ? "评级规则：" : "Grading rules:") + "\n" + rules, callsTable(view, language: language),
            deskTable(view, language: language),
        ].joined(separator: "\n\n")
    }

    /// The department rows with the period's seal (issue 17) on each, from `audit.seal`: asked only for JSON, since
    /// it reads every hop of the period (CSV and the table stay as cheap as the counters).
    static func sealed(_ rows: [QADepartmentRow], period: String, global: GlobalOptions) throws -> [QADepartmentRow] {
        let seal = try global.decode(try global.send(.auditSeal(period: try global.period(period))), as: AuditSeal.self)
        return rows.map { row in
            var row = row
            row.seal = seal.seal
            return row
        }
    }

    /// The operator's desk by department and for the whole hotline (not the departments' sum), with what each
    /// figure counts.
    static func deskTable(_ view: QAAssessmentView, language: Language) -> String {
        var table = TextTable(
            headers: [label("department", language)] + QADeskFigure.allCases.map { $0.label.text(in: language) }
        )
        for department in view.departments.sorted(by: { $0.code < $1.code }) {
            table.append(
                ["\(department.name) \(department.code)"]
                    + QADeskFigure.allCases.map { String(department.count($0)) }
            )
        }
        table.append(
            [QALabels.wholeHotline(language)] + QADeskFigure.allCases.map { String(view.deskTotals[$0] ?? 0) }
        )
        let colon = language == .zh ? "：" : ": "
        let notes = QADeskFigure.allCases.map {
            "  " + $0.label.text(in: language) + colon + $0.definition.text(in: language)
        }
        return table.render() + "\n" + notes.joined(separator: "\n")
    }

    /// "66.7% (2/3)", or "—" with nothing to count.
    static func ratioText(_ ratio: QARatio) -> String {
        ratio.denominator == 0 ? "—" : "\(ratio.percentText) (\(ratio.numerator)/\(ratio.denominator))"
    }

    static func callsTable(_ view: QAAssessmentView, language: Language) -> String {
        var table = TextTable(headers: ["queue", "offered", "answered", "answer_rate"].map { label($0, language) })
        let rows =
            [(QALabels.wholeHotline(language), view.hotlineCalls)]
            + view.queues.map { (QALabels.queue($0.name, language), $0.answered) }
        for (name, ratio) in rows {
            table.append([name, String(ratio.denominator), String(ratio.numerator), ratio.percentText])
        }
        return table.render()
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

    /// A column's header in the reader's language (issue 16: English tables showed the JSON field names).
    static func label(_ column: String, _ language: Language) -> String { QALabels.text(column, language) }
}

extension GlobalOptions {
    /// `--period 2026-11` or `2026-Q4`, as a usage error otherwise.
    func period(_ text: String) throws -> ReportingPeriod {
        try checked { try ControlArgument.period(text, language: $0) }
    }
}
