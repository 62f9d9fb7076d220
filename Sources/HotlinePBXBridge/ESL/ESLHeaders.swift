/// The `Name: value` lines of an event-socket frame or of an event, in the order FreeSWITCH sent them.
///
/// FreeSWITCH repeats some names within one event (`Hangup-Cause` appears twice in CHANNEL_HANGUP_COMPLETE);
/// ``subscript(_:)`` answers the first occurrence, ``fields`` keeps them all.
public struct ESLHeaders: Sendable, Equatable {
    /// One header line.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Every line, in arrival order, duplicates included.
    public private(set) var fields: [Field]
    /// Index of the first field with each name.
    private var firstIndex: [String: Int]

    public init(_ fields: [Field] = []) {
        self.fields = []
        self.firstIndex = [:]
        for field in fields { append(field) }
    }

    /// Builds headers from name/value pairs (tests, fixtures).
    public init(_ pairs: KeyValuePairs<String, String>) {
        self.init(pairs.map { Field(name: $0.key, value: $0.value) })
    }

    public mutating func append(_ field: Field) {
        if firstIndex[field.name] == nil { firstIndex[field.name] = fields.count }
        fields.append(field)
    }

    /// The first value for `name`, exactly as spelt (FreeSWITCH's names are stable in case).
    public subscript(name: String) -> String? {
        firstIndex[name].map { fields[$0].value }
    }

    /// The first value for `name` compared without case; for the framing headers, which a proxy might rewrite.
    public func value(caseInsensitive name: String) -> String? {
        if let exact = self[name] { return exact }
        let lowered = name.lowercased()
        return fields.first { $0.name.lowercased() == lowered }?.value
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public static func == (lhs: ESLHeaders, rhs: ESLHeaders) -> Bool {
        lhs.fields == rhs.fields
    }
}
