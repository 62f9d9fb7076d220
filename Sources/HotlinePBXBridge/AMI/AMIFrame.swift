/// One message of the Asterisk Manager Interface: the `Key: Value` lines of a response or an event, in the order the
/// manager sent them.
///
/// Keys may repeat in AMI (`Variable:` lines of an action, some events' lists), so the fields are a list; lookups
/// answer the first occurrence.
public struct AMIFrame: Sendable, Equatable {
    /// One `Key: Value` line.
    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public var fields: [Field]

    public init(fields: [Field]) {
        self.fields = fields
    }

    /// A frame from `(key, value)` pairs, for actions and tests.
    public init(_ pairs: KeyValuePairs<String, String>) {
        self.fields = pairs.map { Field(key: $0.key, value: $0.value) }
    }

    /// The value of the first field named `key` (AMI keys are compared without regard to case, as Asterisk does).
    public subscript(key: String) -> String? {
        for field in fields where field.key == key { return field.value }
        for field in fields where field.key.caseInsensitiveCompare(key) { return field.value }
        return nil
    }

    /// The event name (`Newchannel`, `AgentConnect`, …), or `nil` for a response.
    public var eventName: String? { self["Event"] }

    /// The response status (`Success`, `Error`, `Goodbye`, `Follows`) when this frame answers an action. An
    /// `OriginateResponse` event also carries `Response:` but is an event.
    public var responseStatus: String? {
        guard eventName == nil else { return nil }
        return self["Response"]
    }

    /// The frame as the manager expects an action: `Key: Value` lines with CRLF, closed by an empty line.
    public func encoded() -> [UInt8] {
        var text = ""
        for field in fields {
            text += field.key + ": " + field.value + "\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }
}

extension String {
    /// ASCII case-insensitive equality, enough for AMI keys.
    fileprivate func caseInsensitiveCompare(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { lowered($0) == lowered($1) }
    }
}

private func lowered(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
}
