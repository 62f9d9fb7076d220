import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore

/// What `qa.stats` answers (issue 16): the department figures with their grade and place, and, when the
/// assessment is asked for (`"assessment": true`, as `qa report` and the table of `qa stats` do), the hotline's
/// totals, the call register's answer rates, the trend by month or week and the grading rules in force. Kept out
/// of the control handler so the handler's branch stays one call.
enum QAAssessment {
    static func answer(
        period: ReportingPeriod,
        whole: Bool,
        policy: QAGradingPolicy,
        instant: (LocalDate) -> Date,
        on connection: PGConnection
    ) throws -> JSONValue {
        let rows = graded(
            try QAQueries.stats(from: instant(period.first), to: instant(period.end), on: connection),
            policy: policy
        )
        guard whole else { return .array(rows) }
        let calls = try QAQueries.callAnswers(from: instant(period.first), to: instant(period.end), on: connection)
        let trend = try period.trendSteps.map { step -> JSONValue in
            let stepRows = try QAQueries.stats(from: instant(step.first), to: instant(step.end), on: connection)
            let stepCalls = try QAQueries.callAnswers(from: instant(step.first), to: instant(step.end), on: connection)
            let hotline = stepCalls.first { $0.scope == "hotline" }?.json
            var members: [(String, JSONValue)] = [
                ("label", .string(step.label)),
                ("from", .string(step.first.description)),
                ("to", .string(step.end.adding(days: -1).description)),
            ]
            members += totalMembers(stepRows)
            for field in ["offered", "answered", "answer_rate"] { members.append((field, hotline?[field] ?? .null)) }
            return .object(members)
        }
        return .object([
            ("period", .string(period.description)),
            ("from", .string(period.first.description)),
            ("to", .string(period.end.adding(days: -1).description)),
            ("departments", .array(rows)),
            (
                "totals",
                .object(
                    totalMembers(rows)
                        + (try QAQueries.deskTotals(
                            from: instant(period.first),
                            to: instant(period.end),
                            on: connection
                        ))
                )
            ),
            ("calls", calls.json),
            ("trend", .array(trend)),
            ("grading", gradingJSON(policy)),
        ])
    }

    /// The rows with `grade` (null when not graded) and `rank` (null likewise) added.
    static func graded(_ rows: [JSONValue], policy: QAGradingPolicy) -> [JSONValue] {
        let grades = rows.map { policy.grade(ratios(of: $0)) }
        let ranks = QAGradingPolicy.ranks(grades)
        return zip(rows, zip(grades, ranks)).map { row, outcome in
            guard case .object(var members) = row else { return row }
            members.append(("grade", outcome.0.map { .string($0.rawValue) } ?? .null))
            members.append(("rank", outcome.1.map { .int(Int64($0)) } ?? .null))
            return .object(members)
        }
    }

    static func ratios(of row: JSONValue) -> [QAMeasure: QARatio] {
        var ratios: [QAMeasure: QARatio] = [:]
        for measure in QAMeasure.departmental {
            if let numerator = row[measure.numeratorField]?.intValue,
                let denominator = row[measure.denominatorField]?.intValue
            {
                ratios[measure] = QARatio(numerator, of: denominator)
            }
        }
        return ratios
    }

    /// The hotline's rates: every department's numerators and denominators added up.
    static func totalMembers(_ rows: [JSONValue]) -> [(String, JSONValue)] {
        QAMeasure.departmental.flatMap { measure -> [(String, JSONValue)] in
            let ratio = rows.map { ratios(of: $0)[measure] ?? QARatio(0, of: 0) }.reduce(QARatio(0, of: 0)) {
                QARatio($0.numerator + $1.numerator, of: $0.denominator + $1.denominator)
            }
            return [
                (measure.numeratorField, .int(Int64(ratio.numerator))),
                (measure.denominatorField, .int(Int64(ratio.denominator))),
                // Four decimals, as the database rounds the department rates.
                (measure.rateField, ratio.value.map { .double(($0 * 10_000).rounded() / 10_000) } ?? .null),
            ]
        }
    }

    /// The thresholds in percent by grade and rate, and the minimum number of cases: enough for `hotlinectl` to
    /// print the rules with HotlineCore's own wording.
    static func gradingJSON(_ policy: QAGradingPolicy) -> JSONValue {
        .object([
            ("minimum_cases", .int(Int64(policy.minimumCases))),
            (
                "thresholds",
                .object(
                    QAGrade.thresholded.map { grade in
                        (
                            grade.rawValue,
                            .object(
                                QAMeasure.departmental.map { measure in
                                    (measure.rawValue, .double(Double(policy.threshold(grade, measure)) / 100))
                                }
                            )
                        )
                    }
                )
            ),
        ])
    }
}
