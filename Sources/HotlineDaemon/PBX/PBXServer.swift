import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging
import Synchronization

/// The PBX event socket (SPEC §5): NDJSON in, one ack line per line out, in order, each only after its event is
/// durable.
///
/// Every connection has its own thread: it reads what the adapter pipelined, answers malformed lines at once,
/// hands the valid events of one read to the ``EventIngestor`` as a group, and writes all acks of that read in
/// order once the group is committed. A slow or silent adapter holds only its own thread.
public final class PBXServer: Sendable {
    private let listener: UnixSocket
    private let ingestor: EventIngestor
    private let logger: Logger
    private let maximumLineLength: Int
    private let maximumConnections: Int
    private let open = Mutex<Set<UnixSocket>>([])
    private let stopping = Atomic<Bool>(false)
    private let acceptFinished = DispatchSemaphore(value: 0)

    public init(
        listener: UnixSocket,
        ingestor: EventIngestor,
        logger: Logger,
        maximumLineLength: Int = 65_536,
        maximumConnections: Int = 256
    ) {
        self.listener = listener
        self.ingestor = ingestor
        self.logger = logger
        self.maximumLineLength = maximumLineLength
        self.maximumConnections = maximumConnections
    }

    public var connectionCount: Int { open.withLock { $0.count } }

    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "hotline-pbx-accept"
        thread.start()
    }

    /// Graceful drain: stop accepting and reading; what was read is committed and acked; then return.
    public func stop(timeout: TimeInterval = 30) {
        stopping.store(true, ordering: .sequentiallyConsistent)
        listener.shutdown()
        acceptFinished.wait()
        open.withLock { sockets in sockets.forEach { $0.shutdownReading() } }
        let deadline = Date().addingTimeInterval(timeout)
        while connectionCount > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    }

    private func acceptLoop() {
        defer { acceptFinished.signal() }
        while !stopping.load(ordering: .sequentiallyConsistent) {
            let connection: UnixSocket
            do {
                guard let accepted = try listener.accept() else { break }
                connection = accepted
            } catch {
                if stopping.load(ordering: .sequentiallyConsistent) { break }
                logger.error("PBX socket accept failed", metadata: ["error": "\(error)"])
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            let admitted = open.withLock { sockets -> Bool in
                guard sockets.count < maximumConnections else { return false }
                sockets.insert(connection)
                return true
            }
            guard admitted else {
                let refusal = PBXLineError.unavailable(
                    id: nil,
                    reason: "too many PBX connections (\(maximumConnections))"
                )
                try? connection.write(PBXAck.refused(refusal).encodedLine())
                connection.close()
                continue
            }
            let thread = Thread { [self] in
                serve(connection)
                open.withLock { _ = $0.remove(connection) }
                connection.close()
            }
            thread.name = "hotline-pbx"
            thread.start()
        }
    }

    /// One slot per line, in arrival order: either an answer known at once or a place for an event's outcome.
    private enum Slot {
        case answered(PBXAck)
        case event(PBXEvent)
    }

    private func serve(_ connection: UnixSocket) {
        logger.info("PBX adapter connected")
        var framer = LineFramer(maxLineLength: maximumLineLength)
        while true {
            let chunk: [UInt8]
            do {
                chunk = try connection.read(maximum: 256 * 1024)
            } catch {
                break
            }
            if chunk.isEmpty { break }
            framer.append(chunk)
            var slots: [Slot] = []
            while let frame = framer.nextLine() {
                switch frame {
                case .tooLong:
                    slots.append(.answered(.refused(.lineTooLong(limit: maximumLineLength))))
                case .line(let bytes):
                    switch PBXEventParser.parse(line: bytes) {
                    case .success(let event): slots.append(.event(event))
                    case .failure(let error): slots.append(.answered(.refused(error)))
                    }
                }
            }
            guard !slots.isEmpty else { continue }
            if !answer(slots, on: connection) { break }
        }
        logger.info("PBX adapter disconnected")
    }

    /// Commits the events among `slots` as one group, then writes every ack in line order.
    private func answer(_ slots: [Slot], on connection: UnixSocket) -> Bool {
        let events = slots.compactMap { slot -> PBXEvent? in
            if case .event(let event) = slot { return event }
            return nil
        }
        var outcomes = (events.isEmpty ? [] : ingestor.submit(events)).makeIterator()
        var output: [UInt8] = []
        for slot in slots {
            switch slot {
            case .answered(let ack):
                output += ack.encodedLine()
            case .event(let event):
                switch outcomes.next() {
                case .success(.stored)?: output += PBXAck.accepted(id: event.id, duplicate: false).encodedLine()
                case .success(.duplicate)?: output += PBXAck.accepted(id: event.id, duplicate: true).encodedLine()
                case .failure(let error)?: output += PBXAck.refused(error).encodedLine()
                case .success(.rejected(let reason))?:
                    output += PBXAck.refused(PBXLineError(code: .invalidField, id: event.id, message: reason))
                        .encodedLine()
                case nil:
                    output += PBXAck.refused(.unavailable(id: event.id, reason: "internal error")).encodedLine()
                }
            }
        }
        do {
            try connection.write(output)
            return true
        } catch {
            return false
        }
    }
}
