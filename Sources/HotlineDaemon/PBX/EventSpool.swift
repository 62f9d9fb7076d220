import Foundation
import HotlineProtocol
import HotlineSystem
import Logging
import Synchronization

/// The local spool that keeps acknowledged events safe while PostgreSQL is unreachable (SPEC §5).
///
/// Events are appended as the lines they arrived as and fdatasync'd before they are acked; when the database is back they
/// are replayed in order and the file is emptied. Replay is idempotent (event ids), so a crash in the middle of a
/// replay only means replaying again. Used from the ingest thread only; ``depth`` may be read from anywhere.
final class EventSpool: Sendable {
    private let file: Mutex<AppendOnlyFile>
    private let limitBytes: Int
    private let count = Atomic<Int>(0)
    private let logger: Logger

    init(directory: String, limitBytes: Int, logger: Logger) throws {
        let spool = try AppendOnlyFile(path: directory + "/spool/events.ndjson")
        let existing = try EventSpool.parse(try spool.readAll(), logger: logger)
        file = Mutex(spool)
        self.limitBytes = limitBytes
        self.logger = logger
        count.store(existing.count, ordering: .relaxed)
    }

    /// Events waiting in the spool.
    var depth: Int { count.load(ordering: .relaxed) }
    var isEmpty: Bool { depth == 0 }

    /// Appends events durably; throws (and nothing is kept) when the spool is full or the disk refuses.
    func append(_ events: [ReceivedEvent]) throws {
        var bytes: [UInt8] = []
        for event in events {
            bytes += event.line.utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        try file.withLock { spool in
            guard spool.size + bytes.count <= limitBytes else {
                throw SpoolError.full(limitBytes: limitBytes)
            }
            try spool.appendDurably(bytes)
        }
        count.add(events.count, ordering: .relaxed)
    }

    /// Everything spooled, in order.
    func contents() throws -> [ReceivedEvent] {
        try EventSpool.parse(try file.withLock { try $0.readAll() }, logger: logger)
    }

    /// Empties the spool after its events were committed to the database.
    func clear() throws {
        try file.withLock { try $0.truncate() }
        count.store(0, ordering: .relaxed)
    }

    private static func parse(_ bytes: [UInt8], logger: Logger) throws -> [ReceivedEvent] {
        var framer = LineFramer(maxLineLength: 1 << 20)
        framer.append(bytes)
        var events: [ReceivedEvent] = []
        while let frame = framer.nextLine() {
            guard case .line(let line) = frame else { continue }
            switch PBXEventParser.parse(line: line) {
            case .success(let event):
                events.append(ReceivedEvent(event: event, line: String(decoding: line, as: UTF8.self)))
            case .failure(let error):
                // Only a torn tail of a write that was never acked can look like this.
                logger.warning("skipping an unreadable spool line", metadata: ["error": "\(error)"])
            }
        }
        return events
    }
}

enum SpoolError: Error, CustomStringConvertible {
    case full(limitBytes: Int)

    var description: String {
        switch self {
        case .full(let limitBytes):
            return "the local spool is full (\(limitBytes) bytes) while the database is unreachable"
        }
    }
}
