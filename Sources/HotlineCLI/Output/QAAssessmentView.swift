import HotlineCore
import HotlineProtocol

/// The answer of `qa.stats` with `"assessment": true` (issue 16), read once for the table of `qa stats`, `qa calls`
/// and the report: departments by name, their rates as numerator and denominator, grades, the hotline's totals,
/// the call register and the trend.
struct QAAssessmentView {
    struct Department {
        var code: String
        /// The department's name from `dept list`; its code when it has none.
        var name: String
        var row: JSONValue
        var grade: QAGrade?
        var rank: Int?

        func ratio(_ measure: QAMeasure) -> QARatio { QAAssessmentView.ratio(measure, in: row) }
        func count(_ field: String) -> Int { row[field]?.intValue ?? 0 }
        /// Nil when no satisfaction was recorded: shown as "—", never as 0.
        var satisfactionMean: Double? { QAAssessmentView.double(row["satisfaction_mean"]) }
    }

    struct Queue {
        /// Nil for calls without a queue.
        var name: String?
        var answered: QARatio
    }

    struct Step {
        var label: String
        var ratios: [QAMeasure: QARatio]
    }

    var period: String
    var from: String
    var to: String
    /// In ranking order: by place, the ungraded last, then by code.
    var departments: [Department]
    var totals: [QAMeasure: QARatio]
    /// The operator's desk for the whole hotline (sql/012).
    var deskTotals: [QADeskFigure: Int]
    var hotlineCalls: QARatio
    var queues: [Queue]
    var trend: [Step]
    var grading: QAGradingPolicy
    /// The period's seal (issue 17) and how many hops it covers, from `audit.seal`: set by `qa report`, empty
    /// otherwise.
    var seal = ""
    var sealHops = 0

    init(json: JSONValue, names: [String: String]) {
        period = json["period"]?.stringValue ?? ""
        from = json["from"]?.stringValue ?? ""
        to = json["to"]?.stringValue ?? ""
        departments = (json["departments"]?.arrayValue ?? []).map { row in
            let code = row["department"]?.stringValue ?? ""
            return Department(
                code: code,
                name: names[code] ?? code,
                row: row,
                grade: row["grade"]?.stringValue.flatMap(QAGrade.init(rawValue:)),
                rank: row["rank"]?.intValue
            )
        }
        .sorted { ($0.rank ?? Int.max, $0.code) < ($1.rank ?? Int.max, $1.code) }
        let totalsRow = json["totals"] ?? .null
        totals = Dictionary(
            uniqueKeysWithValues: QAMeasure.departmental.map { ($0, QAAssessmentView.ratio($0, in: totalsRow)) }
        )
        deskTotals = Dictionary(
            uniqueKeysWithValues: QADeskFigure.allCases.map { ($0, totalsRow[$0.field]?.intValue ?? 0) }
        )
        let calls = json["calls"]?.arrayValue ?? []
        func answered(_ row: JSONValue?) -> QARatio {
            QARatio(row?["answered"]?.intValue ?? 0, of: row?["offered"]?.intValue ?? 0)
        }
        hotlineCalls = answered(calls.first { $0["scope"] == .string("hotline") })
        queues = calls.filter { $0["scope"] == .string("queue") }.map {
            Queue(name: $0["queue"]?.stringValue, answered: answered($0))
        }
        trend = (json["trend"]?.arrayValue ?? []).map { step in
            var ratios = Dictionary(
                uniqueKeysWithValues: QAMeasure.departmental.map { ($0, QAAssessmentView.ratio($0, in: step)) }
            )
            ratios[.answer] = answered(step)
            return Step(label: step["label"]?.stringValue ?? "", ratios: ratios)
        }
        var policy = QAGradingPolicy()
        let grading = json["grading"] ?? .null
        if let cases = grading["minimum_cases"]?.intValue { try? policy.setMinimumCases(cases) }
        for grade in QAGrade.thresholded {
            for measure in QAMeasure.departmental {
                if let percent = QAAssessmentView.double(grading["thresholds"]?[grade.rawValue]?[measure.rawValue]) {
                    try? policy.setThreshold(grade, measure, percent: percent)
                }
            }
        }
        self.grading = policy
    }

    static func ratio(_ measure: QAMeasure, in row: JSONValue) -> QARatio {
        QARatio(row[measure.numeratorField]?.intValue ?? 0, of: row[measure.denominatorField]?.intValue ?? 0)
    }

    static func double(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let number)?: return Double(number)
        case .double(let number)?: return number
        default: return nil
        }
    }

    /// The codes and names of `dept list`.
    static func departmentNames(_ list: JSONValue) -> [String: String] {
        var names: [String: String] = [:]
        for item in list.arrayValue ?? [] {
            if let code = item["code"]?.stringValue { names[code] = item["name"]?.stringValue ?? code }
        }
        return names
    }
}

/// The readers' words for QA's fields, in tables and the report: never the JSON field names (issue 16).
enum QALabels {
    static func text(_ field: String, _ language: Language) -> String {
        if let measure = QAMeasure.allCases.first(where: { $0.rateField == field }) {
            return measure.label.text(in: language)
        }
        if let figure = QADeskFigure(rawValue: field) { return figure.label.text(in: language) }
        guard let pair = pairs[field] else { return field }
        return language == .zh ? pair.zh : pair.en
    }

    static let pairs: [String: (zh: String, en: String)] = [
        "complaint": ("投诉", "Complaint"), "kind": ("类型", "Kind"), "level": ("级别", "Level"),
        "department": ("部门", "Department"), "at": ("时间", "Time"), "by": ("操作人", "By"),
        "received": ("受理", "Received"), "resolved_on_spot": ("当场答复", "Resolved on the spot"),
        "transferred_out": ("转出", "Transferred out"), "transferred_in": ("转入", "Transferred in"),
        "replied_in_time": ("按时答复", "Replied in time"), "replied_late": ("超时答复", "Replied late"),
        "transfer_overdue": ("转交超时", "Transfers overdue"), "reply_overdue": ("答复超时", "Replies overdue"),
        "misroutes": ("错转", "Misroutes"), "escalations_qa": ("升级质检部", "Escalated to QA"),
        "escalations_vp": ("升级副总", "Escalated to deputy GM"), "escalations_gm": ("升级总经理", "Escalated to GM"),
        "extensions": ("延期", "Extensions"), "redos": ("重办", "Redos"),
        "satisfaction_mean": ("平均满意度", "Mean satisfaction"), "grade": ("等级", "Grade"),
        "rank": ("名次", "Place"), "queue": ("队列", "Queue"), "offered": ("呼入", "Offered"),
        "answered": ("接听", "Answered"), "scope": ("范围", "Scope"),
    ]

    static func grade(_ grade: QAGrade?, _ language: Language) -> String {
        guard let grade else { return language == .zh ? "— 未评级" : "— not graded" }
        return "\(grade.rawValue) \(grade.label.text(in: language))"
    }

    static func queue(_ name: String?, _ language: Language) -> String {
        name ?? (language == .zh ? "（无队列）" : "(no queue)")
    }

    static func wholeHotline(_ language: Language) -> String { language == .zh ? "全部热线" : "Whole hotline" }
}
