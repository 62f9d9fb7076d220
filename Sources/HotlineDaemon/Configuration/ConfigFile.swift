import Foundation

/// A value in the configuration file.
public enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case strings([String])
}

/// One `key = value` of the configuration file, with where it was written, for error messages.
public struct ConfigEntry: Sendable, Equatable {
    public var section: String
    public var key: String
    public var value: ConfigValue
    public var line: Int
}

/// A configuration file error that names the file, the line and the key, so a bad edit is found at once.
public struct ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var key: String?
    public var reason: String

    public var description: String {
        if let key { return "\(file):\(line): [\(key)] \(reason)" }
        return "\(file):\(line): \(reason)"
    }
}

/// Reads the subset of TOML the daemon's configuration uses: `[section]` headers, `key = value` with basic or
/// literal strings, integers, floats, booleans and one-line arrays of strings, and `#` comments.
///
/// A hand-written reader keeps the daemon free of a C++ TOML dependency and lets every error carry its line.
public enum ConfigFile {
    public static func parse(_ text: String, file: String) throws(ConfigFileError) -> [ConfigEntry] {
        var entries: [ConfigEntry] = []
        var section = ""
        var seen = Set<String>()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = stripComment(String(rawLine)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else {
                    throw ConfigFileError(file: file, line: lineNumber, key: nil, reason: "malformed section header")
                }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                guard !section.isEmpty else {
                    throw ConfigFileError(file: file, line: lineNumber, key: nil, reason: "empty section name")
                }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigFileError(file: file, line: lineNumber, key: nil, reason: "expected `key = value`")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let rawValue = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            let qualified = section.isEmpty ? key : "\(section).\(key)"
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw ConfigFileError(file: file, line: lineNumber, key: nil, reason: "bad key name '\(key)'")
            }
            guard seen.insert(qualified).inserted else {
                throw ConfigFileError(file: file, line: lineNumber, key: qualified, reason: "key given twice")
            }
            guard let value = parseValue(rawValue) else {
                throw ConfigFileError(
                    file: file,
                    line: lineNumber,
                    key: qualified,
                    reason: "cannot read value `\(rawValue)` (strings need quotes)"
                )
            }
            entries.append(ConfigEntry(section: section, key: key, value: value, line: lineNumber))
        }
        return entries
    }

    /// Removes a `#` comment that is not inside a string.
    private static func stripComment(_ line: String) -> String {
        var inBasic = false
        var inLiteral = false
        var escaped = false
        for (index, character) in zip(line.indices, line) {
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\" where inBasic: escaped = true
            case "\"" where !inLiteral: inBasic.toggle()
            case "'" where !inBasic: inLiteral.toggle()
            case "#" where !inBasic && !inLiteral: return String(line[..<index])
            default: break
            }
        }
        return line
    }

    private static func parseValue(_ text: String) -> ConfigValue? {
        if text == "true" { return .boolean(true) }
        if text == "false" { return .boolean(false) }
        if let string = parseString(text) { return .string(string) }
        if text.hasPrefix("[") && text.hasSuffix("]") {
            let body = text.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            if body.isEmpty { return .strings([]) }
            var items: [String] = []
            for part in splitArray(body) {
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }  // trailing comma
                guard let item = parseString(trimmed) else { return nil }
                items.append(item)
            }
            return .strings(items)
        }
        let number = text.replacingOccurrences(of: "_", with: "")
        if let integer = Int(number) { return .integer(integer) }
        if let float = Double(number), number.contains(".") { return .float(float) }
        return nil
    }

    private static func splitArray(_ body: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var inBasic = false
        var inLiteral = false
        var escaped = false
        for character in body {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if character == "\\" && inBasic { escaped = true }
            if character == "\"" && !inLiteral { inBasic.toggle() }
            if character == "'" && !inBasic { inLiteral.toggle() }
            if character == "," && !inBasic && !inLiteral {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    private static func parseString(_ text: String) -> String? {
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") {
            let body = String(text.dropFirst().dropLast())
            return body.contains("'") ? nil : body
        }
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return nil }
        var result = ""
        var iterator = text.dropFirst().dropLast().makeIterator()
        while let character = iterator.next() {
            if character == "\"" { return nil }
            guard character == "\\" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "\"": result.append("\"")
            case "\\": result.append("\\")
            default: return nil
            }
        }
        return result
    }
}
