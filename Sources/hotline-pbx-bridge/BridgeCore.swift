import Foundation
import HotlinePBXBridge
import HotlineProtocol
import HotlineSystem
import Logging

/// The bridge's shared state: the PBX's call model, the events hotlined has not acknowledged, and counters for the
/// status line. The PBX reader and the hotlined sender are threads (their sockets block; the cooperative pool must
/// not), so everything here is behind one lock, and saved to the state directory after each change.
final class BridgeCore<Model: PBXCallModel>: @unchecked Sendable {
    /// What is saved: the model's state and the outbox, with a version to refuse a file from a future bridge.
    struct Saved: Codable {
        var version: Int
        var model: Model.State
        var outbox: EventOutbox
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
    private let logger: Logger

    init(model: Model, stateDirectory: String, logger: Logger) throws {
        self.model = model
        self.logger = logger
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        stateFile = stateDirectory + "/state.json"
        if let data = FileManager.default.contents(atPath: stateFile) {
            do {
                let saved = try JSONDecoder().decode(Saved.self, from: data)
                guard saved.version == 1 else { throw BridgeStartupError("state version \(saved.version)") }
                self.model.state = saved.model
                outbox = saved.outbox
                logger.info(
                    "resumed from \(stateFile): \(self.model.callsInProgress) calls in progress, \(outbox.count) events to send"
                )
            } catch {
                // A state file that cannot be read is set aside, not fatal: reconciliation and resends recover.
                let aside = stateFile + ".unreadable"
                try? FileManager.default.removeItem(atPath: aside)
                try? FileManager.default.moveItem(atPath: stateFile, toPath: aside)
                logger.error("cannot read \(stateFile) (\(error)); moved to \(aside), starting afresh")
            }
        }
    }

    // MARK: - The PBX side

    /// Hands one frame to the model and queues the events it makes.
    func handle(_ frame: Model.Frame, at: Date) {
        condition.lock()
        defer { condition.unlock() }
        let events = model.handle(frame, at: at)
        enqueue(events)
        save(sync: !events.isEmpty)
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
        save(sync: true)
    }

    /// Runs a PBX-specific step of the model (an Asterisk agent reconciliation) and queues its events.
    func apply(_ step: (inout Model) -> [PBXEvent]) {
        condition.lock()
        defer { condition.unlock() }
        let events = step(&model)
        enqueue(events)
        save(sync: true)
    }

    func setPBXConnected(_ connected: Bool) {
        condition.lock()
        pbxConnected = connected
        condition.unlock()
    }

    /// Checks each event as hotlined will, so that a value the PBX gave that hotlined would refuse (an extension
    /// of 40 characters) is logged here once instead of being sent again and again.
    private func enqueue(_ events: [PBXEvent]) {
        var valid: [PBXEvent] = []
        for event in events {
            switch PBXEventParser.parse(line: event.encodedLine().dropLast()) {
            case .success: valid.append(event)
            case .failure(let error): logger.error("dropped event \(event.id): \(error.message)")
            }
        }
        guard !valid.isEmpty else { return }
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
        save(sync: true)
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

    /// Writes the state atomically (temporary file, rename). `sync` also flushes it to disk: after new events or
    /// acks, which must survive a power cut; channel bookkeeping in between only needs to survive a crash.
    private func save(sync: Bool) {
        do {
            let data = try JSONEncoder().encode(Saved(version: 1, model: model.state, outbox: outbox))
            try AtomicFile.replace(stateFile, with: Array(data), durable: sync)
        } catch {
            logger.error("cannot save the bridge state in \(stateFile): \(error)")
        }
    }
}
