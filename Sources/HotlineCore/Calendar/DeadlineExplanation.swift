import Foundation

/// How a deadline's due time was computed: the allowance, the start, the business time counted, and the days
/// skipped or counted on the way (SPEC §3: "every deadline can explain itself").
///
/// It is data first, so it can be stored as JSON beside the deadline and shown later in either language with
/// ``render(in:timeZone:)``.
public struct DeadlineExplanation: Sendable, Equatable, Codable {
    /// A date between start and due time that had no business time at all.
    public struct SkippedDay: Sendable, Hashable, Codable {
        public var date: LocalDate
        public var reason: NonWorkingReason

        public init(date: LocalDate, reason: NonWorkingReason) {
            self.date = date
            self.reason = reason
        }
    }

    /// A make-up working day (调休) whose business time was counted.
    public struct MakeUpDay: Sendable, Hashable, Codable {
        public var date: LocalDate
        public var name: String

        public init(date: LocalDate, name: String) {
            self.date = date
            self.name = name
        }
    }

    /// A day of the span whose status is provisional: a statutory holiday or day off in lieu computed for a year
    /// no official schedule covers, so the due time may move when the schedule is imported.
    public struct ProvisionalDay: Sendable, Hashable, Codable {
        public var date: LocalDate
        public var name: String

        public init(date: LocalDate, name: String) {
            self.date = date
            self.name = name
        }
    }

    public var allowance: Allowance
    /// When the clock was started (the complaint's receipt, the transfer, …).
    public var start: Date
    public var dueAt: Date
    /// The next opening, when the start lay outside business hours; nil otherwise and for wall-clock time.
    public var effectiveStart: Date?
    /// Business minutes counted; nil for a wall-clock allowance.
    public var businessMinutes: Int?
    /// Days skipped whole, in date order.
    public var skippedDays: [SkippedDay]
    /// Make-up working days counted, in date order.
    public var makeUpDays: [MakeUpDay]
    /// Provisional days between start and due time, in date order (SPEC §4).
    public var provisionalDays: [ProvisionalDay]

    /// The explanation of a business-time deadline.
    public init(
        allowance: Allowance,
        start: Date,
        dueAt: Date,
        effectiveStart: Date?,
        businessMinutes: Int,
        skippedDays: [SkippedDay],
        makeUpDays: [MakeUpDay],
        provisionalDays: [ProvisionalDay] = []
    ) {
        self.allowance = allowance
        self.start = start
        self.dueAt = dueAt
        self.effectiveStart = effectiveStart
        self.businessMinutes = businessMinutes
        self.skippedDays = skippedDays
        self.makeUpDays = makeUpDays
        self.provisionalDays = provisionalDays
    }

    /// The explanation of a wall-clock deadline: just the duration.
    public init(allowance: Allowance, start: Date, dueAt: Date) {
        self.allowance = allowance
        self.start = start
        self.dueAt = dueAt
        effectiveStart = nil
        businessMinutes = nil
        skippedDays = []
        makeUpDays = []
        provisionalDays = []
    }

    private enum CodingKeys: String, CodingKey {
        case allowance, start, dueAt, effectiveStart, businessMinutes, skippedDays, makeUpDays, provisionalDays
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        allowance = try container.decode(Allowance.self, forKey: .allowance)
        start = try container.decode(Date.self, forKey: .start)
        dueAt = try container.decode(Date.self, forKey: .dueAt)
        effectiveStart = try container.decodeIfPresent(Date.self, forKey: .effectiveStart)
        businessMinutes = try container.decodeIfPresent(Int.self, forKey: .businessMinutes)
        skippedDays = try container.decode([SkippedDay].self, forKey: .skippedDays)
        makeUpDays = try container.decode([MakeUpDay].self, forKey: .makeUpDays)
        // Explanations stored before provisional days existed have none.
        provisionalDays = try container.decodeIfPresent([ProvisionalDay].self, forKey: .provisionalDays) ?? []
    }

    /// True when the allowance ran on the wall clock.
    public var isWallClock: Bool { businessMinutes == nil }

    /// Readable text, one sentence per line, e.g.
    /// `1 working day = 480 business minutes from Wed 2026-09-30 17:00, due Thu 2026-10-08 17:00.` followed by
    /// `Skipped: Thu 2026-10-01…Wed 2026-10-07 (holiday: 国庆节 National Day).`
    public func render(in language: Language, timeZone: TimeZone) -> String {
        let clock = LocalClock(timeZone: timeZone, language: language)
        var lines: [String] = []
        let amount = amountText(in: language)
        switch language {
        case .en:
            lines.append("\(amount) from \(clock.instant(start)), due \(clock.instant(dueAt)).")
            if let effectiveStart {
                lines.append(
                    "The start was outside business hours: counted from the next opening, "
                        + "\(clock.instant(effectiveStart))."
                )
            }
            if !skippedDays.isEmpty {
                lines.append("Skipped: \(skippedGroups(clock).joined(separator: "; ")).")
            }
            if !makeUpDays.isEmpty {
                let days = makeUpDays.map { "\(clock.date($0.date)) (\($0.name.isEmpty ? "make-up" : $0.name))" }
                let noun = makeUpDays.count == 1 ? "make-up working day" : "make-up working days"
                lines.append("Counted \(noun): \(days.joined(separator: "; ")).")
            }
            if !provisionalDays.isEmpty {
                let days = provisionalDays.map { "\(clock.date($0.date)) (\($0.name))" }
                lines.append(
                    "Provisional: \(days.joined(separator: "; ")) computed from the statutory holiday rules, as no "
                        + "official schedule for \(provisionalYears) is imported; the due time may move when it is."
                )
            }
        case .zh:
            lines.append("\(amount),自 \(clock.instant(start)) 起算,于 \(clock.instant(dueAt)) 到期。")
            if let effectiveStart {
                lines.append("起算时不在工作时间内,自下一个上班时间 \(clock.instant(effectiveStart)) 起计。")
            }
            if !skippedDays.isEmpty {
                lines.append("跳过:\(skippedGroups(clock).joined(separator: ";"))。")
            }
            if !makeUpDays.isEmpty {
                let days = makeUpDays.map { "\(clock.date($0.date))(\($0.name.isEmpty ? "调休上班" : $0.name))" }
                lines.append("计入调休上班日:\(days.joined(separator: ";"))。")
            }
            if !provisionalDays.isEmpty {
                let days = provisionalDays.map { "\(clock.date($0.date))(\($0.name))" }
                lines.append(
                    "暂定:\(days.joined(separator: ";"))系按法定节假日规则推算,\(provisionalYears) 年官方放假安排尚未导入;"
                        + "导入后到期时间可能调整。"
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The years of the provisional days: `2027`, or `2027, 2028`.
    private var provisionalYears: String {
        Array(Set(provisionalDays.map(\.date.year))).sorted().map(String.init).joined(separator: ", ")
    }

    /// `1 working day = 480 business minutes`, `30 business minutes`, `1 hour (wall clock, …)`.
    private func amountText(in language: Language) -> String {
        let name = allowance.text(in: language)
        guard let businessMinutes else {
            switch language {
            case .en: return "\(name) (wall clock, nights and holidays included)"
            case .zh: return "\(name)(自然时间,含夜间和节假日)"
            }
        }
        if allowance == .businessMinutes(businessMinutes), businessMinutes % 60 != 0 {
            return name
        }
        switch language {
        case .en: return "\(name) = \(businessMinutes) business minutes"
        case .zh: return "\(name) = \(businessMinutes)个工作分钟"
        }
    }

    /// Runs of consecutive skipped days with the same reason: `Sat 2026-11-28…Sun 2026-11-29 (weekend)`.
    private func skippedGroups(_ clock: LocalClock) -> [String] {
        var groups: [(first: LocalDate, last: LocalDate, reason: NonWorkingReason)] = []
        for day in skippedDays {
            if let current = groups.last, current.reason == day.reason, current.last.adding(days: 1) == day.date {
                groups[groups.count - 1].last = day.date
            } else {
                groups.append((day.date, day.date, day.reason))
            }
        }
        return groups.map { group in
            let reason = group.reason.text(in: clock.language)
            let dates =
                group.first == group.last
                ? clock.date(group.first)
                : clock.date(group.first) + (clock.language == .zh ? " 至 " : "…") + clock.date(group.last)
            return clock.language == .zh ? "\(dates)(\(reason))" : "\(dates) (\(reason))"
        }
    }

    /// Formats dates and instants on the wall clock of a zone, without locale-dependent formatters.
    private struct LocalClock {
        let calendar: Calendar
        let language: Language

        init(timeZone: TimeZone, language: Language) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            self.calendar = calendar
            self.language = language
        }

        /// `Wed 2026-09-30` or `2026-09-30(周三)`.
        func date(_ date: LocalDate) -> String {
            let weekday = date.weekday.abbreviation(in: language)
            return language == .zh ? "\(date)(\(weekday))" : "\(weekday) \(date)"
        }

        /// `Wed 2026-09-30 17:00` or `2026-09-30(周三)17:00`; seconds only when not zero.
        func instant(_ instant: Date) -> String {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
            guard let year = parts.year, let month = parts.month, let day = parts.day,
                let local = LocalDate(year: year, month: month, day: day)
            else {
                return "\(instant)"
            }
            var time = "\(LocalDate.pad(parts.hour ?? 0, 2)):\(LocalDate.pad(parts.minute ?? 0, 2))"
            if let second = parts.second, second != 0 {
                time += ":\(LocalDate.pad(second, 2))"
            }
            return language == .zh ? "\(self.date(local))\(time)" : "\(self.date(local)) \(time)"
        }
    }
}
