/// One frame of the FreeSWITCH event socket: a block of `Name: value` lines ended by an empty line, and, when
/// the block has `Content-Length`, that many bytes of body.
///
/// Outer header values are not URL-encoded (`Reply-Text: +OK accepted`); only the header lines inside a
/// `text/event-plain` body are (see ``ESLEvent``).
public struct ESLFrame: Sendable, Equatable {
    public var headers: ESLHeaders
    /// The `Content-Length` bytes after the header block; empty when there is none.
    public var body: [UInt8]

    public init(headers: ESLHeaders, body: [UInt8] = []) {
        self.headers = headers
        self.body = body
    }

    /// `Content-Type`, which says what the frame is.
    public var contentType: String? { headers.value(caseInsensitive: "Content-Type") }

    /// The body as text (invalid UTF-8 shown as U+FFFD).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What a frame means to a client of the event socket.
public enum ESLMessage: Sendable, Equatable {
    /// `auth/request`: the server waits for `auth <password>`.
    case authRequest
    /// `command/reply`: the answer to `auth`, `event …`, `exit` and the like.
    case commandReply(ESLReply)
    /// `api/response`: the output of an `api` command, verbatim.
    case apiResponse(String)
    /// `text/event-plain`: an event, decoded.
    case event(ESLEvent)
    /// `text/disconnect-notice`: the server is closing the connection.
    case disconnectNotice(String)
    /// A well-formed frame of a type the bridge does not use (`log/data`, `text/event-json`, …).
    case other(ESLFrame)
}

/// A `command/reply`: `Reply-Text` is `+OK …` or `-ERR …`.
public struct ESLReply: Sendable, Equatable {
    /// `Reply-Text`, verbatim; empty when absent.
    public var text: String
    /// Every header of the reply (a `bgapi` reply carries `Job-UUID`).
    public var headers: ESLHeaders

    public init(text: String, headers: ESLHeaders = ESLHeaders()) {
        self.text = text
        self.headers = headers
    }

    /// True for `+OK …`.
    public var isOK: Bool { text.hasPrefix("+OK") }
}

extension ESLMessage {
    /// Interprets a frame by its `Content-Type`.
    public static func interpreting(_ frame: ESLFrame) -> Result<ESLMessage, ESLFrameError> {
        guard let type = frame.contentType else {
            return .failure(.missingContentType(headerCount: frame.headers.count))
        }
        switch type {
        case "auth/request":
            return .success(.authRequest)
        case "command/reply":
            return .success(.commandReply(ESLReply(text: frame.headers["Reply-Text"] ?? "", headers: frame.headers)))
        case "api/response":
            return .success(.apiResponse(frame.bodyText))
        case "text/event-plain":
            return ESLEvent.parse(plainBody: frame.body).map { .event($0) }
        case "text/disconnect-notice":
            return .success(.disconnectNotice(frame.bodyText))
        default:
            return .success(.other(frame))
        }
    }
}
