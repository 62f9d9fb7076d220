/// Splits the byte stream of an AMI connection into frames: first the banner line (`Asterisk Call Manager/11.0.0`),
/// then `Key: Value` blocks ending in an empty line. Responses to actions and events arrive interleaved.
///
/// Feed it whatever the socket gave with ``append(_:)`` and take items with ``next()`` until it answers `nil`. It
/// never traps on input: a block it cannot read (a line without a colon, a line or a block over the limits) is
/// answered as ``Item/malformed(_:)`` once, the bytes up to the next empty line are skipped, and parsing goes on.
/// Line ends may be CRLF (what Asterisk sends) or a bare LF.
public struct AMIFrameParser: Sendable {
    /// What the stream held next.
    public enum Item: Sendable, Equatable {
        /// The manager's greeting, the first line of the connection.
        case banner(String)
        case frame(AMIFrame)
        /// A block that could not be read, and why; it has been skipped.
        case malformed(AMIFrameError)
    }

    /// The longest line accepted (a `Variable:` list can be long; a megabyte without a newline is not AMI).
    public let maxLineLength: Int
    /// The most fields one block may have.
    public let maxFields: Int

    private var buffer: [UInt8] = []
    private var position = 0
    private var sawBanner: Bool
    private var fields: [AMIFrame.Field] = []
    // The first problem of the block being read; the rest of the block is skipped.
    private var problem: AMIFrameError?
    // A line too long to keep: its bytes are dropped until its newline arrives.
    private var discardingLine = false

    /// - Parameter expectBanner: `false` to parse frames only (a transcript cut after the banner, a test).
    public init(maxLineLength: Int = 65_536, maxFields: Int = 4_096, expectBanner: Bool = true) {
        self.maxLineLength = maxLineLength
        self.maxFields = maxFields
        self.sawBanner = !expectBanner
    }

    /// Adds bytes read from the connection.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if position > 0 && position >= buffer.count / 2 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete item, or `nil` when more bytes are needed.
    public mutating func next() -> Item? {
        while let line = nextLine() {
            guard let line else {
                // A line over the limit: remember it and skip the block.
                if problem == nil { problem = .lineTooLong(limit: maxLineLength) }
                continue
            }
            if !sawBanner {
                sawBanner = true
                return .banner(String(decoding: line, as: UTF8.self))
            }
            if line.isEmpty {
                if let found = problem {
                    problem = nil
                    fields = []
                    return .malformed(found)
                }
                // Blank lines between blocks are not frames.
                guard !fields.isEmpty else { continue }
                let frame = AMIFrame(fields: fields)
                fields = []
                return .frame(frame)
            }
            guard problem == nil else { continue }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                problem = .lineWithoutKey(String(decoding: line.prefix(80), as: UTF8.self))
                continue
            }
            guard fields.count < maxFields else {
                problem = .tooManyFields(limit: maxFields)
                continue
            }
            let key = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            var valueStart = line.index(after: colon)
            if valueStart < line.endIndex && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
            let value = String(decoding: line[valueStart...], as: UTF8.self)
            fields.append(AMIFrame.Field(key: key, value: value))
        }
        return nil
    }

    /// The number of bytes held that do not make a complete item yet.
    public var pendingByteCount: Int { buffer.count - position }

    /// Takes the next line without its line end: `.some(nil)` for a line over the limit, `nil` when no full line
    /// is buffered.
    private mutating func nextLine() -> ArraySlice<UInt8>?? {
        let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n"))
        guard let newline else {
            if buffer.count - position > maxLineLength {
                // Drop what cannot become a valid line; its end is dropped when it arrives.
                position = buffer.count
                discardingLine = true
            }
            return nil
        }
        var end = newline
        if end > position && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = buffer[position..<end]
        position = newline + 1
        if discardingLine || line.count > maxLineLength {
            discardingLine = false
            return .some(nil)
        }
        return .some(line)
    }
}

/// Why a block of AMI input was skipped.
public enum AMIFrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A line with no `Key:` (the start of the line is kept for the log).
    case lineWithoutKey(String)
    case lineTooLong(limit: Int)
    case tooManyFields(limit: Int)

    public var description: String {
        switch self {
        case .lineWithoutKey(let start): return "a line without `Key:` (\"\(start)\")"
        case .lineTooLong(let limit): return "a line longer than \(limit) bytes"
        case .tooManyFields(let limit): return "a block of more than \(limit) fields"
        }
    }
}
