/// How long each deadline of SPEC §3 allows, from `[policy]` of the configuration.
public struct DeadlinePolicy: Sendable, Equatable {
    /// R4: transfer within one hour of receipt, wall clock by default.
    public var transfer: Allowance
    /// R5: the receiving department names a handler within 30 business minutes.
    public var accept: Allowance
    /// R6: reply within one working day.
    public var reply: Allowance
    /// Warn when this share of an allowance has passed.
    public var warningShare: Double
    /// R12: urgent complaints run their timers at this fraction.
    public var urgentScale: Double
    /// The reply ladder: after a reply breach, escalate to the deputy general manager after this much more…
    public var ladderVP: Allowance
    /// …and to the general manager after this much more (counted from the reply breach too).
    public var ladderGM: Allowance
    /// SPEC §2: a resolved or replied case closes this long after its last hop unless feedback comes first. Not a
    /// deadline of SPEC §3 (nothing is breached, nobody is warned); in working days by default, so that a holiday
    /// week does not close cases while the callers cannot reach the centre.
    public var quietPeriod: Allowance
    /// R12: an urgent notice nobody has read within this (wall-clock) time goes to the general managers too.
    public var urgentReadWithin: Allowance

    public init(
        transfer: Allowance = .wallClock(minutes: 60),
        accept: Allowance = .businessMinutes(30),
        reply: Allowance = .workingDays(1),
        warningShare: Double = 0.8,
        urgentScale: Double = 0.25,
        ladderVP: Allowance = .workingDays(1),
        ladderGM: Allowance = .workingDays(2),
        quietPeriod: Allowance = .workingDays(3),
        urgentReadWithin: Allowance = .wallClock(minutes: 10)
    ) {
        self.transfer = transfer
        self.accept = accept
        self.reply = reply
        self.warningShare = warningShare
        self.urgentScale = urgentScale
        self.ladderVP = ladderVP
        self.ladderGM = ladderGM
        self.quietPeriod = quietPeriod
        self.urgentReadWithin = urgentReadWithin
    }

    public func allowance(for kind: DeadlineChange.Kind, urgent: Bool) -> Allowance {
        let base: Allowance
        switch kind {
        case .transfer: base = transfer
        case .accept: base = accept
        case .reply: base = reply
        }
        return urgent ? base.scaled(by: urgentScale) : base
    }
}
