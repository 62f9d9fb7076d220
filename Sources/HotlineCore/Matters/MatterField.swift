import Foundation

/// The fields of a matter (SPEC §12), with the names `matter import` reads in a CSV header and the limits every
/// way in (`matter add`, `matter edit`, import) checks.
public enum MatterField: String, Sendable, CaseIterable, Codable {
    case code
    case title
    case department
    case conditions
    case materials
    case fees
    case timeLimit = "time_limit"
    case procedure
    case refusal
    case keywords

    /// The most characters (Unicode scalars, as PostgreSQL's `char_length` counts them) a field may hold. Long
    /// enough for a real guide (a procedure of a few hundred characters), short enough to read out on a call.
    public var limit: Int {
        switch self {
        case .code: return 32
        case .title: return 100
        case .department: return 32
        case .conditions, .materials, .procedure: return 2000
        case .fees: return 500
        case .timeLimit: return 200
        case .refusal: return 1000
        // Each keyword; ``maximumKeywords`` bounds how many.
        case .keywords: return 20
        }
    }

    public static let maximumKeywords = 20

    /// Fields a matter cannot do without: an operator must be able to tell all of these (一次性告知).
    public var isRequired: Bool { self != .refusal && self != .keywords }

    /// The command-line option (`--time-limit`).
    public var option: String { "--" + rawValue.replacingOccurrences(of: "_", with: "-") }

    /// The field's name for people.
    public var label: LocalizedText {
        switch self {
        case .code: return LocalizedText(zh: "事项编码", en: "code")
        case .title: return LocalizedText(zh: "事项名称", en: "title")
        case .department: return LocalizedText(zh: "主管部门", en: "department")
        case .conditions: return LocalizedText(zh: "办理条件", en: "conditions")
        case .materials: return LocalizedText(zh: "所需材料", en: "materials")
        case .fees: return LocalizedText(zh: "收费标准", en: "fees")
        case .timeLimit: return LocalizedText(zh: "办理时限", en: "time limit")
        case .procedure: return LocalizedText(zh: "办理流程", en: "procedure")
        case .refusal: return LocalizedText(zh: "不予受理情形", en: "grounds for refusal")
        case .keywords: return LocalizedText(zh: "关键词", en: "keywords")
        }
    }

    /// A text field trimmed and checked: present when required, within its limit.
    func checked(_ value: String) throws(MatterError) -> String {
        let trimmed = value.trimmingWhitespace
        if trimmed.isEmpty && isRequired { throw MatterError.missing(self) }
        let count = trimmed.unicodeScalars.count
        if count > limit { throw MatterError.tooLong(self, limit: limit, count: count) }
        return trimmed
    }

    /// A code: letters, digits, `-`, `_`, `.`, starting with a letter or digit, at most 32.
    static func checkedCode(_ value: String) throws(MatterError) -> String {
        let code = try MatterField.code.checked(value)
        let allowed = code.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "-" || scalar == "_" || scalar == ".")
        }
        guard allowed, let first = code.unicodeScalars.first, first != "-", first != "_", first != "." else {
            throw MatterError.invalidCode(code)
        }
        return code
    }

    /// Keywords trimmed, empty ones and repeats dropped, each within its limit and at most ``maximumKeywords``.
    static func checkedKeywords(_ keywords: [String]) throws(MatterError) -> [String] {
        var result: [String] = []
        for keyword in keywords {
            let trimmed = keyword.trimmingWhitespace
            guard !trimmed.isEmpty, !result.contains(trimmed) else { continue }
            let count = trimmed.unicodeScalars.count
            if count > MatterField.keywords.limit {
                throw MatterError.keywordTooLong(trimmed, limit: MatterField.keywords.limit)
            }
            result.append(trimmed)
        }
        if result.count > maximumKeywords { throw MatterError.tooManyKeywords(result.count, limit: maximumKeywords) }
        return result
    }

    /// Splits a keyword list as people type it: commas (ASCII or Chinese), the enumeration comma 、, semicolons.
    public static func splitKeywords(_ text: String) -> [String] {
        text.split(whereSeparator: { ",，、;；".contains($0) }).map { String($0).trimmingWhitespace }
            .filter { !$0.isEmpty }
    }
}

/// Why a matter's fields are not acceptable (a usage error: exit 2).
public enum MatterError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(MatterField)
    case tooLong(MatterField, limit: Int, count: Int)
    case invalidCode(String)
    case keywordTooLong(String, limit: Int)
    case tooManyKeywords(Int, limit: Int)

    public var field: MatterField {
        switch self {
        case .missing(let field), .tooLong(let field, _, _): return field
        case .invalidCode: return .code
        case .keywordTooLong, .tooManyKeywords: return .keywords
        }
    }

    public var description: String { text(in: .en) }

    public func text(in language: Language) -> String {
        switch self {
        case .missing(let field):
            return LocalizedText(
                zh: "\(field.option)（\(field.label.zh)）不能为空",
                en: "\(field.option) (\(field.label.en)) must not be empty"
            ).text(in: language)
        case .tooLong(let field, let limit, let count):
            return LocalizedText(
                zh: "\(field.option)（\(field.label.zh)）最多 \(limit) 个字，现有 \(count) 个",
                en: "\(field.option) (\(field.label.en)) is \(count) characters long; at most \(limit) are allowed"
            ).text(in: language)
        case .invalidCode(let code):
            return LocalizedText(
                zh: "事项编码“\(code)”只能含字母、数字和 - _ .，且以字母或数字开头",
                en:
                    "matter code '\(code)' may hold only letters, digits, '-', '_' and '.', and starts with a letter or digit"
            ).text(in: language)
        case .keywordTooLong(let keyword, let limit):
            return LocalizedText(
                zh: "关键词“\(keyword)”最多 \(limit) 个字",
                en: "keyword '\(keyword)' is longer than \(limit) characters"
            ).text(in: language)
        case .tooManyKeywords(let count, let limit):
            return LocalizedText(
                zh: "关键词最多 \(limit) 个，现有 \(count) 个",
                en: "at most \(limit) keywords are allowed; \(count) were given"
            ).text(in: language)
        }
    }
}

extension MatterChanges {
    /// The changes trimmed and checked against the same limits as a new matter; an empty change is refused
    /// before it makes a version.
    public func validated() throws(MatterError) -> MatterChanges {
        var changes = self
        if let title { changes.title = try MatterField.title.checked(title) }
        if let department { changes.department = try MatterField.department.checked(department) }
        if let conditions { changes.conditions = try MatterField.conditions.checked(conditions) }
        if let materials { changes.materials = try MatterField.materials.checked(materials) }
        if let fees { changes.fees = try MatterField.fees.checked(fees) }
        if let timeLimit { changes.timeLimit = try MatterField.timeLimit.checked(timeLimit) }
        if let procedure { changes.procedure = try MatterField.procedure.checked(procedure) }
        if let refusal { changes.refusal = try MatterField.refusal.checked(refusal) }
        if let keywords { changes.keywords = try MatterField.checkedKeywords(keywords) }
        return changes
    }
}
