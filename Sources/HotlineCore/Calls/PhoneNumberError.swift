/// Why a text is not a ``PhoneNumber``; the description says exactly what is wrong so that an operator or a
/// PBX adapter author can fix the input without reading code.
public enum PhoneNumberError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No digits at all (empty, or only separators).
    case empty
    /// A character that is neither a digit, a separator nor a leading `+`.
    case invalidCharacter(Character)
    /// A `+` that is not the first character, or a second `+`.
    case misplacedPlus
    /// Fewer than ``PhoneNumber/minimumDigits`` digits.
    case tooShort(digits: Int)
    /// More than ``PhoneNumber/maximumDigits`` digits.
    case tooLong(digits: Int)

    public var description: String { text(in: .en) }

    /// The message in the reader's language (staff read it in `hotlinectl`; PBX adapters get ``description``).
    public func text(in language: Language) -> String {
        switch (self, language) {
        case (.empty, .en):
            return "not a phone number: no digits"
        case (.empty, .zh):
            return "不是电话号码：没有数字"
        case (.invalidCharacter(let character), .en):
            return "not a phone number: contains \(Self.show(character))"
        case (.invalidCharacter(let character), .zh):
            return "不是电话号码：含有字符 \(Self.show(character))"
        case (.misplacedPlus, .en):
            return "not a phone number: '+' is only allowed at the start"
        case (.misplacedPlus, .zh):
            return "不是电话号码：“+”只能在开头"
        case (.tooShort(let digits), .en):
            return "too short: \(digits) digit\(digits == 1 ? "" : "s"), at least \(PhoneNumber.minimumDigits)"
        case (.tooShort(let digits), .zh):
            return "号码太短：\(digits) 位数字，至少 \(PhoneNumber.minimumDigits) 位"
        case (.tooLong(let digits), .en):
            return "too long: \(digits) digits, at most \(PhoneNumber.maximumDigits)"
        case (.tooLong(let digits), .zh):
            return "号码太长：\(digits) 位数字，至多 \(PhoneNumber.maximumDigits) 位"
        }
    }

    /// Shows a character in quotes, or as `U+XXXX` when it would be invisible or break the message.
    private static func show(_ character: Character) -> String {
        let scalars = character.unicodeScalars
        let invisible = scalars.contains {
            $0.properties.generalCategory == .control || $0.properties.isWhitespace
                || $0.properties.generalCategory == .format
        }
        guard invisible else { return "'\(character)'" }
        return scalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }
            .joined(separator: " ")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
