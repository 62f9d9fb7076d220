extension Allowance {
    /// Reads an allowance as operators and configuration files write it, in English or Chinese.
    ///
    /// Wall clock: `1h`, `90m`, `30 min`, `1 hour`, `2 hours`, `4小时`, `30分钟`. Business time: `4bh`,
    /// `4 business hours`, `30 business minutes`, `4个工作小时`. Working days: `1 working day`, `2wd`,
    /// `2 个工作日`. Case and white space do not matter, full-width digits and small Chinese numerals (`两个工作日`)
    /// are understood, hours may have a fraction that makes whole minutes (`1.5h`). Plain "days" are refused as
    /// ambiguous, as are zero, negative and over-a-year values.
    public init(parsing text: String) throws(AllowanceParseError) {
        let normalized = Allowance.normalize(text)
        guard !normalized.isEmpty else { throw .empty }
        if normalized.hasPrefix("-") {
            throw .notPositive(text: text)
        }
        guard let (number, rest) = Allowance.leadingNumber(normalized) else {
            throw .missingNumber(text: text)
        }
        let unit = String(rest.filter { !$0.isWhitespace })
        guard !unit.isEmpty else { throw .missingUnit(text: text) }
        guard let kind = Allowance.units[unit] else {
            throw .unknownUnit(unit: rest.trimmingWhitespace(), text: text)
        }
        guard number.numerator > 0 else { throw .notPositive(text: text) }
        switch kind {
        case .ambiguousDays:
            throw .ambiguousDays(text: text)
        case .workingDays:
            guard number.numerator % number.denominator == 0 else { throw .fractionalWorkingDays(text: text) }
            let days = number.numerator / number.denominator
            guard days <= Allowance.maximumWorkingDays else { throw .tooLarge(text: text) }
            self = .workingDays(days)
        case .wallMinutes, .wallHours, .businessMinutes, .businessHours:
            let perUnit = (kind == .wallHours || kind == .businessHours) ? 60 : 1
            guard (number.numerator * perUnit) % number.denominator == 0 else {
                throw .notWholeMinutes(text: text)
            }
            let minutes = number.numerator * perUnit / number.denominator
            guard minutes <= Allowance.maximumMinutes else { throw .tooLarge(text: text) }
            self =
                (kind == .wallMinutes || kind == .wallHours) ? .wallClock(minutes: minutes) : .businessMinutes(minutes)
        }
    }

    private enum UnitKind {
        case wallMinutes, wallHours, businessMinutes, businessHours, workingDays, ambiguousDays
    }

    /// Unit spellings with white space removed.
    private static let units: [String: UnitKind] = {
        var table: [String: UnitKind] = [:]
        let spellings: [(UnitKind, [String])] = [
            (.wallMinutes, ["m", "min", "mins", "minute", "minutes", "分钟", "分"]),
            (.wallHours, ["h", "hr", "hrs", "hour", "hours", "小时", "个小时", "钟头", "个钟头"]),
            (
                .businessMinutes,
                [
                    "bm", "bmin", "businessmin", "businessmins", "businessminute", "businessminutes", "工作分钟",
                    "个工作分钟",
                ]
            ),
            (
                .businessHours,
                [
                    "bh", "businesshour", "businesshours", "businesshr", "businesshrs", "workinghour", "workinghours",
                    "工作小时", "个工作小时",
                ]
            ),
            (
                .workingDays,
                [
                    "wd", "workingday", "workingdays", "workday", "workdays", "businessday", "businessdays", "工作日",
                    "个工作日",
                ]
            ),
            (.ambiguousDays, ["d", "day", "days", "天", "个天", "日"]),
        ]
        for (kind, names) in spellings {
            for name in names {
                table[name] = kind
            }
        }
        return table
    }()

    /// Lower case, full-width forms folded to ASCII, white space trimmed.
    private static func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0) {
                scalars.append(ascii)
            } else if scalar.value == 0x3000 {
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars).lowercased().trimmingWhitespace()
    }

    /// A leading decimal (`1.5`) or Chinese numeral (`两`, `十二`, `半`) as a fraction, and the text after it.
    private static func leadingNumber(_ text: String) -> ((numerator: Int, denominator: Int), Substring)? {
        let digits = text.prefix { $0.isASCIIDigit || $0 == "." }
        if !digits.isEmpty {
            let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, digits.count <= 9 else { return nil }
            let fraction = parts.count == 2 ? parts[1] : ""
            guard parts.count == 1 || !fraction.isEmpty, let numerator = Int(whole + fraction) else { return nil }
            var denominator = 1
            for _ in fraction {
                denominator *= 10
            }
            return ((numerator, denominator), text.dropFirst(digits.count))
        }
        let numeral = text.prefix { chineseDigits[$0] != nil || $0 == "十" || $0 == "半" }
        guard !numeral.isEmpty else { return nil }
        if numeral == "半" {
            return ((1, 2), text.dropFirst(1))
        }
        guard let value = chineseNumber(numeral) else { return nil }
        return ((value, 1), text.dropFirst(numeral.count))
    }

    private static let chineseDigits: [Character: Int] = [
        "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    ]

    /// `三` → 3, `十` → 10, `十二` → 12, `二十` → 20, `二十四` → 24 (up to 99).
    private static func chineseNumber(_ text: Substring) -> Int? {
        let characters = Array(text)
        guard let ten = characters.firstIndex(of: "十") else {
            return characters.count == 1 ? chineseDigits[characters[0]] : nil
        }
        let before = characters[..<ten]
        let after = characters[(ten + 1)...]
        guard before.count <= 1, after.count <= 1 else { return nil }
        let tens = before.first.map { chineseDigits[$0] } ?? 1
        let ones = after.first.map { chineseDigits[$0] } ?? 0
        guard let tens, let ones else { return nil }
        return tens * 10 + ones
    }
}
