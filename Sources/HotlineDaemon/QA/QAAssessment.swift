import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore

/// What `qa.stats` answers (issue 16): the department figures with their grade and place, and, when the
/// assessment is asked for (`"assessment": true`, as `qa report` and the table of `qa stats` do), the hotline's
/// totals, the call register's answer rates, the trend by month or week and the grading rules in force. Kept out
/// of the control handler so the handler's branch stays one call.
enum QAAssessment {
    /// The department rows of the period, graded and ranked.
    static func departments(
        period: ReportingPeriod,
        policy: QAGradingPolicy,
        instant: (LocalDate) -> Date,
        in snapshot: any QASnapshot
    ) throws -> [QADepartmentRow] {
        graded(try snapshot.departmentStats(from: instant(period.first), to: instant(period.end)), policy: policy)
    }

    /// The whole assessment of the period.
    static func assessment(
        period: ReportingPeriod,
        policy: QAGradingPolicy,
        instant: (LocalDate) -> Date,
        in snapshot: any QASnapshot
    ) throws -> QAAssessmentReply {
        let rows = try departments(period: period, policy: policy, instant: instant, in: snapshot)
        let calls = try snapshot.callAnswers(from: instant(period.first), to: instant(period.end))
        let trend = try period.trendSteps.map { step -> QATrendStep in
            let stepRows = try snapshot.departmentStats(from: instant(step.first), to: instant(step.end))
            let stepCalls = try snapshot.callAnswers(from: instant(step.first), to: instant(step.end))
            let hotline = stepCalls.first { $0.scope == .hotline }
            return QATrendStep(
                label: step.label,
                from: step.first.description,
                to: step.end.adding(days: -1).description,
                rates: QARateFigures.sum(stepRows.map(\.rates)),
                offered: hotline?.offered,
                answered: hotline?.answered,
                answerRate: hotline?.answerRate
            )
        }
        return QAAssessmentReply(
            period: period.description,
            from: period.first.description,
            to: period.end.adding(days: -1).description,
            departments: rows,
            totals: QATotalsRow(
                rates: QARateFigures.sum(rows.map(\.rates)),
                desk: try snapshot.deskTotals(from: instant(period.first), to: instant(period.end))
            ),
            calls: calls,
            trend: trend,
            grading: QAGradingRules(policy)
        )
    }

    /// The rows with `grade` (nil when not graded) and `rank` (nil likewise) set.
    static func graded(_ rows: [QADepartmentRow], policy: QAGradingPolicy) -> [QADepartmentRow] {
        let grades = rows.map { row in
            policy.grade(Dictionary(uniqueKeysWithValues: QAMeasure.departmental.map { ($0, row.rates[$0].ratio) }))
        }
        let ranks = QAGradingPolicy.ranks(grades)
        return zip(rows, zip(grades, ranks)).map { row, outcome in
            var row = row
            row.grade = outcome.0
            row.rank = outcome.1
            return row
        }
    }
}
