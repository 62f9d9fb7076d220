/// Why a frame from the event socket was refused. The parser reports it, skips the frame and resumes with the
/// next one, so that one broken frame never stops the bridge (SPEC section 11: logged and skipped).
public enum ESLFrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A header block grew past the limit without its closing empty line; its bytes were dropped up to the next
    /// empty line.
    case headerBlockTooLong(limit: Int)
    /// `Content-Length` announced more than the limit; the body is skipped as it arrives, without buffering.
    case bodyTooLarge(declared: Int, limit: Int)
    /// `Content-Length` is not a decimal byte count; the header block is skipped, the bytes after it are read as
    /// the next frame.
    case invalidContentLength(String)
    /// A header line has no `:`; the block is skipped.
    case malformedHeaderLine(String)
    /// A header block without `Content-Type`: not an event-socket frame.
    case missingContentType(headerCount: Int)
    /// The body of a `text/event-plain` frame is not an event.
    case malformedEvent(String)

    public var description: String {
        switch self {
        case .headerBlockTooLong(let limit):
            return "ESL header block longer than \(limit) bytes without an empty line; skipped to the next empty line"
        case .bodyTooLarge(let declared, let limit):
            return "ESL frame body of \(declared) bytes is over the limit of \(limit) bytes; skipped"
        case .invalidContentLength(let value):
            return "ESL Content-Length is not a byte count: \(Self.shown(value)); header block skipped"
        case .malformedHeaderLine(let line):
            return "ESL header line without a colon: \(Self.shown(line)); header block skipped"
        case .missingContentType(let count):
            return "ESL header block of \(count) line(s) without Content-Type; skipped"
        case .malformedEvent(let reason):
            return "ESL text/event-plain body is not an event: \(reason)"
        }
    }

    /// A value quoted for a log line: short, with control characters and line separators escaped, so that
    /// garbage cannot forge log lines.
    static func shown(_ text: String, limit: Int = 60) -> String {
        var result = "\""
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if index == limit {
                result += "…"
                break
            }
            switch scalar.value {
            case 0x20..<0x7F where scalar != "\"" && scalar != "\\": result.unicodeScalars.append(scalar)
            case 0xA0...0x2027, 0x202A...: result.unicodeScalars.append(scalar)
            default: result += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return result + "\""
    }
}
