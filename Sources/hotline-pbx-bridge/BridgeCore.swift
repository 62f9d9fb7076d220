import Foundation
import HotlinePBXBridge
import HotlineProtocol
import HotlineSystem
import Logging

/// The bridge's shared state: the PBX's call model, the events hotlined has not acknowledged, and counters for the
/// status line. The PBX reader and the hotlined sender are threads (their sockets block; the cooperative pool must
/// not), so everything here is behind one lock.
///
/// Two files in the state directory keep it across restarts, `kill -9` included:
/// - `outbox.ndjson`, the events not yet acknowledged, one wire line each, appended with fdatasync before the
///   event counts as made. It may still hold events hotlined has since acknowledged: sending those again is
///   answered `duplicate: true`. It is emptied when everything is acknowledged, and rewritten from what is still
///   waiting when it has grown well past that, so an outage's backlog costs an append per event, not a rewrite.
/// - `state.json`, the call model (calls in progress, agent sessions), replaced after each frame that touched it.
///   Written after the events it led to are in the outbox file; a crash between the two makes the next run send
///   some events again, never lose one.
final class BridgeCore<Model: PBXCallModel>: @unchecked Sendable {
    /// What `state.json` holds, with a version to refuse a file from a future bridge.
    struct Saved: Codable {
        var version: Int
        var model: Model.State
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var model: Model
    private var outbox = EventOutbox()
    private var eventsSent = 0
    private var pbxConnected = false
    // Only a failed delivery says hotlined is unreachable: with nothing to send there is nothing to say.
    private var hotlinedUnreachable = false

    private let stateFile: String
    private let outboxPath: String
    private var outboxFile: AppendOnlyFile
    private let logger: Logger

    /// The outbox file is rewritten from the waiting events once it is this much larger than they are.
    private static var compactionSlack: Int { 1 << 20 }

    init(model: Model, stateDirectory: String, logger: Logger) throws {
        self.model = model
        self.logger = logger
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        stateFile = stateDirectory + "/state.json"
        outboxPath = stateDirectory + "/outbox.ndjson"
        outboxFile = try AppendOnlyFile(path: outboxPath)
        if let data = FileManager.default.contents(atPath: stateFile) {
            do {
                let saved = try JSONDecoder().decode(Saved.self, from: data)
                guard saved.version == 1 else { throw BridgeStartupError("state version \(saved.version)") }
                self.model.state = saved.model
            } catch {
                // A state file that cannot be read is set aside, not fatal: reconciliation and resends recover.
                let aside = stateFile + ".unreadable"
                try? FileManager.default.removeItem(atPath: aside)
                try? FileManager.default.moveItem(atPath: stateFile, toPath: aside)
                logger.error("cannot read \(stateFile) (\(error)); moved to \(aside), starting afresh")
            }
        }
        // Lines are complete (appends are cut back on failure); a line that does not parse is reported, not sent.
        for line in try outboxFile.readAll().split(separator: UInt8(ascii: "\n")) {
            switch PBXEventParser.parse(line: line) {
            case .success(let event): outbox.append([event])
            case .failure(let error): logger.error("skipped an unreadable line of \(outboxPath): \(error.message)")
            }
        }
        logger.info(
            "state in \(stateDirectory): \(self.model.callsInProgress) calls in progress, \(outbox.count) events to send"
        )
    }

    // MARK: - The PBX side

    /// Hands one frame to the model and queues the events it makes.
    func handle(_ frame: Model.Frame, at: Date) {
        condition.lock()
        defer { condition.unlock() }
        enqueue(model.handle(frame, at: at))
        saveModel()
    }

    func beginReconciliation() {
        condition.lock()
        defer { condition.unlock() }
        model.beginReconciliation()
    }

    func finishReconciliation(activeCallIDs: Set<String>, at: Date) {
        condition.lock()
        defer { condition.unlock() }
        let events = model.finishReconciliation(activeCallIDs: activeCallIDs, at: at)
        for event in events { logger.warning("call \(event.callID ?? "?") is gone from the PBX: ended failed") }
        enqueue(events)
        saveModel()
    }

    /// Runs a PBX-specific step of the model (an Asterisk agent reconciliation) and queues its events.
    func apply(_ step: (inout Model) -> [PBXEvent]) {
        condition.lock()
        defer { condition.unlock() }
        enqueue(step(&model))
        saveModel()
    }

    func setPBXConnected(_ connected: Bool) {
        condition.lock()
        pbxConnected = connected
        condition.unlock()
    }

    /// Checks each event as hotlined will, so that a value the PBX gave that hotlined would refuse (an extension
    /// of 40 characters) is logged here once instead of being sent again and again; then makes the events durable
    /// in the outbox file and wakes the sender.
    private func enqueue(_ events: [PBXEvent]) {
        var valid: [PBXEvent] = []
        var lines: [UInt8] = []
        for event in events {
            let line = event.encodedLine()
            switch PBXEventParser.parse(line: line.dropLast()) {
            case .success:
                valid.append(event)
                lines += line
            case .failure(let error):
                logger.error("dropped event \(event.id): \(error.message)")
            }
        }
        guard !valid.isEmpty else { return }
        do {
            try outboxFile.appendDurably(lines)
        } catch {
            // Still sent from memory; only a crash before hotlined has them would lose them.
            logger.error("cannot write \(outboxPath): \(error); \(valid.count) events kept in memory only")
        }
        outbox.append(valid)
        condition.broadcast()
    }

    // MARK: - The hotlined side

    /// Waits until there are events to send and returns up to `limit` of them, oldest first.
    func waitForPending(limit: Int) -> [EventOutbox.Entry] {
        condition.lock()
        defer { condition.unlock() }
        while outbox.isEmpty { condition.wait() }
        return Array(outbox.entries.prefix(limit))
    }

    /// Applies hotlined's acks; returns whether some events must be sent again later (`unavailable`).
    func settle(ids: [String], acks: [PBXAck]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        hotlinedUnreachable = false
        var retry = false
        for (id, outcome) in outbox.settle(ids: ids, acks: acks) {
            switch outcome {
            case .delivered(let duplicate):
                eventsSent += 1
                if duplicate { logger.debug("event \(id) was already stored") }
            case .rejected(let error):
                logger.error("hotlined refused event \(id): \(error.code.rawValue): \(error.message)")
            case .retryLater:
                retry = true
            }
        }
        shrinkOutboxFile()
        return retry
    }

    func setHotlinedUnreachable() {
        condition.lock()
        hotlinedUnreachable = true
        condition.unlock()
    }

    // MARK: - Status and persistence

    /// The unit's status line: PBX connected, calls in progress, events sent, unacknowledged.
    var status: String {
        condition.lock()
        defer { condition.unlock() }
        let pbx = pbxConnected ? "PBX connected" : "PBX disconnected"
        let daemon = hotlinedUnreachable ? ", hotlined unreachable" : ""
        return
            "\(pbx)\(daemon), \(model.callsInProgress) calls in progress, \(eventsSent) events sent, \(outbox.count) unacknowledged"
    }

    /// Replaces `state.json` (temporary file, rename: never half written). Not flushed to disk each time: the events
    /// are in the outbox file already, and a model older by a few frames only makes the next run resend some.
    private func saveModel() {
        do {
            let data = try JSONEncoder().encode(Saved(version: 1, model: model.state))
            try AtomicFile.replace(stateFile, with: Array(data), durable: false)
        } catch {
            logger.error("cannot save the bridge state in \(stateFile): \(error)")
        }
    }

    /// Empties the outbox file once everything is acknowledged, or rewrites it from the waiting events once acked
    /// ones dominate it.
    private func shrinkOutboxFile() {
        do {
            if outbox.isEmpty {
                if outboxFile.size > 0 { try outboxFile.truncate() }
                return
            }
            let waiting = outbox.entries.reduce(0) { $0 + $1.line.utf8.count + 1 }
            guard outboxFile.size > 2 * waiting + Self.compactionSlack else { return }
            let lines = outbox.entries.flatMap { Array($0.line.utf8) + [UInt8(ascii: "\n")] }
            try AtomicFile.replace(outboxPath, with: lines, durable: true)
            outboxFile.close()
            outboxFile = try AppendOnlyFile(path: outboxPath)
        } catch {
            logger.error("cannot shrink \(outboxPath): \(error)")
        }
    }
}
