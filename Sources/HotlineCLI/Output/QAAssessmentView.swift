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
        var row: QADepartmentRow
        var grade: QAGrade? { row.grade }
        var rank: Int? { row.rank }

        func ratio(_ measure: QAMeasure) -> QARatio { row.rates[measure].ratio }
        func count(_ count: QACount) -> Int { row.counts[count] }
        func count(_ figure: QADeskFigure) -> Int { row.desk[figure] }
        /// Nil when no satisfaction was recorded: shown as "—", never as 0.
        var satisfactionMean: Double? { row.satisfactionMean }
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

    init(_ reply: QAAssessmentReply, names: [String: String]) {
        period = reply.period
        from = reply.from
        to = reply.to
        departments = reply.departments.map { row in
            Department(code: row.department, name: names[row.department] ?? row.department, row: row)
        }
        .sorted { ($0.rank ?? Int.max, $0.code) < ($1.rank ?? Int.max, $1.code) }
        totals = Dictionary(uniqueKeysWithValues: QAMeasure.departmental.map { ($0, reply.totals.rates[$0].ratio) })
        deskTotals = Dictionary(uniqueKeysWithValues: QADeskFigure.allCases.map { ($0, reply.totals.desk[$0]) })
        hotlineCalls = reply.hotlineCalls?.ratio ?? QARatio(0, of: 0)
        queues = reply.calls.filter { $0.scope == .queue }.map { Queue(name: $0.queue, answered: $0.ratio) }
        trend = reply.trend.map { step in
            var ratios = Dictionary(uniqueKeysWithValues: QAMeasure.departmental.map { ($0, step.rates[$0].ratio) })
            ratios[.answer] = step.answerRatio
            return Step(label: step.label, ratios: ratios)
        }
        grading = reply.grading.policy
    }

    /// The codes and names of `dept list`.
    static func departmentNames(_ list: [DepartmentRecord]) -> [String: String] {
        Dictionary(list.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
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
