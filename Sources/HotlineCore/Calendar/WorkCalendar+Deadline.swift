import Foundation

extension WorkCalendar {
    /// The due time of an allowance that starts at `start`, with its explanation.
    ///
    /// Wall-clock allowances add elapsed time. Business allowances count from the next opening and skip
    /// everything outside business hours; the explanation lists the days skipped whole (weekends, holidays,
    /// closed days) and the make-up working days counted between the start and the due time.
    public func due(after start: Date, allowance: Allowance) throws(BusinessTimeError) -> DeadlineComputation {
        if case .wallClock(let minutes) = allowance {
            let dueAt = start.addingTimeInterval(TimeInterval(minutes) * 60)
            let explanation = DeadlineExplanation(allowance: allowance, start: start, dueAt: dueAt)
            return DeadlineComputation(dueAt: dueAt, explanation: explanation)
        }
        let minutes = businessMinutes(for: allowance) ?? 0
        let effectiveStart = try nextOpening(atOrAfter: start)
        let dueAt = try adding(businessMinutes: minutes, to: start)
        var skipped: [DeadlineExplanation.SkippedDay] = []
        var makeUpDays: [DeadlineExplanation.MakeUpDay] = []
        var provisionalDays: [DeadlineExplanation.ProvisionalDay] = []
        var date = localDate(of: start)
        let last = localDate(of: dueAt)
        while date <= last {
            if let override = override(on: date), override.provisional {
                provisionalDays.append(DeadlineExplanation.ProvisionalDay(date: date, name: override.name))
            }
            if let reason = nonWorkingReason(on: date) {
                skipped.append(DeadlineExplanation.SkippedDay(date: date, reason: reason))
            } else if let override = override(on: date), override.kind == .workday,
                openIntervals(on: date).contains(where: { $0.end > effectiveStart && $0.start < dueAt })
            {
                makeUpDays.append(DeadlineExplanation.MakeUpDay(date: date, name: override.name))
            }
            date = date.adding(days: 1)
        }
        let explanation = DeadlineExplanation(
            allowance: allowance,
            start: start,
            dueAt: dueAt,
            effectiveStart: effectiveStart == start ? nil : effectiveStart,
            businessMinutes: minutes,
            skippedDays: skipped,
            makeUpDays: makeUpDays,
            provisionalDays: provisionalDays
        )
        return DeadlineComputation(dueAt: dueAt, explanation: explanation)
    }
}
