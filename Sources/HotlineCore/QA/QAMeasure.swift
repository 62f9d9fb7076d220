/// The rates QA assesses departments and the hotline by (issue 16), with the labels a reader sees.
public enum QAMeasure: String, Sendable, CaseIterable, Codable, Hashable {
    /// Transfers within the transfer hour (R4) / all transfers: 按时转出率.
    case transferOnTime = "transfer_on_time"
    /// Replies within the reply deadline (R6) / all replies: 按时答复率.
    case replyOnTime = "reply_on_time"
    /// Scores of 4 or 5 / all scores (R13): 满意率.
    case satisfaction
    /// Answered cases with a satisfaction recorded / answered cases (R13): 回访率.
    case feedback
    /// Answered / offered calls of the call register (R1): 接通率. The hotline's, not a department's.
    case answer

    /// The department rates, in the order tables and charts show them.
    public static let departmental: [QAMeasure] = [.transferOnTime, .replyOnTime, .satisfaction, .feedback]

    /// The JSON and SQL field of the rate (`transfer_on_time_rate`); numerator and denominator end in
    /// `_numerator` and `_denominator`.
    public var rateField: String { rawValue + "_rate" }
    public var numeratorField: String { rawValue + "_numerator" }
    public var denominatorField: String { rawValue + "_denominator" }

    public var label: LocalizedText {
        switch self {
        case .transferOnTime: LocalizedText(zh: "按时转出率", en: "On-time transfer rate")
        case .replyOnTime: LocalizedText(zh: "按时答复率", en: "On-time reply rate")
        case .satisfaction: LocalizedText(zh: "满意率", en: "Satisfaction rate")
        case .feedback: LocalizedText(zh: "回访率", en: "Feedback rate")
        case .answer: LocalizedText(zh: "接通率", en: "Answer rate")
        }
    }

    /// What is divided by what, for the notes under a table.
    public var definition: LocalizedText {
        switch self {
        case .transferOnTime:
            LocalizedText(zh: "受理后 1 小时内转出的件数 ÷ 转出件数", en: "transfers within the hour after reception ÷ transfers")
        case .replyOnTime:
            LocalizedText(zh: "时限内答复的件数 ÷ 答复件数", en: "replies within the reply deadline ÷ replies")
        case .satisfaction:
            LocalizedText(zh: "满意度 4 分及以上的件数 ÷ 有满意度的件数", en: "scores of 4 or 5 ÷ scores recorded")
        case .feedback:
            LocalizedText(
                zh: "已答复（含当场答复）且已记录满意度的件数 ÷ 已答复件数",
                en: "answered cases (on the spot or by reply) with a satisfaction recorded ÷ answered cases"
            )
        case .answer:
            LocalizedText(
                zh: "接听的来电 ÷ 呼入的来电（不含仍在进行的）",
                en: "answered calls ÷ offered calls (not counting calls in progress)"
            )
        }
    }
}

/// A rate with what it is made of: `numerator` of `denominator`. No rate when the denominator is zero: a
/// department with nothing to count has no figure, which is not the same as 0 %.
public struct QARatio: Sendable, Hashable, Codable {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, of denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The share in 0…1, or nil for a zero denominator.
    public var value: Double? { denominator == 0 ? nil : Double(numerator) / Double(denominator) }

    /// Whether the share is at least `basisPoints` / 10 000, compared exactly in integers (95 % of 20 is met by
    /// 19, never missed by a rounding of 0.95). False without a denominator.
    public func meets(basisPoints: Int) -> Bool {
        denominator > 0 && numerator * 10_000 >= basisPoints * denominator
    }

    /// "92.3%" (one decimal), or "—" without a denominator.
    public var percentText: String { QARatio.percent(value) }

    /// A share in 0…1 as "92.3%", nil as "—".
    public static func percent(_ share: Double?) -> String {
        guard let share else { return "—" }
        let tenths = (share * 1000).rounded()
        let whole = Int(tenths) / 10
        let decimal = Int(tenths) % 10
        return "\(whole).\(decimal)%"
    }
}
