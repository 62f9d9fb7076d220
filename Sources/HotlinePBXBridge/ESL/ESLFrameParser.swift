/// Splits the FreeSWITCH event-socket byte stream into messages, incrementally and with bounded memory.
///
/// Feed it whatever `read(2)` returned with ``append(_:)``, then take results with ``next()`` until it answers
/// `nil`. Each result is a decoded ``ESLMessage`` or an ``ESLFrameError`` for a frame that was refused and
/// skipped; parsing always resumes with the following frame, so garbage from the PBX side never stops the
/// bridge. The results do not depend on how the stream was split into reads.
///
/// Memory stays under roughly ``Limits/maxHeaderBlockBytes`` + ``Limits/maxBodyBytes`` + one read: a header
/// block that grows past its limit is reported and dropped up to the next empty line, and a body announced
/// larger than its limit is reported at once and skipped as it arrives, never buffered.
public struct ESLFrameParser: Sendable {
    /// The bounds on one frame.
    public struct Limits: Sendable, Equatable {
        /// The longest header block, in bytes, including its closing empty line.
        public var maxHeaderBlockBytes: Int
        /// The largest `Content-Length` accepted. A CHANNEL_HANGUP_COMPLETE with every channel variable is
        /// around 10 KB; `show channels` on a busy switch a few hundred KB.
        public var maxBodyBytes: Int

        public init(maxHeaderBlockBytes: Int = 16_384, maxBodyBytes: Int = 4 << 20) {
            precondition(maxHeaderBlockBytes > 0 && maxBodyBytes >= 0, "ESL limits must be positive")
            self.maxHeaderBlockBytes = maxHeaderBlockBytes
            self.maxBodyBytes = maxBodyBytes
        }
    }

    public let limits: Limits

    private enum State: Sendable {
        /// Reading a header block that starts at `blockStart` in `buffer`.
        case headers
        /// Waiting for `length` body bytes after the header block.
        case body(headers: ESLHeaders, length: Int)
        /// Dropping `remaining` bytes of a refused body.
        case skippingBody(remaining: Int)
        /// Dropping an over-long header block up to the next empty line.
        case skippingHeaderBlock(SkipPosition)
    }

    /// Where the skipping of an over-long header block stands within its current line.
    private enum SkipPosition: Sendable, Equatable {
        /// Right after a newline: a newline now is the empty line.
        case atLineStart
        /// After a newline and a `\r`: a newline now is the empty line too.
        case afterLineStartReturn
        /// Inside a line.
        case midLine
        /// Nothing to skip: the refused block already ended.
        case done
    }

    private var state: State = .headers
    /// Unconsumed bytes; `start` is where they begin, the array is compacted once half of it is consumed.
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the current header line begins, and how far it has been scanned for a newline, so that each byte
    /// is looked at once however small the reads.
    private var lineStart = 0
    private var scanned = 0
    /// Results ready for ``next()``.
    private var ready: [Result<ESLMessage, ESLFrameError>] = []
    private var readyHead = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Bytes held for frames not yet complete: for tests of the memory bound.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds bytes read from the socket.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
        process()
    }

    /// The next message or refusal, in stream order; `nil` when more bytes are needed.
    public mutating func next() -> Result<ESLMessage, ESLFrameError>? {
        guard readyHead < ready.count else { return nil }
        let result = ready[readyHead]
        readyHead += 1
        if readyHead == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyHead = 0
        }
        return result
    }

    // MARK: - Scanning

    private mutating func process() {
        var progressing = true
        while progressing {
            switch state {
            case .headers: progressing = scanHeaders()
            case .body(let headers, let length): progressing = takeBody(headers: headers, length: length)
            case .skippingBody(let remaining): progressing = skipBody(remaining: remaining)
            case .skippingHeaderBlock(let position): progressing = skipHeaderBlock(position)
            }
        }
        compact()
    }

    /// Looks for the empty line that ends the header block; returns whether the state changed.
    private mutating func scanHeaders() -> Bool {
        while scanned < buffer.count {
            guard let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) else {
                scanned = buffer.count
                break
            }
            scanned = newline + 1
            let isEmptyLine =
                newline == lineStart || (newline == lineStart + 1 && buffer[lineStart] == UInt8(ascii: "\r"))
            if isEmptyLine && lineStart == start {
                // Empty lines between frames are padding, not frames.
                consume(upTo: scanned)
                continue
            }
            // Checked at every line end, the empty line included, so that the verdict is the one a byte-by-byte
            // reader reaches when the block's byte limit + 1 arrives.
            if scanned - start > limits.maxHeaderBlockBytes {
                return refuseHeaderBlock(skip: isEmptyLine ? .done : .atLineStart)
            }
            if isEmptyLine {
                let block = buffer[start..<lineStart]
                consume(upTo: scanned)
                return finishHeaderBlock(block)
            }
            lineStart = scanned
        }
        guard buffer.count - start > limits.maxHeaderBlockBytes else { return false }
        // The unfinished line decides where the skipping starts: a lone `\r` may begin the empty line.
        let partialLine = buffer[lineStart...]
        let skip: SkipPosition =
            partialLine.isEmpty
            ? .atLineStart : partialLine.elementsEqual([UInt8(ascii: "\r")]) ? .afterLineStartReturn : .midLine
        return refuseHeaderBlock(skip: skip)
    }

    private mutating func refuseHeaderBlock(skip: SkipPosition) -> Bool {
        ready.append(.failure(.headerBlockTooLong(limit: limits.maxHeaderBlockBytes)))
        consume(upTo: scanned)
        state = skip == .done ? .headers : .skippingHeaderBlock(skip)
        return true
    }

    /// Parses a complete header block (without its empty line) and decides what follows it.
    private mutating func finishHeaderBlock(_ block: ArraySlice<UInt8>) -> Bool {
        var headers = ESLHeaders()
        var index = block.startIndex
        while index < block.endIndex {
            let newline = block[index...].firstIndex(of: UInt8(ascii: "\n")) ?? block.endIndex
            var end = newline
            if end > index, block[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = block[index..<end]
            index = newline < block.endIndex ? newline + 1 : block.endIndex
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                ready.append(.failure(.malformedHeaderLine(String(decoding: line.prefix(120), as: UTF8.self))))
                return true
            }
            var valueStart = colon + 1
            while valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
            headers.append(
                .init(
                    name: String(decoding: line[line.startIndex..<colon], as: UTF8.self),
                    value: String(decoding: line[valueStart...], as: UTF8.self)
                )
            )
        }
        guard let lengthText = headers.value(caseInsensitive: "Content-Length") else {
            deliver(ESLFrame(headers: headers))
            return true
        }
        guard let length = Self.byteCount(lengthText) else {
            ready.append(.failure(.invalidContentLength(lengthText)))
            return true
        }
        guard length <= limits.maxBodyBytes else {
            ready.append(.failure(.bodyTooLarge(declared: length, limit: limits.maxBodyBytes)))
            state = .skippingBody(remaining: length)
            return true
        }
        state = .body(headers: headers, length: length)
        return true
    }

    private mutating func takeBody(headers: ESLHeaders, length: Int) -> Bool {
        guard buffer.count - start >= length else { return false }
        let body = Array(buffer[start..<(start + length)])
        consume(upTo: start + length)
        state = .headers
        deliver(ESLFrame(headers: headers, body: body))
        return true
    }

    private mutating func skipBody(remaining: Int) -> Bool {
        let available = buffer.count - start
        guard available > 0 || remaining == 0 else { return false }
        let dropped = min(available, remaining)
        consume(upTo: start + dropped)
        if dropped == remaining {
            state = .headers
            return true
        }
        state = .skippingBody(remaining: remaining - dropped)
        return false
    }

    /// Drops bytes up to and including the next empty line (`\n\n` or `\n\r\n`).
    private mutating func skipHeaderBlock(_ position: SkipPosition) -> Bool {
        var position = position
        var index = start
        while index < buffer.count {
            let byte = buffer[index]
            index += 1
            switch (position, byte) {
            case (.atLineStart, UInt8(ascii: "\n")), (.afterLineStartReturn, UInt8(ascii: "\n")):
                consume(upTo: index)
                state = .headers
                return true
            case (_, UInt8(ascii: "\n")): position = .atLineStart
            case (.atLineStart, UInt8(ascii: "\r")): position = .afterLineStartReturn
            default: position = .midLine
            }
        }
        consume(upTo: index)
        state = .skippingHeaderBlock(position)
        return false
    }

    private mutating func deliver(_ frame: ESLFrame) {
        ready.append(ESLMessage.interpreting(frame))
    }

    private mutating func consume(upTo index: Int) {
        start = index
        lineStart = index
        scanned = index
    }

    /// Drops consumed bytes once they are most of the buffer, so that appends stay amortized O(1).
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
            lineStart = 0
            scanned = 0
        } else if start > 4096 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            lineStart -= start
            scanned -= start
            start = 0
        }
    }

    /// A `Content-Length` value: ASCII digits only, at most nine of them (a gigabyte is already absurd).
    static func byteCount(_ text: String) -> Int? {
        let trimmed = text.utf8.drop { $0 == UInt8(ascii: " ") }.reversed().drop { $0 == UInt8(ascii: " ") }
        guard !trimmed.isEmpty, trimmed.count <= 9,
            trimmed.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return trimmed.reversed().reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
