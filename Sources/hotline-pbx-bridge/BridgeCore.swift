import Foundation
import HotlinePBXBridge
import HotlineProtocol
import HotlineSystem
import Logging

/// The bridge's shared state: the PBX's call model, the events hotlined has not acknowledged, the connection to
/// hotlined they are sent on, and counters for the status line. The PBX reader and the hotlined sender and its ack
/// reader are threads (their sockets block; the cooperative pool must not), so everything here is behind one lock.
///
/// Two files in the state directory keep it across restarts, `kill -9` included:
/// - `outbox.ndjson`, the events not yet acknowledged, one wire line each, appended with fdatasync before the
///   sender may send them. It may still hold events hotlined has since acknowledged: sending those again is
///   answered `duplicate: true`. It is emptied when everything is acknowledged (once it holds 64 KiB), and
///   rewritten from what is still waiting when it has grown well past that, so an outage's backlog costs an
///   append per event, not a rewrite.
/// - `state.json`, the call model (calls in progress, agent sessions), replaced after the events it led to are in
///   the outbox file; a crash between the two makes the next run derive and send some events again (answered
///   `duplicate`), never lose one.
///
/// Both are written once per batch of reads from the PBX, not once per frame (group commit): the PBX conversation
/// hands every frame it reads to the model (``handle(_:at:)``, ``apply(_:)``) and, once the socket has nothing
/// more waiting (or 1 MiB was read, ``CommitBatch``), calls ``commit()``, which makes the events of all of them
/// durable with one append and one fdatasync, saves the model once and wakes the sender. A `kill -9` before the
/// commit loses the frames of that batch as it loses the bytes still in the socket: the saved model and the
/// outbox file agree with each other, as of the previous commit.
final class BridgeCore<Model: PBXCallModel>: @unchecked Sendable {
    /// What `state.json` holds, with a version to refuse a file from a future bridge.
    struct Saved: Codable {
        var version: Int
        var model: Model.State
    }

    /// How a connection to hotlined ended, for the sender's backoff.
    struct ConnectionEnd {
        /// Acks it carried.
        var acks: Int
        /// hotlined answered `unavailable` (it cannot store events now): wait before sending them again.
        var retryLater: Bool
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var model: Model
    private var outbox = EventOutbox()
    /// Events of the frames handed to the model since the last ``commit()``; not yet in the outbox.
    private var staged: [PBXEvent] = []
    private var modelChanged = false
    private var eventsSent = 0
    private var pbxConnected = false
    // Only a failed delivery says hotlined is unreachable: with nothing to send there is nothing to say.
    private var hotlinedUnreachable = false
    /// The current connection to hotlined (a number that grows with each), and how many of the outbox's first
    /// entries have been written to it and await their acks, which come in order.
    private var connection = 0
    private var inFlight = 0
    private var connectionBroken = false
    private var connectionAcks = 0
    private var connectionRetryLater = false

    private let stateFile: String
    private let outboxPath: String
    private var outboxFile: AppendOnlyFile
    private let logger: Logger

    /// The outbox file is rewritten from the waiting events once it is this much larger than they are.
    private static var compactionSlack: Int { 1 << 20 }
    /// An outbox file whose events are all acknowledged is emptied once it is this large (about 200 events).
    private static var emptyingThreshold: Int { 64 << 10 }

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

    /// Hands one frame to the model; its events wait for ``commit()``.
    func handle(_ frame: Model.Frame, at: Date) {
        condition.lock()
        defer { condition.unlock() }
        staged += model.handle(frame, at: at)
        modelChanged = true
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
        staged += events
        modelChanged = true
    }

    /// Runs a PBX-specific step of the model (an Asterisk agent reconciliation, a FreeSWITCH session step); its
    /// events wait for ``commit()``.
    func apply(_ step: (inout Model) -> [PBXEvent]) {
        condition.lock()
        defer { condition.unlock() }
        staged += step(&model)
        modelChanged = true
    }

    /// Makes the events of the frames handled since the last commit durable (one append, one fdatasync), then
    /// saves the model and wakes the sender. Called after each read from the PBX, and when a connection ends.
    func commit() {
        condition.lock()
        defer { condition.unlock() }
        let events = staged
        staged = []
        enqueue(events)
        if modelChanged {
            saveModel()
            modelChanged = false
        }
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

    /// Waits until there are events to send.
    func waitForPending() {
        condition.lock()
        defer { condition.unlock() }
        while outbox.isEmpty { condition.wait() }
    }

    /// A new connection to hotlined is open: everything waiting is to be sent on it, from the oldest. Returns its
    /// number, which the sender and the ack reader pass back.
    func connectionOpened() -> Int {
        condition.lock()
        defer { condition.unlock() }
        connection += 1
        inFlight = 0
        connectionBroken = false
        connectionAcks = 0
        connectionRetryLater = false
        return connection
    }

    /// Waits for events not yet written to connection `id`, with fewer than `window` in flight, and returns up to
    /// `window - in flight` of them as wire lines, now counted in flight; `nil` once the connection is done with
    /// (broken, or told to retry later).
    func nextLines(on id: Int, window: Int) -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while id == connection && !connectionBroken && (outbox.count <= inFlight || inFlight >= window) {
            condition.wait()
        }
        guard id == connection && !connectionBroken else { return nil }
        let end = min(outbox.count, window)
        var bytes: [UInt8] = []
        for entry in outbox.entries[inFlight..<end] {
            bytes += entry.line.utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        inFlight = end
        return bytes
    }

    /// Applies acks read from connection `id`: they answer the events in flight on it, oldest first. An
    /// `unavailable` ends the connection (``connectionEnded(_:)`` then says to wait), as does an ack for another
    /// event than expected.
    func acknowledged(_ acks: [PBXAck], on id: Int) {
        condition.lock()
        defer { condition.unlock() }
        guard id == connection, !connectionBroken else { return }
        // A refusal of the connection itself (too many connections) answers no event.
        if let refusal = acks.first(where: { $0.id == nil }), case .refused(let error) = refusal,
            error.code == .unavailable
        {
            logger.warning("hotlined refused the connection: \(error.message)")
            connectionBroken = true
            connectionRetryLater = true
            condition.broadcast()
            return
        }
        let count = min(acks.count, inFlight)
        let ids = outbox.entries.prefix(count).map(\.id)
        for (expected, ack) in zip(ids, acks) where ack.id != nil && ack.id != expected {
            logger.error("hotlined acked \(ack.id ?? "?") where \(expected) was expected; reconnecting")
            connectionBroken = true
            condition.broadcast()
            return
        }
        hotlinedUnreachable = false
        connectionAcks += count
        for (id, outcome) in outbox.settle(ids: ids, acks: Array(acks.prefix(count))) {
            switch outcome {
            case .delivered(let duplicate):
                eventsSent += 1
                if duplicate { logger.debug("event \(id) was already stored") }
            case .rejected(let error):
                logger.error("hotlined refused event \(id): \(error.code.rawValue): \(error.message)")
            case .retryLater:
                // It stays first in the outbox while later ones may be settled: the count in flight no longer
                // matches the order, so the connection ends and everything waiting is sent again on the next.
                connectionRetryLater = true
                connectionBroken = true
            }
        }
        inFlight -= count
        shrinkOutboxFile()
        condition.broadcast()
    }

    /// Connection `id` broke (a read or write failed, hotlined closed it).
    func connectionFailed(_ id: Int) {
        condition.lock()
        defer { condition.unlock() }
        guard id == connection else { return }
        connectionBroken = true
        condition.broadcast()
    }

    /// The sender is done with connection `id`: its events in flight stay in the outbox for the next one.
    func connectionEnded(_ id: Int) -> ConnectionEnd {
        condition.lock()
        defer { condition.unlock() }
        if id == connection {
            connectionBroken = true
            inFlight = 0
        }
        return ConnectionEnd(acks: connectionAcks, retryLater: connectionRetryLater)
    }

    func setHotlinedUnreachable() {
        condition.lock()
        hotlinedUnreachable = true
        condition.unlock()
    }

    /// Events waiting for hotlined.
    var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return outbox.count
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
    /// are in the outbox file already, and a model older by a few reads only makes the next run resend some. A
    /// `kill -9` loses nothing written, only a crash of the machine can.
    private func saveModel() {
        do {
            let data = try JSONEncoder().encode(Saved(version: 1, model: model.state))
            try AtomicFile.replace(stateFile, with: Array(data), durable: false)
        } catch {
            logger.error("cannot save the bridge state in \(stateFile): \(error)")
        }
    }

    /// Empties the outbox file once everything is acknowledged and it holds ``emptyingThreshold`` bytes or more,
    /// or rewrites it from the waiting events once acked ones dominate it. Acknowledged events left in it are only
    /// sent again by the next run, answered `duplicate`; emptying it at every ack (with its fdatasync) would cost
    /// as much as the appends.
    private func shrinkOutboxFile() {
        do {
            if outbox.isEmpty {
                if outboxFile.size >= Self.emptyingThreshold { try outboxFile.truncate() }
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
