import HotlineCore

/// One request on the control socket: a JSON object on one line.
///
/// `{"v":1,"command":"dept.add","as":"zhangsan","lang":"zh","args":{"code":"SVC","name":"客服部"}}`
public struct ControlRequest: Sendable, Equatable {
    public static let version = 1
    public var command: String
    /// Root only: act as this staff member (recorded as such).
    public var actAs: String?
    public var language: Language
    public var arguments: [(String, JSONValue)]

    public init(command: String, actAs: String? = nil, language: Language = .en, arguments: [(String, JSONValue)] = [])
    {
        self.command = command
        self.actAs = actAs
        self.language = language
        self.arguments = arguments
    }

    public static func == (lhs: ControlRequest, rhs: ControlRequest) -> Bool {
        lhs.command == rhs.command && lhs.actAs == rhs.actAs && lhs.language == rhs.language
            && JSONValue.object(lhs.arguments) == JSONValue.object(rhs.arguments)
    }

    public subscript(argument: String) -> JSONValue? {
        arguments.first { $0.0 == argument }?.1
    }

    public func encodedLine() -> [UInt8] {
        let value = JSONValue.object([
            ("v", .int(Int64(ControlRequest.version))),
            ("command", .string(command)),
            ("as", actAs.map(JSONValue.string) ?? .null),
            ("lang", .string(language.rawValue)),
            ("args", .object(arguments)),
        ])
        return Array((value.serialized() + "\n").utf8)
    }

    public static func decode(line: some Collection<UInt8>) throws(ControlError) -> ControlRequest {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            throw ControlError(code: .invalid, message: "control request is not valid JSON: \(error)")
        }
        guard case .object = value else {
            throw ControlError(code: .invalid, message: "control request must be a JSON object")
        }
        guard value["v"]?.intValue == ControlRequest.version else {
            throw ControlError(code: .invalid, message: "unsupported control protocol version (expected v=1)")
        }
        guard let command = value["command"]?.stringValue, !command.isEmpty else {
            throw ControlError(code: .invalid, message: "control request lacks 'command'")
        }
        var arguments: [(String, JSONValue)] = []
        if case .object(let members) = value["args"] ?? .object([]) {
            arguments = members
        } else {
            throw ControlError(code: .invalid, message: "'args' must be an object")
        }
        return ControlRequest(
            command: command,
            actAs: value["as"]?.stringValue,
            language: Language(rawValue: value["lang"]?.stringValue ?? "en") ?? .en,
            arguments: arguments
        )
    }
}

/// Why the daemon did not do what was asked. The code decides `hotlinectl`'s exit status (SPEC §6).
public struct ControlError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        /// Bad arguments: exit 2.
        case invalid
        /// Refused by a rule or a role: exit 3. `rule` or `role` says which.
        case refused
        /// No such complaint, call, staff member or department: exit 4.
        case notFound = "not_found"
        /// The daemon cannot serve now (database down for a command that needs it): exit 5.
        case unavailable
        /// A bug or an unexpected failure: exit 1.
        case internalError = "internal"

        public var exitStatus: Int32 {
            switch self {
            case .invalid: return 2
            case .refused: return 3
            case .notFound: return 4
            case .unavailable: return 5
            case .internalError: return 1
            }
        }
    }

    public var code: Code
    /// The rule (R-number) that refused, when one did.
    public var rule: String?
    /// The role that was missing, when a role refused.
    public var role: String?
    public var message: String
    /// A document that goes with the refusal, for `--json`: `audit verify` lists every discrepancy in it while the
    /// message names the first. Absent from the wire when nil.
    public var details: JSONValue?

    public init(code: Code, rule: String? = nil, role: String? = nil, message: String, details: JSONValue? = nil) {
        self.code = code
        self.rule = rule
        self.role = role
        self.message = message
        self.details = details
    }

    /// An error in both languages; the daemon answers in the language the request asked for.
    public init(code: Code, rule: String? = nil, role: String? = nil, zh: String, en: String, language: Language) {
        self.init(code: code, rule: rule, role: role, message: LocalizedText(zh: zh, en: en).text(in: language))
    }

    public var description: String { message }

    var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("code", .string(code.rawValue)),
            ("rule", rule.map(JSONValue.string) ?? .null),
            ("role", role.map(JSONValue.string) ?? .null),
            ("message", .string(message)),
        ]
        if let details { fields.append(("details", details)) }
        return .object(fields)
    }

    init(json: JSONValue) {
        self.code = json["code"]?.stringValue.flatMap(Code.init(rawValue:)) ?? .internalError
        self.rule = json["rule"]?.stringValue
        self.role = json["role"]?.stringValue
        self.message = json["message"]?.stringValue ?? "unknown error"
        self.details = json["details"]
    }
}

/// The daemon's one-line answer to a ``ControlRequest``.
public enum ControlResponse: Sendable, Equatable {
    case success(JSONValue)
    case failure(ControlError)

    public func encodedLine() -> [UInt8] {
        let value: JSONValue
        switch self {
        case .success(let result): value = .object([("ok", .bool(true)), ("result", result)])
        case .failure(let error): value = .object([("ok", .bool(false)), ("error", error.json)])
        }
        return Array((value.serialized() + "\n").utf8)
    }

    public static func decode(line: some Collection<UInt8>) throws(ControlError) -> ControlResponse {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            throw ControlError(code: .internalError, message: "daemon sent a reply that is not JSON: \(error)")
        }
        guard let ok = value["ok"]?.boolValue else {
            throw ControlError(code: .internalError, message: "daemon sent a reply without 'ok'")
        }
        if ok { return .success(value["result"] ?? .null) }
        return .failure(ControlError(json: value["error"] ?? .null))
    }
}
