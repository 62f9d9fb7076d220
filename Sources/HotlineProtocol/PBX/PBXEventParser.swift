import Foundation
import HotlineCore

/// Reads and validates one line of the PBX event socket (SPEC section 5).
///
/// Strict, because the register must mean the same thing whoever wrote the adapter: the line must be one JSON
/// object (no duplicate keys), `v` must be 1, every field the type needs must be present with a sane value,
/// and errors name the field at fault. Unknown extra fields are ignored, so adapters may send more than this
/// version knows (forward compatibility).
public enum PBXEventParser {
    /// The only protocol version this daemon speaks.
    public static let version = 1
    /// Longest event id, in Unicode scalars.
    public static let maximumIDLength = 128
    /// Longest PBX call id.
    public static let maximumCallIDLength = 128
    /// Longest extension (`agent`, `to_agent`, each of `agents`).
    public static let maximumExtensionLength = 32
    /// Longest dialled number (`to`) and staff login (`staff`).
    public static let maximumShortTextLength = 64
    /// Longest caller name (`from_name`) or queue name.
    public static let maximumNameLength = 200
    /// Most extensions one `call.answered` may list.
    public static let maximumAgents = 16

    /// Parses one line (without its newline; a trailing `\r` is tolerated as whitespace).
    public static func parse(line: some Collection<UInt8>) -> Result<PBXEvent, PBXLineError> {
        let value: PBXJSONValue
        do {
            value = try PBXJSONValue.parse(line)
        } catch {
            return .failure(PBXLineError(code: .malformedJSON, id: nil, message: "malformed JSON: \(error)"))
        }
        guard case .object(let members) = value else {
            return .failure(
                PBXLineError(
                    code: .malformedJSON,
                    id: nil,
                    message: "malformed JSON: the line must be one JSON object, got \(value.typeName)"
                )
            )
        }
        var reader = FieldReader(members: members)
        do {
            return .success(try reader.readEvent())
        } catch {
            return .failure(error)
        }
    }
}

/// Reads the fields of one event object; every failure carries the event id once it is known to be valid.
private struct FieldReader {
    let members: [String: PBXJSONValue]
    /// The event id, set as soon as it has been validated.
    var id: String?

    init(members: [String: PBXJSONValue]) {
        self.members = members
    }

    mutating func readEvent() throws(PBXLineError) -> PBXEvent {
        // Read the id first so that even a line with a bad version is acknowledged under its id.
        let idResult = Result { () throws(PBXLineError) in
            try identifier("id", maximumLength: PBXEventParser.maximumIDLength)
        }
        if case .success(let validID) = idResult { id = validID }

        try checkVersion()
        let eventID = try idResult.get()
        let type = try string("type")
        guard PBXEvent.Kind.typeNames.contains(type) else {
            throw PBXLineError(
                code: .unknownType,
                id: id,
                message: "unknown type \(quoted(type)); known types: "
                    + PBXEvent.Kind.typeNames.joined(separator: ", ")
            )
        }
        let timestamp = try readTimestamp()
        return PBXEvent(id: eventID, timestamp: timestamp, kind: try readKind(type: type))
    }

    private func checkVersion() throws(PBXLineError) {
        guard let value = members["v"] else { throw missing("v") }
        guard value.integerValue != PBXEventParser.version else { return }
        let shown: String
        switch value {
        case .number(let text): shown = text
        case .string(let text): shown = quoted(text)
        default: shown = value.typeName
        }
        throw PBXLineError(
            code: .unsupportedVersion,
            id: id,
            message: "v: unsupported version \(shown), only \(PBXEventParser.version) is supported"
        )
    }

    private func readTimestamp() throws(PBXLineError) -> RFC3339Timestamp {
        let text = try string("at")
        do {
            return try RFC3339Timestamp(parsing: text)
        } catch {
            throw invalid("at", "not an RFC 3339 time with offset: \(error.reason) (\(quoted(text)))")
        }
    }

    private func readKind(type: String) throws(PBXLineError) -> PBXEvent.Kind {
        switch type {
        case "call.offered":
            return .callOffered(
                call: try callID(),
                from: try phoneNumber("from"),
                fromName: try name("from_name"),
                to: try identifier("to", maximumLength: PBXEventParser.maximumShortTextLength),
                queue: try name("queue")
            )
        case "call.answered":
            return .callAnswered(call: try callID(), agents: try answeringAgents())
        case "call.transferred":
            return .callTransferred(
                call: try callID(),
                agent: try extensionField("agent"),
                toAgent: try extensionField("to_agent")
            )
        case "call.ended":
            let call = try callID()
            let text = try string("cause")
            guard let cause = PBXEvent.EndCause(rawValue: text) else {
                throw invalid(
                    "cause",
                    "unknown cause \(quoted(text)), expected one of "
                        + PBXEvent.EndCause.allCases.map(\.rawValue).joined(separator: ", ")
                )
            }
            return .callEnded(call: call, cause: cause)
        case "agent.login":
            return .agentLogin(agent: try extensionField("agent"), staff: try staff())
        default:
            return .agentLogout(agent: try extensionField("agent"), staff: try staff())
        }
    }

    // MARK: - Field kinds

    private func callID() throws(PBXLineError) -> String {
        try identifier("call", maximumLength: PBXEventParser.maximumCallIDLength)
    }

    private func extensionField(_ field: String) throws(PBXLineError) -> String {
        try identifier(field, maximumLength: PBXEventParser.maximumExtensionLength)
    }

    private func staff() throws(PBXLineError) -> String {
        try identifier("staff", maximumLength: PBXEventParser.maximumShortTextLength)
    }

    private func phoneNumber(_ field: String) throws(PBXLineError) -> PhoneNumber {
        let text = try string(field)
        do {
            return try PhoneNumber(validating: text)
        } catch {
            throw invalid(field, error.description)
        }
    }

    /// `agents` (an array) or `agent` (one extension), exactly one of them.
    private func answeringAgents() throws(PBXLineError) -> [String] {
        switch (members["agent"], members["agents"]) {
        case (nil, nil):
            throw missing("agent (or agents)")
        case (.some, .some):
            throw invalid("agents", "give either agent or agents, not both")
        case (.some, nil):
            return [try extensionField("agent")]
        case (nil, .some(let value)):
            guard case .array(let elements) = value else {
                throw invalid("agents", "must be an array, got \(value.typeName)")
            }
            guard !elements.isEmpty else { throw invalid("agents", "empty, at least 1 extension") }
            guard elements.count <= PBXEventParser.maximumAgents else {
                throw invalid(
                    "agents",
                    "too many: \(elements.count) extensions, at most \(PBXEventParser.maximumAgents)"
                )
            }
            var agents: [String] = []
            for (index, element) in elements.enumerated() {
                let field = "agents[\(index)]"
                guard case .string(let text) = element else {
                    throw invalid(field, "must be a string, got \(element.typeName)")
                }
                try checkIdentifier(text, field: field, maximumLength: PBXEventParser.maximumExtensionLength)
                guard !agents.contains(text) else { throw invalid(field, "duplicate extension \(quoted(text))") }
                agents.append(text)
            }
            return agents
        }
    }

    // MARK: - Primitives

    /// A required string member.
    private func string(_ field: String) throws(PBXLineError) -> String {
        guard let value = members[field] else { throw missing(field) }
        guard case .string(let text) = value else { throw invalid(field, "must be a string, got \(value.typeName)") }
        return text
    }

    /// A required identifier: non-empty, bounded, no control characters and no whitespace.
    private func identifier(_ field: String, maximumLength: Int) throws(PBXLineError) -> String {
        let text = try string(field)
        try checkIdentifier(text, field: field, maximumLength: maximumLength)
        return text
    }

    private func checkIdentifier(_ text: String, field: String, maximumLength: Int) throws(PBXLineError) {
        guard !text.isEmpty else { throw invalid(field, "empty") }
        // Fast path for the usual case, printable ASCII without spaces: no Unicode property lookups, which were
        // a tenth of a connection thread's time under load.
        let utf8 = text.utf8
        if utf8.count <= maximumLength, utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return }
        try checkLength(text, field: field, maximumLength: maximumLength)
        for scalar in text.unicodeScalars {
            if isControl(scalar) { throw invalid(field, "contains a control character (\(codePoint(scalar)))") }
            if scalar.properties.isWhitespace { throw invalid(field, "contains whitespace (\(codePoint(scalar)))") }
        }
    }

    /// An optional human name (caller name, queue): kept verbatim, spaces and Chinese included; absent,
    /// `null` and `""` all mean no name.
    private func name(_ field: String) throws(PBXLineError) -> String? {
        guard let value = members[field], value != .null else { return nil }
        guard case .string(let text) = value else { throw invalid(field, "must be a string, got \(value.typeName)") }
        guard !text.isEmpty else { return nil }
        try checkLength(text, field: field, maximumLength: PBXEventParser.maximumNameLength)
        // Control characters are C0 and DEL (single bytes), C1 (lead byte C2) and the two separators (lead byte
        // E2): text without those bytes has none, whatever else it holds (Chinese names do).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F && $0 != 0xC2 && $0 != 0xE2 }) { return text }
        if let scalar = text.unicodeScalars.first(where: isControl) {
            throw invalid(field, "contains a control character (\(codePoint(scalar)))")
        }
        return text
    }

    private func checkLength(_ text: String, field: String, maximumLength: Int) throws(PBXLineError) {
        let length = text.unicodeScalars.count
        guard length <= maximumLength else {
            throw invalid(field, "too long: \(length) characters, at most \(maximumLength)")
        }
    }

    /// C0, DEL, C1, and the line and paragraph separators: characters that would corrupt logs and tables.
    private func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    private func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// A value quoted for a message, shortened so that a hostile line cannot produce a huge ack.
    private func quoted(_ text: String) -> String {
        let limit = 64
        let shown =
            text.unicodeScalars.count > limit
            ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit))) + "…" : text
        var bytes: [UInt8] = []
        PBXJSONWriter.appendString(shown, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func missing(_ field: String) -> PBXLineError {
        PBXLineError(code: .missingField, id: id, message: "missing field: \(field)")
    }

    private func invalid(_ field: String, _ problem: String) -> PBXLineError {
        PBXLineError(code: .invalidField, id: id, message: "\(field): \(problem)")
    }
}
