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

    public var description: String {
        switch self {
        case .invalidField(_, let reason): return reason
        case .alreadyExists(let what, let key): return "\(what) '\(key)' already exists"
        case .notFound(let what, let key): return "no \(what) '\(key)'"
        case .conflict(let text): return text
        }
    }
}
