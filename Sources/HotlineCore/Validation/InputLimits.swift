/// The length of a text a person types, checked before it is stored (issue 13): one table that the CLI's and the
/// daemon's checks read and that a test holds against the migrations' CHECK constraints, so the two cannot drift.
///
/// Lengths are counted in Unicode scalars, as PostgreSQL's `length()` counts characters, not in grapheme clusters.
public struct TextLimit: Sendable, Hashable {
    /// The option people type (`--matter`).
    public let option: String
    /// Where the value is stored, for the test that compares this table with the schema.
    public let table: String
    public let column: String
    /// The fewest characters after trimming white space (0: may be empty).
    public let minimum: Int
    public let maximum: Int

    public init(option: String, table: String, column: String, minimum: Int = 0, maximum: Int) {
        self.option = option
        self.table = table
        self.column = column
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Refuses a value too long (or, with a minimum, too short once trimmed), naming the option and its limit.
    public func check(_ value: String) throws(InputError) {
        let length = value.unicodeScalars.count
        if length > maximum {
            throw InputError(option: option, maximum: maximum, length: length)
        }
        if minimum > 0, value.trimmingWhitespace().unicodeScalars.count < minimum {
            throw InputError(option: option, maximum: maximum, length: 0)
        }
    }

    /// Checks a value that may be absent.
    public func check(_ value: String?) throws(InputError) {
        if let value { try check(value) }
    }
}

/// A typed value over its limit.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var option: String
    public var maximum: Int
    /// The characters given; 0 for an empty value where one is required.
    public var length: Int

    public var description: String { text(in: .en) }

    public func text(in language: Language) -> String {
        switch (language, length) {
        case (.en, 0): return "\(option) must not be empty"
        case (.zh, 0): return "\(option) 不能为空"
        case (.en, _): return "\(option) is \(length) characters; at most \(maximum) are allowed"
        case (.zh, _): return "\(option) 为 \(length) 个字符，最多允许 \(maximum) 个"
        }
    }
}

/// Every limit on text people type into complaints and their hops.
public enum InputLimits {
    public static let callerName = TextLimit(option: "--name", table: "complaints", column: "caller_name", maximum: 200)
    public static let callerAddress = TextLimit(
        option: "--address",
        table: "complaints",
        column: "caller_address",
        maximum: 500
    )
    public static let matter = TextLimit(option: "--matter", table: "complaints", column: "matter", maximum: 10_000)
    public static let category = TextLimit(option: "--category", table: "complaints", column: "category", maximum: 100)
    public static let satisfactionComment = TextLimit(
        option: "--comment",
        table: "complaints",
        column: "satisfaction_comment",
        maximum: 2_000
    )
    /// The text of a signed hop: a transfer's or an escalation's reason, an answer, a reply, a note.
    public static func hopText(_ option: String) -> TextLimit {
        TextLimit(option: option, table: "hops", column: "text", maximum: 10_000)
    }

    /// The name of a holiday or make-up day in a calendar file.
    public static let calendarName = TextLimit(
        option: "name",
        table: "calendar_overrides",
        column: "name",
        maximum: 200
    )

    /// All of them, for the test against the schema.
    public static let all: [TextLimit] = [
        callerName, callerAddress, matter, category, satisfactionComment, hopText("--reason"), calendarName,
    ]
}
