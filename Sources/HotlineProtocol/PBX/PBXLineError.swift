/// Why the daemon refused one line on the PBX event socket; it becomes an `ok:false` ack.
///
/// The `message` is for the adapter's author and names the field at fault ("from: not a phone number:
/// contains 'x'"); `code` is for the adapter's program. `id` is the event id when it could be read even though
/// something else is wrong, so that the ack can be matched to the event.
public struct PBXLineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The machine-readable reason, sent as `error` in the ack.
    public enum Code: String, Sendable, Equatable, CaseIterable, Codable {
        /// Not UTF-8, not JSON, or the top level is not an object.
        case malformedJSON = "malformed_json"
        /// `type` is not one of the event types this daemon knows.
        case unknownType = "unknown_type"
        /// A field the event type requires is absent.
        case missingField = "missing_field"
        /// A field is present but its type or value is wrong.
        case invalidField = "invalid_field"
        /// The line exceeded the length limit and was skipped.
        case lineTooLong = "line_too_long"
        /// `v` is not a version this daemon speaks.
        case unsupportedVersion = "unsupported_version"
        /// The event is valid but could not be made durable (database and spool both unavailable); resend it.
        case unavailable
    }

    public var code: Code
    /// The event id, when it could be read.
    public var id: String?
    /// Human English naming the field at fault.
    public var message: String

    public init(code: Code, id: String?, message: String) {
        self.code = code
        self.id = id
        self.message = message
    }

    public var description: String {
        "\(code.rawValue): \(message)" + (id.map { " (event \($0))" } ?? "")
    }

    /// The refusal of a line longer than `limit` bytes; its id cannot be known because the line was not read.
    public static func lineTooLong(limit: Int) -> PBXLineError {
        PBXLineError(code: .lineTooLong, id: nil, message: "line too long: more than \(limit) bytes")
    }

    /// The refusal of a valid event that could not be made durable.
    public static func unavailable(id: String?, reason: String) -> PBXLineError {
        PBXLineError(code: .unavailable, id: id, message: "event not stored, try again: \(reason)")
    }
}
