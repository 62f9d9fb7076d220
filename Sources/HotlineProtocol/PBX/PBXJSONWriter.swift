/// Writes the small, fixed-shape JSON objects of the PBX socket (acks, events) byte by byte.
///
/// Hand-written rather than JSONEncoder so the key order and spelling are exactly those of the spec
/// (`{"ok":true,"id":"pbx1-000123"}`) and never change between Foundation versions.
struct PBXJSONWriter {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var isFirstMember = true

    /// Appends `"key":` with the separating comma when needed.
    private mutating func key(_ key: String) {
        if !isFirstMember { bytes.append(UInt8(ascii: ",")) }
        isFirstMember = false
        Self.appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func member(_ name: String, string value: String) {
        key(name)
        Self.appendString(value, to: &bytes)
    }

    /// A string member, or `null` when `value` is `nil`.
    mutating func member(_ name: String, stringOrNull value: String?) {
        key(name)
        if let value {
            Self.appendString(value, to: &bytes)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    mutating func member(_ name: String, bool value: Bool) {
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func member(_ name: String, integer value: Int) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func member(_ name: String, strings values: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (offset, value) in values.enumerated() {
            if offset > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.appendString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Closes the object and terminates the line.
    consuming func finishLine() -> [UInt8] {
        bytes.append(contentsOf: "}\n".utf8)
        return bytes
    }

    /// Appends `value` as a JSON string: quotes, backslashes and control characters escaped; everything else,
    /// Chinese included, stays UTF-8. U+2028 and U+2029 are escaped too, so a line is also safe JavaScript.
    static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, extensions, timestamps) need no escape: they are copied whole, which an ack per event
        // makes worth it (measured: a twentieth of the daemon's ingest time went to escaping scalar by scalar).
        // 0xE2 starts U+2028 and U+2029, so a string holding it takes the careful way.
        let copied =
            value.utf8.withContiguousStorageIfAvailable { utf8 in
                guard !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 })
                else { return false }
                bytes.append(contentsOf: utf8)
                return true
            } ?? false
        if copied {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": bytes.append(contentsOf: #"\""#.utf8)
            case "\\": bytes.append(contentsOf: #"\\"#.utf8)
            case "\n": bytes.append(contentsOf: #"\n"#.utf8)
            case "\r": bytes.append(contentsOf: #"\r"#.utf8)
            case "\t": bytes.append(contentsOf: #"\t"#.utf8)
            case "\u{08}": bytes.append(contentsOf: #"\b"#.utf8)
            case "\u{0C}": bytes.append(contentsOf: #"\f"#.utf8)
            case "\u{00}"..."\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}":
                bytes.append(contentsOf: "\\u".utf8)
                bytes.append(contentsOf: hex4(scalar.value).utf8)
            default:
                UTF8.encode(scalar) { bytes.append($0) }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func hex4(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
