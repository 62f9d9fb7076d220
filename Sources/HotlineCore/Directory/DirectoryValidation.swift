import Foundation

/// Checks of directory input made before anything reaches the database, so errors name the field plainly.
public enum DirectoryValidation {
    public static func validateDepartmentCode(_ code: String) throws(DirectoryError) {
        guard (1...32).contains(code.count),
            code.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
            })
        else {
            throw .invalidField(
                field: "code",
                reason: "department code must be 1–32 letters, digits, '_' or '-': '\(code)'"
            )
        }
    }

    public static func validateLogin(_ login: String) throws(DirectoryError) {
        let scalars = Array(login.unicodeScalars)
        guard (1...32).contains(scalars.count), let first = scalars.first,
            first == "_" || ("a"..."z").contains(first),
            scalars.allSatisfy({
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)
            })
        else {
            throw .invalidField(
                field: "login",
                reason:
                    "login must be a Unix user name: lower-case letters, digits, '_', '.', '-', at most 32: '\(login)'"
            )
        }
    }

    public static func validateName(_ name: String, field: String = "name") throws(DirectoryError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count) else {
            throw .invalidField(field: field, reason: "\(field) must be 1–200 characters")
        }
    }

    public static func validateRank(_ rank: Int) throws(DirectoryError) {
        guard (0...100).contains(rank) else {
            throw .invalidField(field: "rank", reason: "rank must be between 0 and 100, got \(rank)")
        }
    }

    public static func validateExtension(_ value: String) throws(DirectoryError) {
        guard (1...32).contains(value.count),
            value.unicodeScalars.allSatisfy({
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "*#+_-".unicodeScalars.contains($0))
            })
        else {
            throw .invalidField(field: "extension", reason: "extension must be 1–32 digits or letters: '\(value)'")
        }
    }
}

/// Why a directory change was refused.
public enum DirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidField(field: String, reason: String)
    case alreadyExists(what: String, key: String)
    case notFound(what: String, key: String)
    case conflict(String)

    public var description: String { text(in: .en) }

    /// The message in the reader's language.
    public func text(in language: Language) -> String {
        guard language == .zh else {
            switch self {
            case .invalidField(_, let reason): return reason
            case .alreadyExists(let what, let key): return "\(what) '\(key)' already exists"
            case .notFound(let what, let key): return "no \(what) '\(key)'"
            case .conflict(let text): return text
            }
        }
        switch self {
        case .invalidField(let field, _):
            let rules = [
                "code": "部门代码须为 1–32 个字母、数字、“_”或“-”",
                "login": "登录名须为 Unix 用户名：小写字母、数字、“_”“.”“-”，至多 32 个字符",
                "name": "名称须为 1–200 个字符",
                "rank": "职级须在 0 到 100 之间",
                "extension": "分机须为 1–32 位数字或字母",
                "role": "工作人员至少需要一个角色",
            ]
            return rules[field] ?? "\(field) 的值无效"
        case .alreadyExists(let what, let key): return "\(Self.noun(what))“\(key)”已存在"
        case .notFound(let what, let key): return "没有\(Self.noun(what))“\(key)”"
        case .conflict(let text):
            if text.contains("coordination office") { return "已有协调办公室，只能有一个（R7）：\(text)" }
            if text.hasPrefix("extension") { return "该分机已属于其他工作人员：\(text)" }
            return text
        }
    }

    private static func noun(_ what: String) -> String {
        switch what {
        case "department": return "部门"
        case "staff member": return "工作人员"
        case "staff member (department head)": return "工作人员（部门负责人）"
        default: return what
        }
    }
}
