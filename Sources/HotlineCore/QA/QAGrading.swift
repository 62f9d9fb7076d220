/// A department's grade in the assessment (考核等级), best first.
public enum QAGrade: String, Sendable, CaseIterable, Codable, Comparable {
    case a = "A"
    case b = "B"
    case c = "C"
    case d = "D"

    /// The grades a threshold can be set for; D is every graded department that reaches none of them.
    public static let thresholded: [QAGrade] = [.a, .b, .c]

    public var label: LocalizedText {
        switch self {
        case .a: LocalizedText(zh: "优秀", en: "Excellent")
        case .b: LocalizedText(zh: "良好", en: "Good")
        case .c: LocalizedText(zh: "合格", en: "Satisfactory")
        case .d: LocalizedText(zh: "不合格", en: "Unsatisfactory")
        }
    }

    private var order: Int { QAGrade.allCases.firstIndex(of: self) ?? 0 }

    /// A is the smallest: sorting ascending puts the best first.
    public static func < (lhs: QAGrade, rhs: QAGrade) -> Bool { lhs.order < rhs.order }
}

/// Why a grading policy cannot be used, for the configuration's error message.
public enum QAGradingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A threshold outside 0…100 percent.
    case thresholdOutOfRange(Double)
    /// Thresholds are for grades A, B and C and for the department rates; not for this pair.
    case notThresholded(QAGrade, QAMeasure)
    /// A lower grade would ask more than a higher one for the same rate (B above A, say).
    case notDescending(QAMeasure, higher: QAGrade, lower: QAGrade)
    /// The minimum number of cases is below 1.
    case minimumCasesOutOfRange(Int)

    public var description: String {
        switch self {
        case .thresholdOutOfRange(let value):
            "must be a percentage from 0 to 100 (got \(value))"
        case .notThresholded(let grade, let measure):
            "grade \(grade.rawValue) has no threshold for \(measure.rawValue)"
        case .notDescending(let measure, let higher, let lower):
            "the \(measure.rawValue) threshold of grade \(lower.rawValue) is above that of grade \(higher.rawValue)"
        case .minimumCasesOutOfRange(let value):
            "must be a whole number of cases of at least 1 (got \(value))"
        }
    }
}

/// How departments are graded from their rates (issue 16; `[qa]` of the configuration): for grades A, B and C
/// a minimum share per rate. A department gets the best grade whose every threshold its rates meet; a graded
/// department that meets none is D. Only rates over at least `minimumCases` cases take part, so a department is
/// judged on what it did (a department that never transfers is not judged on transfers); a department with no
/// such rate among the thresholded ones is not graded. Pure: no I/O.
public struct QAGradingPolicy: Sendable, Equatable {
    /// Minimum shares in basis points (hundredths of a percent, 9 500 = 95 %), compared exactly.
    public private(set) var thresholds: [QAGrade: [QAMeasure: Int]]
    /// A rate over fewer cases than this does not count towards the grade.
    public private(set) var minimumCases: Int

    public init(thresholds: [QAGrade: [QAMeasure: Int]] = [:], minimumCases: Int = 1) {
        self.thresholds = thresholds
        self.minimumCases = minimumCases
    }

    /// The defaults documented in `deploy/hotlined.toml`.
    public static let standard = QAGradingPolicy(
        thresholds: [
            .a: [.transferOnTime: 9_500, .replyOnTime: 9_500, .satisfaction: 9_000],
            .b: [.transferOnTime: 8_500, .replyOnTime: 8_500, .satisfaction: 8_000],
            .c: [.transferOnTime: 7_000, .replyOnTime: 7_000, .satisfaction: 6_000],
        ],
        minimumCases: 1
    )

    /// Sets one threshold in percent (`92.5`); 0 removes the condition.
    public mutating func setThreshold(_ grade: QAGrade, _ measure: QAMeasure, percent: Double) throws(QAGradingError) {
        guard QAGrade.thresholded.contains(grade), QAMeasure.departmental.contains(measure) else {
            throw .notThresholded(grade, measure)
        }
        guard percent.isFinite, (0...100).contains(percent) else { throw .thresholdOutOfRange(percent) }
        let basisPoints = Int((percent * 100).rounded())
        thresholds[grade, default: [:]][measure] = basisPoints == 0 ? nil : basisPoints
        // A grade without conditions has no entry, so that two policies with the same thresholds are equal.
        if thresholds[grade]?.isEmpty == true { thresholds[grade] = nil }
    }

    public mutating func setMinimumCases(_ cases: Int) throws(QAGradingError) {
        guard cases >= 1 else { throw .minimumCasesOutOfRange(cases) }
        minimumCases = cases
    }

    /// The threshold of `grade` for `measure` in basis points; 0 when there is none.
    public func threshold(_ grade: QAGrade, _ measure: QAMeasure) -> Int { thresholds[grade]?[measure] ?? 0 }

    /// A higher grade must ask at least as much as a lower one, rate by rate; otherwise a department could be A and
    /// fail B, and the printed rules would read as nonsense.
    public func validate() throws(QAGradingError) {
        for measure in QAMeasure.departmental {
            for (higher, lower) in zip(QAGrade.thresholded, QAGrade.thresholded.dropFirst())
            where threshold(lower, measure) > threshold(higher, measure) {
                throw .notDescending(measure, higher: higher, lower: lower)
            }
        }
    }

    /// The rates some grade has a threshold for.
    public var gradedMeasures: [QAMeasure] {
        QAMeasure.departmental.filter { measure in QAGrade.thresholded.contains { threshold($0, measure) > 0 } }
    }

    /// The grade these rates earn, or nil when none of the graded rates has `minimumCases` cases.
    public func grade(_ rates: [QAMeasure: QARatio]) -> QAGrade? {
        let counted = gradedMeasures.compactMap { measure -> (QAMeasure, QARatio)? in
            guard let ratio = rates[measure], ratio.denominator >= minimumCases else { return nil }
            return (measure, ratio)
        }
        guard !counted.isEmpty else { return nil }
        for grade in QAGrade.thresholded
        where counted.allSatisfy({ measure, ratio in ratio.meets(basisPoints: threshold(grade, measure)) }) {
            return grade
        }
        return .d
    }

    /// The ranking the grades give: departments of one grade share a place, the next grade's place counts those
    /// ahead of it (A, A, B → 1, 1, 3). An ungraded department has no place.
    public static func ranks(_ grades: [QAGrade?]) -> [Int?] {
        grades.map { grade in
            guard let grade else { return nil }
            return 1 + grades.count { other in other.map { $0 < grade } ?? false }
        }
    }

    /// The rules as printed under the assessment table, one line each.
    public func rules(in language: Language) -> [String] {
        let zh = language == .zh
        var lines = QAGrade.thresholded.map { grade in
            let conditions = gradedMeasures.compactMap { measure -> String? in
                let value = threshold(grade, measure)
                guard value > 0 else { return nil }
                return "\(measure.label.text(in: language)) ≥ \(QAGradingPolicy.percentText(basisPoints: value))"
            }
            let head = "\(grade.rawValue)（\(grade.label.zh)）"
            if zh {
                return head + "：" + (conditions.isEmpty ? "无条件" : conditions.joined(separator: "，"))
            }
            return "\(grade.rawValue) (\(grade.label.en)): "
                + (conditions.isEmpty ? "no condition" : conditions.joined(separator: ", "))
        }
        lines.append(
            zh
                ? "D（不合格）：有评级数据但未达到 C 级"
                : "D (Unsatisfactory): graded, but below grade C"
        )
        let cases = minimumCases
        lines.append(
            zh
                ? "只计入分母不少于 \(cases) 件的比率；部门只按其有数据的比率评级，没有任何评级数据的部门不评级（—）。"
                : "A rate counts only over at least \(cases) case\(cases == 1 ? "" : "s"); a department is graded on "
                    + "the rates it has figures for, and one with none is not graded (—)."
        )
        lines.append(
            zh
                ? "排名按等级：同一等级名次并列，下一等级的名次计入排在前面的部门数。"
                : "The ranking follows the grade: departments of one grade share a place; the next grade's place "
                    + "counts all departments ahead of it."
        )
        return lines
    }

    /// 9 500 → "95%", 9 250 → "92.5%".
    public static func percentText(basisPoints: Int) -> String {
        let whole = basisPoints / 100
        let fraction = basisPoints % 100
        guard fraction != 0 else { return "\(whole)%" }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0\(fraction)" : String(fraction))
        return "\(whole).\(digits)%"
    }
}
