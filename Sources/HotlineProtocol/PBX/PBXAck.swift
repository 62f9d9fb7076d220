/// The daemon's answer to one line on the PBX event socket (SPEC section 5), one line per event, in order:
///
/// ```
/// {"ok":true,"id":"pbx1-000123"}
/// {"ok":true,"id":"pbx1-000123","duplicate":true}
/// {"ok":false,"id":"pbx1-000124","error":"invalid_field","message":"from: not a phone number"}
/// ```
public enum PBXAck: Sendable, Equatable {
    /// The event is durable. `duplicate` is true when an event with this id had already been stored, so the
    /// adapter can tell a resend from a first delivery.
    case accepted(id: String, duplicate: Bool)
    /// The line was refused; the adapter should not resend it unchanged (except for `unavailable`).
    case refused(PBXLineError)

    /// The event id the ack refers to; `nil` when the refused line's id could not be read.
    public var id: String? {
        switch self {
        case .accepted(let id, _): return id
        case .refused(let error): return error.id
        }
    }

    /// The ack as one newline-terminated JSON line, keys in the spec's order, `"duplicate"` only when true.
    public func encodedLine() -> [UInt8] {
        var writer = PBXJSONWriter()
        switch self {
        case .accepted(let id, let duplicate):
            writer.member("ok", bool: true)
            writer.member("id", string: id)
            if duplicate { writer.member("duplicate", bool: true) }
        case .refused(let error):
            writer.member("ok", bool: false)
            writer.member("id", stringOrNull: error.id)
            writer.member("error", string: error.code.rawValue)
            writer.member("message", string: error.message)
        }
        return writer.finishLine()
    }

    /// Reads an ack line (without its newline), strictly, for adapters and tests.
    public static func decode(line: some Collection<UInt8>) throws(PBXAckDecodingError) -> PBXAck {
        let value: PBXJSONValue
        do {
            value = try PBXJSONValue.parse(line)
        } catch {
            throw PBXAckDecodingError("malformed JSON: \(error)")
        }
        guard case .object(let members) = value else { throw PBXAckDecodingError("not a JSON object") }
        guard case .bool(let ok) = members["ok"] else { throw PBXAckDecodingError("ok: missing or not a boolean") }
        let id: String?
        switch members["id"] {
        case .string(let text): id = text
        case .null: id = nil
        default: throw PBXAckDecodingError("id: missing or not a string or null")
        }
        if ok {
            guard let id else { throw PBXAckDecodingError("id: null in an ok ack") }
            switch members["duplicate"] {
            case nil: return .accepted(id: id, duplicate: false)
            case .bool(let duplicate): return .accepted(id: id, duplicate: duplicate)
            default: throw PBXAckDecodingError("duplicate: not a boolean")
            }
        }
        guard case .string(let codeText) = members["error"] else {
            throw PBXAckDecodingError("error: missing or not a string")
        }
        guard let code = PBXLineError.Code(rawValue: codeText) else {
            throw PBXAckDecodingError("error: unknown code \"\(codeText)\"")
        }
        guard case .string(let message) = members["message"] else {
            throw PBXAckDecodingError("message: missing or not a string")
        }
        return .refused(PBXLineError(code: code, id: id, message: message))
    }
}

/// Why a line is not a valid ack.
public struct PBXAckDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
