import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore

/// `qa escalations|stats` (R8, R14): for the qa, supervisor and admin roles only.
extension ControlHandler {
    /// The department rows of a period with their rates and grades from `[qa]`; with `assessment`, the whole
    /// assessment (totals, calls, trend, grading rules).
    func qaStats(_ period: ReportingPeriod, assessment: Bool, caller: Caller, language: Language) throws -> JSONValue {
        try requireQA(caller, language: language)
        let calendar = complaintRules.calendar
        func instant(_ date: LocalDate) -> Date { calendar.instant(on: date, minuteOfDay: 0) }
        let grading = ruleBook.qaGrading
        return try qaRecords.inOneSnapshot { snapshot in
            assessment
                ? try QAAssessment.assessment(period: period, policy: grading, instant: instant, in: snapshot).json
                : try QAAssessment.departments(period: period, policy: grading, instant: instant, in: snapshot).json
        }
    }

    func qaEscalations(
        from: LocalDate?,
        to: LocalDate?,
        department: String?,
        caller: Caller,
        language: Language
    ) throws -> JSONValue {
        try requireQA(caller, language: language)
        let calendar = complaintRules.calendar
        func instant(_ date: LocalDate) -> Date { calendar.instant(on: date, minuteOfDay: 0) }
        // --to is the last day included.
        let start = from.map(instant)
        let end = to.map { instant($0.adding(days: 1)) }
        return try qaRecords.inOneSnapshot { snapshot in
            try snapshot.escalations(from: start, to: end, department: department, timeZone: timeZone)
        }.json
    }

    private func requireQA(_ caller: Caller, language: Language) throws {
        guard caller.has(.qa) || caller.has(.supervisor) || caller.has(.admin) else {
            throw ControlError(
                code: .refused,
                role: "qa",
                zh: "QA 报表仅限 qa、supervisor 或 admin 角色；\(caller.name) 没有",
                en: "QA figures are for the qa, supervisor and admin roles; \(caller.name) has none of them",
                language: language
            )
        }
    }
}
