/// Encodes `Encodable` values to ``JSONValue`` in the order their properties are declared, writing `null` for an
/// absent optional rather than leaving the key out: the control protocol's documents name every field, always.
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode(_ value: some Encodable) throws -> JSONValue {
        let root = EncodingNode()
        try EncoderCore(node: root, codingPath: []).encodeValue(value)
        return root.value
    }
}

/// A value being built: what an encoder writes into, filled in as containers are asked for.
private final class EncodingNode {
    enum Content {
        case unset
        case leaf(JSONValue)
        case object([(String, EncodingNode)])
        case array([EncodingNode])
    }

    var content = Content.unset

    var value: JSONValue {
        switch content {
        case .unset: return .object([])
        case .leaf(let value): return value
        case .object(let members): return .object(members.map { ($0.0, $0.1.value) })
        case .array(let elements): return .array(elements.map(\.value))
        }
    }

    /// The node under `key`, created (in order) when new.
    func member(_ key: String) -> EncodingNode {
        if case .object(let members) = content, let existing = members.first(where: { $0.0 == key }) {
            return existing.1
        }
        let node = EncodingNode()
        if case .object(var members) = content {
            members.append((key, node))
            content = .object(members)
        } else {
            content = .object([(key, node)])
        }
        return node
    }

    func appendElement() -> EncodingNode {
        let node = EncodingNode()
        if case .array(var elements) = content {
            elements.append(node)
            content = .array(elements)
        } else {
            content = .array([node])
        }
        return node
    }
}

private struct EncoderCore: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath)
    }

    /// Leaves are written directly; anything else encodes itself into this node.
    func encodeValue(_ value: some Encodable) throws {
        switch value {
        case let json as JSONValue: node.content = .leaf(json)
        case let text as String: node.content = .leaf(.string(text))
        case let flag as Bool: node.content = .leaf(.bool(flag))
        case let number as Int: node.content = .leaf(.int(Int64(number)))
        case let number as Int64: node.content = .leaf(.int(number))
        case let number as Double: node.content = .leaf(.double(number))
        default: try value.encode(to: self)
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func core(_ key: Key) -> EncoderCore {
        EncoderCore(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).content = .leaf(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try core(key).encodeValue(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try core(key).encodeValue(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try core(key).encodeValue(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try core(key).encodeValue(Double(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try core(key).encodeValue(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try core(key).encodeValue(Int(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try core(key).encodeValue(Int(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try core(key).encodeValue(Int(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try core(key).encodeValue(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try core(key).encodeValue(Int64(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try core(key).encodeValue(Int(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try core(key).encodeValue(Int(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try core(key).encodeValue(Int(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try core(key).encodeValue(Int64(value)) }
    mutating func encode(_ value: some Encodable, forKey key: Key) throws { try core(key).encodeValue(value) }

    // An absent optional is written as null: the key is always there.
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value.map(Double.init), key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value.map(Int.init), key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value.map(Int.init), key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value.map(Int.init), key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value.map(Int64.init), key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value.map(Int.init), key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value.map(Int.init), key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value.map(Int.init), key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws {
        try present(value.map(Int64.init), key)
    }
    mutating func encodeIfPresent(_ value: (some Encodable)?, forKey key: Key) throws { try present(value, key) }

    private func present(_ value: (some Encodable)?, _ key: Key) throws {
        if let value { try core(key).encodeValue(value) } else { node.member(key.stringValue).content = .leaf(.null) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        core(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        core(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        EncoderCore(node: node.member("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder { core(key) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let elements) = node.content { return elements.count }
        return 0
    }

    private func next() -> EncoderCore {
        EncoderCore(node: node.appendElement(), codingPath: codingPath)
    }

    mutating func encodeNil() throws { next().node.content = .leaf(.null) }
    mutating func encode(_ value: some Encodable) throws { try next().encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        next().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { next().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { next() }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .leaf(.null) }
    mutating func encode(_ value: some Encodable) throws {
        try EncoderCore(node: node, codingPath: codingPath).encodeValue(value)
    }
}
