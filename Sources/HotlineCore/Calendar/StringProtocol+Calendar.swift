// Small text helpers shared by the calendar parsers; Foundation-free so the parsers stay predictable.

extension StringProtocol {
    /// The text without leading and trailing white space (Foundation-free, for the parsers of this module).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else {
            return ""
        }
        return String(self[first...last])
    }
}

extension Character {
    /// True for the ASCII digits 0–9 only (`isNumber` would also accept other scripts' digits and fractions).
    var isASCIIDigit: Bool {
        guard let ascii = asciiValue else { return false }
        return (48...57).contains(ascii)
    }
}
