/// One FreeSWITCH event, from the body of a `text/event-plain` frame.
///
/// That body is itself a block of `Name: value` lines whose values are URL-encoded
/// (`Event-Subclass: callcenter%3A%3Ainfo`, `Caller-Caller-ID-Name: Alice%20Example`), ended by an empty line;
/// when the block has its own `Content-Length`, that many bytes follow as the event's body (an `api` event's
/// output, a `BACKGROUND_JOB`'s result). ``headers`` holds the decoded values.
public struct ESLEvent: Sendable, Equatable {
    public var headers: ESLHeaders
    /// The event's own body (its `Content-Length` bytes), empty when it has none.
    public var body: [UInt8]

    public init(headers: ESLHeaders, body: [UInt8] = []) {
        self.headers = headers
        self.body = body
    }

    /// Builds an event from decoded name/value pairs (tests, fixtures).
    public init(_ pairs: KeyValuePairs<String, String>, body: [UInt8] = []) {
        self.init(headers: ESLHeaders(pairs), body: body)
    }

    /// `Event-Name`: `CHANNEL_CREATE`, `CUSTOM`, …
    public var name: String? { headers["Event-Name"] }
    /// `Event-Subclass` of a `CUSTOM` event: `callcenter::info`.
    public var subclass: String? { headers["Event-Subclass"] }
    /// The channel the event is about.
    public var uniqueID: String? { headers["Unique-ID"] }

    public subscript(name: String) -> String? { headers[name] }

    /// Decodes a `text/event-plain` body.
    public static func parse(plainBody body: [UInt8]) -> Result<ESLEvent, ESLFrameError> {
        var headers = ESLHeaders()
        var index = 0
        var sawEnd = false
        while index < body.count {
            let newline = body[index...].firstIndex(of: UInt8(ascii: "\n")) ?? body.count
            var end = newline
            if end > index, body[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = body[index..<end]
            index = min(newline + 1, body.count)
            if line.isEmpty {
                // The empty line that ends the header block; FreeSWITCH may also send a lone trailing one.
                if headers.isEmpty { continue }
                sawEnd = true
                break
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                return .failure(.malformedEvent("header line without a name and colon: \(shown(line))"))
            }
            var valueStart = colon + 1
            if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            headers.append(.init(name: name, value: ESLURLDecoding.decode(line[valueStart...])))
        }
        guard !headers.isEmpty else { return .failure(.malformedEvent("no header lines")) }
        guard headers["Event-Name"] != nil else { return .failure(.malformedEvent("no Event-Name")) }
        guard let lengthText = headers["Content-Length"] else { return .success(ESLEvent(headers: headers)) }
        guard let length = ESLFrameParser.byteCount(lengthText) else {
            return .failure(
                .malformedEvent("inner Content-Length is not a byte count: \(ESLFrameError.shown(lengthText))")
            )
        }
        let available = sawEnd ? body.count - index : 0
        guard length <= available else {
            return .failure(.malformedEvent("inner Content-Length \(length) but \(available) bytes follow"))
        }
        return .success(ESLEvent(headers: headers, body: Array(body[index..<(index + length)])))
    }

    private static func shown(_ bytes: ArraySlice<UInt8>) -> String {
        ESLFrameError.shown(String(decoding: bytes.prefix(80), as: UTF8.self))
    }
}

/// The percent-decoding FreeSWITCH's `switch_url_encode` calls for: `%XX` is a byte, everything else is itself.
///
/// Lenient on purpose: a `%` not followed by two hex digits is kept as written (a bridge should show a
/// strange caller name, not drop the call), `+` stays `+` (FreeSWITCH encodes a space as `%20`, never `+`),
/// and bytes that do not form UTF-8 become U+FFFD.
public enum ESLURLDecoding {
    public static func decode(_ bytes: some Collection<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "%")) else { return String(decoding: bytes, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                if first != bytes.endIndex {
                    let second = bytes.index(after: first)
                    if second != bytes.endIndex, let high = hexValue(bytes[first]), let low = hexValue(bytes[second]) {
                        output.append(high << 4 | low)
                        index = bytes.index(after: second)
                        continue
                    }
                }
            }
            output.append(byte)
            index = bytes.index(after: index)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
