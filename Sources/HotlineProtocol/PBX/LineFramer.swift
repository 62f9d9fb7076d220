import Foundation

/// Splits a byte stream into `\n`-terminated lines, incrementally and with bounded memory.
///
/// Feed it whatever `read(2)` returned with ``append(_:)`` and take lines with ``nextLine()``. A trailing `\r`
/// is stripped (CRLF adapters), empty lines are skipped. A line longer than ``maxLineLength`` bytes is reported
/// once as ``Frame/tooLong(prefixBytes:)`` as soon as that is certain, and the rest of it, up to and including
/// the next newline, is dropped as it arrives without being buffered: a 1 GiB line costs no more memory than
/// a 64 KiB one.
///
/// Every byte is scanned once (with `memchr`), so many small appends cost no re-scanning. Complete lines wait
/// in a queue until taken, so the reader should drain ``nextLine()`` after each ``append(_:)``.
public struct LineFramer: Sendable {
    /// What ``nextLine()`` yields.
    public enum Frame: Sendable, Equatable {
        /// A complete line without its `\n` (and without a trailing `\r`); never empty.
        case line([UInt8])
        /// A line that exceeded the limit. `prefixBytes` is how much of it had arrived when that became
        /// certain (the limit plus one or two bytes); the rest is discarded up to the next newline.
        case tooLong(prefixBytes: Int)
    }

    /// The longest line accepted, in bytes, not counting the `\n` or a `\r` before it.
    public let maxLineLength: Int

    /// The start of the current line, not yet terminated; never longer than `maxLineLength + 1` bytes (the
    /// extra byte may turn out to be the `\r` of a CRLF).
    private var partial: [UInt8] = []
    /// True while the rest of an over-long line is being dropped.
    private var discarding = false
    /// Frames ready for ``nextLine()``; `head` is the cursor, the array is compacted once half of it is read.
    private var ready: [Frame] = []
    private var head = 0

    public init(maxLineLength: Int = 65_536) {
        precondition(maxLineLength > 0, "maxLineLength must be positive")
        self.maxLineLength = maxLineLength
    }

    /// Bytes held for lines not yet returned (complete and partial): for tests of the memory bound.
    public var bufferedByteCount: Int {
        ready[head...].reduce(partial.count) { total, frame in
            if case .line(let bytes) = frame { return total + bytes.count }
            return total
        }
    }

    /// True while an over-long line's remainder is being skipped.
    public var isDiscarding: Bool { discarding }

    /// Adds bytes read from the stream.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { consume($0) }
        guard handled == nil else { return }
        // Not contiguous: copy through a bounded chunk so that even a huge lazy sequence stays bounded.
        var chunk: [UInt8] = []
        chunk.reserveCapacity(65_536)
        for byte in bytes {
            chunk.append(byte)
            if chunk.count == 65_536 {
                chunk.withUnsafeBufferPointer { consume($0) }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        chunk.withUnsafeBufferPointer { consume($0) }
    }

    /// The next complete line or over-long-line report, in stream order; `nil` when more bytes are needed.
    public mutating func nextLine() -> Frame? {
        guard head < ready.count else { return nil }
        let frame = ready[head]
        head += 1
        if head == ready.count {
            ready.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= ready.count {
            ready.removeFirst(head)
            head = 0
        }
        return frame
    }

    /// At end of stream: the unterminated last line, if any. A line cut short by the peer may be incomplete,
    /// so callers usually refuse it; it is offered so that they can say so.
    public mutating func finish() -> [UInt8]? {
        defer {
            partial.removeAll()
            discarding = false
        }
        var line = partial
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line.isEmpty || line.count > maxLineLength ? nil : line
    }

    private mutating func consume(_ chunk: UnsafeBufferPointer<UInt8>) {
        guard let base = chunk.baseAddress else { return }
        var start = 0
        while start < chunk.count {
            let remaining = chunk.count - start
            let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), remaining)
                .map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) }
            if discarding {
                guard let newline else { return }
                discarding = false
                start = newline + 1
                continue
            }
            guard let newline else {
                keepPartial(UnsafeBufferPointer(rebasing: chunk[start...]))
                return
            }
            completeLine(UnsafeBufferPointer(rebasing: chunk[start..<newline]))
            start = newline + 1
        }
    }

    /// Holds the start of an unterminated line, or gives up on it once it cannot fit any more.
    private mutating func keepPartial(_ piece: UnsafeBufferPointer<UInt8>) {
        if partial.count + piece.count > maxLineLength + 1 {
            reportTooLong()
            discarding = true
        } else {
            partial.append(contentsOf: piece)
        }
    }

    /// Ends the current line with `piece`, the bytes before the newline.
    private mutating func completeLine(_ piece: UnsafeBufferPointer<UInt8>) {
        let length = partial.count + piece.count
        let last = piece.last ?? partial.last
        let endsWithCarriageReturn = last == UInt8(ascii: "\r")
        let contentLength = endsWithCarriageReturn ? length - 1 : length
        guard contentLength <= maxLineLength else {
            // Reported exactly as if the bytes had come one at a time, so that the report does not depend on
            // how the stream was split into reads.
            if length > maxLineLength + 1 {
                reportTooLong()
            } else {
                ready.append(.tooLong(prefixBytes: length))
            }
            partial.removeAll(keepingCapacity: true)
            return
        }
        var line = partial
        partial.removeAll(keepingCapacity: true)
        line.append(contentsOf: piece)
        if endsWithCarriageReturn { line.removeLast() }
        if !line.isEmpty { ready.append(.line(line)) }
    }

    private mutating func reportTooLong() {
        ready.append(.tooLong(prefixBytes: maxLineLength + 2))
        partial = []
    }
}
