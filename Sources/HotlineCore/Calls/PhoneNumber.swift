/// A telephone number as the register keeps it: ASCII digits with an optional leading `+`.
///
/// Callers and PBXes write numbers in many ways (`138-1234-5678`, `(010) 1234 5678`, `+86 138.1234.5678`);
/// the register stores one spelling so that the same caller is found again. Short service numbers such as
/// `110` or `12345` are real numbers and are accepted.
public struct PhoneNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The fewest digits a number may have (`110`, `120`, `119`).
    public static let minimumDigits = 3
    /// The most digits a number may have; E.164 allows 15, extensions and prefixes need a little more.
    public static let maximumDigits = 20

    /// The normalized number: digits only, with a leading `+` when the input had one.
    public let normalized: String

    /// Validates and normalizes a number, ignoring the separators people type: spaces, dashes, dots and
    /// parentheses.
    public init(validating text: String) throws(PhoneNumberError) {
        var result = ""
        var digitCount = 0
        var hasPlus = false
        for character in text {
            // Compare ASCII values, not Characters: a digit with a combining mark ("1\u{301}") sorts between
            // "0" and "9" as a Character but is not a digit.
            let ascii = character.unicodeScalars.count == 1 ? character.asciiValue ?? 0 : 0
            switch ascii {
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                continue
            case UInt8(ascii: "+"):
                // A plus after a digit or a second plus is a typo, not an international prefix.
                guard digitCount == 0, !hasPlus else { throw .misplacedPlus }
                hasPlus = true
                result.append("+")
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digitCount += 1
                result.append(character)
            default:
                throw .invalidCharacter(character)
            }
        }
        if digitCount == 0 { throw .empty }
        if digitCount < Self.minimumDigits { throw .tooShort(digits: digitCount) }
        if digitCount > Self.maximumDigits { throw .tooLong(digits: digitCount) }
        normalized = result
    }

    public var description: String { normalized }

    /// The digits without the `+`.
    public var digits: Substring { normalized.hasPrefix("+") ? normalized.dropFirst() : normalized[...] }

    /// True when the number was written with a leading `+` (an international number).
    public var isInternational: Bool { normalized.hasPrefix("+") }

    /// The number with its middle digits hidden, for QA views and logs (`138****5678`).
    ///
    /// With 8 digits or more the first 3 and the last 4 stay visible, as on Chinese bank and courier slips.
    /// Shorter numbers keep less so that at least half of them is hidden: 6 or 7 digits keep 2 at each end,
    /// 3 to 5 digits keep the first and the last digit (`1*0`, `1***5`). A leading `+` is kept.
    public var masked: String {
        let digits = Array(self.digits)
        let (head, tail): (Int, Int)
        switch digits.count {
        case 8...: (head, tail) = (3, 4)
        case 6...7: (head, tail) = (2, 2)
        default: (head, tail) = (1, 1)
        }
        let hidden = digits.count - head - tail
        let prefix = isInternational ? "+" : ""
        return prefix + String(digits.prefix(head)) + String(repeating: "*", count: hidden)
            + String(digits.suffix(tail))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(validating: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(normalized)
    }
}
