import HotlineCore

/// One row of `qa escalations` (R8, SPEC §6): an escalation or misroute, oldest first.
public struct QAEscalationRow: ControlReply, Equatable {
    public var complaint: String
    /// `transfer_overdue`, `reply_overdue`, `misroute`, … as the escalation was recorded.
    public var kind: String
    /// `qa`, `vp`, `gm`, or null for a misroute.
    public var level: String?
    public var department: String
    /// RFC 3339 in the centre's time zone.
    public var at: String
    /// Who escalated, null when the daemon did (a breach).
    public var by: String?

    public init(complaint: String, kind: String, level: String?, department: String, at: String, by: String?) {
        self.complaint = complaint
        self.kind = kind
        self.level = level
        self.department = department
        self.at = at
        self.by = by
    }
}

/// What a ``QACallAnswerRow`` counts: the whole hotline, or one PBX queue.
public enum QACallScope: String, Codable, Sendable, Equatable {
    case hotline
    case queue
}

/// One row of the call register's answer rate (`qa calls`, sql/008): the whole hotline first, then each queue.
public struct QACallAnswerRow: ControlReply, Equatable {
    /// `hotline` for the whole hotline, `queue` for one queue; any other value on the wire is a decoding error.
    public var scope: QACallScope
    /// The queue's name; null for the whole hotline and for calls without a queue.
    public var queue: String?
    public var offered: Int
    public var answered: Int
    /// answered / offered with four decimals, null when nothing was offered.
    public var answerRate: Double?

    public init(scope: QACallScope, queue: String?, offered: Int, answered: Int, answerRate: Double?) {
        self.scope = scope
        self.queue = queue
        self.offered = offered
        self.answered = answered
        self.answerRate = answerRate
    }

    /// Answered of offered.
    public var ratio: QARatio { QARatio(answered, of: offered) }

    enum CodingKeys: String, CodingKey {
        case scope, queue, offered, answered, answerRate = "answer_rate"
    }
}

// MARK: - qa.stats (R14, issue 16)

/// A field of a QA row named at run time from HotlineCore's tables (``QACount``, ``QAMeasure``, ``QADeskFigure``):
/// the rows are flat objects whose fields those tables list, in their order.
struct QAFieldKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == QAFieldKey {
    /// A field that may be null but must be there: a row without it is malformed, not a row with no figure.
    fileprivate func decodeNullable<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        let key = QAFieldKey(name)
        guard contains(key) else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(codingPath: codingPath, debugDescription: "no '\(name)'")
            )
        }
        return try decodeIfPresent(type, forKey: key)
    }

    fileprivate func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try decode(type, forKey: QAFieldKey(name))
    }
}

/// One rate as the wire carries it: `…_numerator`, `…_denominator` and `…_rate`, the share with four decimals as
/// the database or the daemon rounded it, null when the denominator is zero.
public struct QARateFigure: Sendable, Equatable {
    public var numerator: Int
    public var denominator: Int
    public var rate: Double?

    public init(numerator: Int, denominator: Int, rate: Double?) {
        self.numerator = numerator
        self.denominator = denominator
        self.rate = rate
    }

    /// Numerator and denominator, for grading and for "66.7% (2/3)".
    public var ratio: QARatio { QARatio(numerator, of: denominator) }

    /// Nothing to count.
    public static let none = QARateFigure(numerator: 0, denominator: 0, rate: nil)
}

/// The department rates of ``QAMeasure/departmental``, each as numerator, denominator and rate, in that order.
public struct QARateFigures: Sendable, Equatable {
    private var figures: [QAMeasure: QARateFigure]

    /// One figure per department rate, asked in the order of ``QAMeasure/departmental``.
    public init(_ figure: (QAMeasure) throws -> QARateFigure) rethrows {
        var figures: [QAMeasure: QARateFigure] = [:]
        for measure in QAMeasure.departmental { figures[measure] = try figure(measure) }
        self.figures = figures
    }

    /// The figure of a department rate; ``QARateFigure/none`` for the answer rate, which is the hotline's.
    public subscript(measure: QAMeasure) -> QARateFigure { figures[measure] ?? .none }

    /// Each rate added up over the rows, the share rounded to four decimals as the database rounds the
    /// departments' (sql/008): the hotline's totals.
    public static func sum(_ rows: [QARateFigures]) -> QARateFigures {
        QARateFigures { measure in
            let numerator = rows.reduce(0) { $0 + $1[measure].numerator }
            let denominator = rows.reduce(0) { $0 + $1[measure].denominator }
            let share = QARatio(numerator, of: denominator).value
            return QARateFigure(
                numerator: numerator,
                denominator: denominator,
                rate: share.map { ($0 * 10_000).rounded() / 10_000 }
            )
        }
    }

    fileprivate func encode(into container: inout KeyedEncodingContainer<QAFieldKey>) throws {
        for measure in QAMeasure.departmental {
            let figure = self[measure]
            try container.encode(figure.numerator, forKey: QAFieldKey(measure.numeratorField))
            try container.encode(figure.denominator, forKey: QAFieldKey(measure.denominatorField))
            try container.encodeIfPresent(figure.rate, forKey: QAFieldKey(measure.rateField))
        }
    }

    fileprivate init(from container: KeyedDecodingContainer<QAFieldKey>) throws {
        try self.init { measure in
            QARateFigure(
                numerator: try container.decode(Int.self, measure.numeratorField),
                denominator: try container.decode(Int.self, measure.denominatorField),
                rate: try container.decodeNullable(Double.self, measure.rateField)
            )
        }
    }
}

/// Counts keyed by one of HotlineCore's tables of QA fields (``QACount``, ``QADeskFigure``), every field present.
public struct QACountFigures<Field>: Sendable, Equatable
where Field: CaseIterable & Hashable & Sendable & RawRepresentable, Field.RawValue == String {
    private var counts: [Field: Int]

    /// One count per field, asked in the table's order.
    public init(_ count: (Field) throws -> Int) rethrows {
        var counts: [Field: Int] = [:]
        for field in Field.allCases { counts[field] = try count(field) }
        self.counts = counts
    }

    public subscript(field: Field) -> Int { counts[field] ?? 0 }

    fileprivate func encode(into container: inout KeyedEncodingContainer<QAFieldKey>) throws {
        for field in Field.allCases { try container.encode(self[field], forKey: QAFieldKey(field.rawValue)) }
    }

    fileprivate init(from container: KeyedDecodingContainer<QAFieldKey>) throws {
        try self.init { field in try container.decode(Int.self, field.rawValue) }
    }
}

/// One department's row of `qa stats` (SPEC §6, sql/006, 008 and 012): its counts, mean satisfaction, rates,
/// grade and place, and the operator's desk. On the wire the fields are flat, in this order: `department`, the
/// counts of ``QACount``, `satisfaction_mean`, each rate's `…_numerator`, `…_denominator` and `…_rate`, the desk's
/// `missed_calls`, `called_back` and `repeat_callers`, `grade`, `rank`, and `seal` when hotlinectl added it.
public struct QADepartmentRow: ControlReply, Equatable {
    public var department: String
    public var counts: QACountFigures<QACount>
    /// Null when no satisfaction was recorded: never 0.
    public var satisfactionMean: Double?
    public var rates: QARateFigures
    public var desk: QACountFigures<QADeskFigure>
    /// By the thresholds of `[qa]`; nil when there is nothing to grade on (and in the store's rows, before grading).
    public var grade: QAGrade?
    /// The place the grade gives; nil when not graded.
    public var rank: Int?
    /// The period's seal (issue 17), which `qa stats --format json` adds to every row; the daemon's rows have none.
    public var seal: String?

    public init(
        department: String,
        counts: QACountFigures<QACount>,
        satisfactionMean: Double?,
        rates: QARateFigures,
        desk: QACountFigures<QADeskFigure>,
        grade: QAGrade? = nil,
        rank: Int? = nil,
        seal: String? = nil
    ) {
        self.department = department
        self.counts = counts
        self.satisfactionMean = satisfactionMean
        self.rates = rates
        self.desk = desk
        self.grade = grade
        self.rank = rank
        self.seal = seal
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: QAFieldKey.self)
        try container.encode(department, forKey: QAFieldKey("department"))
        try counts.encode(into: &container)
        try container.encodeIfPresent(satisfactionMean, forKey: QAFieldKey("satisfaction_mean"))
        try rates.encode(into: &container)
        try desk.encode(into: &container)
        try container.encodeIfPresent(grade, forKey: QAFieldKey("grade"))
        try container.encodeIfPresent(rank, forKey: QAFieldKey("rank"))
        // Absent, not null, when there is none: the daemon's answer and the CSV do not carry it.
        if let seal { try container.encode(seal, forKey: QAFieldKey("seal")) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: QAFieldKey.self)
        department = try container.decode(String.self, "department")
        counts = try QACountFigures(from: container)
        satisfactionMean = try container.decodeNullable(Double.self, "satisfaction_mean")
        rates = try QARateFigures(from: container)
        desk = try QACountFigures(from: container)
        grade = try container.decodeNullable(QAGrade.self, "grade")
        rank = try container.decodeNullable(Int.self, "rank")
        seal = try container.decodeIfPresent(String.self, forKey: QAFieldKey("seal"))
    }
}

/// The whole hotline in the assessment: the departments' rates added up, and the desk's own figures (not the
/// departments' sum: calls of queues that name no department, and a number that complained to several departments,
/// count here only).
public struct QATotalsRow: ControlReply, Equatable {
    public var rates: QARateFigures
    public var desk: QACountFigures<QADeskFigure>

    public init(rates: QARateFigures, desk: QACountFigures<QADeskFigure>) {
        self.rates = rates
        self.desk = desk
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: QAFieldKey.self)
        try rates.encode(into: &container)
        try desk.encode(into: &container)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: QAFieldKey.self)
        rates = try QARateFigures(from: container)
        desk = try QACountFigures(from: container)
    }
}

/// One step of the assessment's trend (a month of a quarter, a week of a month): the hotline's rates over the step
/// and the call register's answer rate (`offered`, `answered`, `answer_rate`; null when the register gave no row).
public struct QATrendStep: ControlReply, Equatable {
    public var label: String
    /// First and last day, both included (YYYY-MM-DD).
    public var from: String
    public var to: String
    public var rates: QARateFigures
    public var offered: Int?
    public var answered: Int?
    public var answerRate: Double?

    public init(
        label: String,
        from: String,
        to: String,
        rates: QARateFigures,
        offered: Int?,
        answered: Int?,
        answerRate: Double?
    ) {
        self.label = label
        self.from = from
        self.to = to
        self.rates = rates
        self.offered = offered
        self.answered = answered
        self.answerRate = answerRate
    }

    /// The answer rate as numerator and denominator; 0 of 0 without a register row.
    public var answerRatio: QARatio { QARatio(answered ?? 0, of: offered ?? 0) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: QAFieldKey.self)
        try container.encode(label, forKey: QAFieldKey("label"))
        try container.encode(from, forKey: QAFieldKey("from"))
        try container.encode(to, forKey: QAFieldKey("to"))
        try rates.encode(into: &container)
        try container.encodeIfPresent(offered, forKey: QAFieldKey("offered"))
        try container.encodeIfPresent(answered, forKey: QAFieldKey("answered"))
        try container.encodeIfPresent(answerRate, forKey: QAFieldKey("answer_rate"))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: QAFieldKey.self)
        label = try container.decode(String.self, "label")
        from = try container.decode(String.self, "from")
        to = try container.decode(String.self, "to")
        rates = try QARateFigures(from: container)
        offered = try container.decodeNullable(Int.self, "offered")
        answered = try container.decodeNullable(Int.self, "answered")
        answerRate = try container.decodeNullable(Double.self, "answer_rate")
    }
}

/// The grading rules in force (`[qa]`): `minimum_cases` and `thresholds` in percent by grade (A, B, C) and rate,
/// every department rate listed (0 for no condition). Enough for hotlinectl to print the rules in HotlineCore's
/// own words; a threshold the policy refuses is a decoding error.
public struct QAGradingRules: ControlReply, Equatable {
    public var policy: QAGradingPolicy

    public init(_ policy: QAGradingPolicy) { self.policy = policy }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: QAFieldKey.self)
        try container.encode(policy.minimumCases, forKey: QAFieldKey("minimum_cases"))
        var grades = container.nestedContainer(keyedBy: QAFieldKey.self, forKey: QAFieldKey("thresholds"))
        for grade in QAGrade.thresholded {
            var measures = grades.nestedContainer(keyedBy: QAFieldKey.self, forKey: QAFieldKey(grade.rawValue))
            for measure in QAMeasure.departmental {
                try measures.encode(
                    Double(policy.threshold(grade, measure)) / 100,
                    forKey: QAFieldKey(measure.rawValue)
                )
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: QAFieldKey.self)
        var policy = QAGradingPolicy()
        let grades = try container.nestedContainer(keyedBy: QAFieldKey.self, forKey: QAFieldKey("thresholds"))
        do {
            try policy.setMinimumCases(try container.decode(Int.self, "minimum_cases"))
            for grade in QAGrade.thresholded {
                let measures = try grades.nestedContainer(keyedBy: QAFieldKey.self, forKey: QAFieldKey(grade.rawValue))
                for measure in QAMeasure.departmental {
                    try policy.setThreshold(grade, measure, percent: try measures.decode(Double.self, measure.rawValue))
                }
            }
            try policy.validate()
        } catch let error as QAGradingError {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: container.codingPath, debugDescription: error.description)
            )
        }
        self.policy = policy
    }
}

/// `qa.stats` with `"assessment": true` (issue 16): the period, its department rows graded and ranked, the
/// hotline's totals, the call register's answer rates, the trend and the grading rules in force.
public struct QAAssessmentReply: ControlReply, Equatable {
    /// `2026-11` or `2026-Q4`.
    public var period: String
    /// First and last day, both included (YYYY-MM-DD).
    public var from: String
    public var to: String
    /// By department code, as the store gives them.
    public var departments: [QADepartmentRow]
    public var totals: QATotalsRow
    /// The whole hotline first, then each queue.
    public var calls: [QACallAnswerRow]
    public var trend: [QATrendStep]
    public var grading: QAGradingRules

    public init(
        period: String,
        from: String,
        to: String,
        departments: [QADepartmentRow],
        totals: QATotalsRow,
        calls: [QACallAnswerRow],
        trend: [QATrendStep],
        grading: QAGradingRules
    ) {
        self.period = period
        self.from = from
        self.to = to
        self.departments = departments
        self.totals = totals
        self.calls = calls
        self.trend = trend
        self.grading = grading
    }

    /// The whole hotline's row of the call register, if the register gave one.
    public var hotlineCalls: QACallAnswerRow? { calls.first { $0.scope == .hotline } }
}
