import Foundation
import HotlineProtocol
import HotlineSystem
import Synchronization

/// The reference PBX adapter's connection: pipelines event lines to hotlined's PBX socket and matches the acks,
/// which come back one per line in order, to what was sent.
///
/// A writer keeps up to `window` events in flight; a reader thread takes acks off the socket. When the
/// connection breaks, everything not yet acked is sent again on a new connection: the daemon answers resends
/// `duplicate:true`, so resending is always safe. One thread at a time calls ``deliver(_:rate:onProgress:)``.
public final class AdapterConnection: @unchecked Sendable {
    /// What happened to one event.
    public struct Delivery: Sendable {
        public var index: Int
        public var ack: PBXAck
        /// Seconds from the first write of the event to its ack.
        public var latency: Double
    }

    private let path: String
    private let window: Int
    private let reconnectAttempts: Int
    // Guarded by `lock`: events in flight in send order, with the time each was sent.
    private let lock = NSCondition()
    private var inFlight: [(index: Int, line: [UInt8], sentAt: Double)] = []
    private var deliveries: [Delivery] = []
    private var socket: UnixSocket?
    private var readerFailed = false
    // Ack readers not yet finished (0 or 1); see ``retireConnection()``.
    private var readersRunning = 0
    public private(set) var reconnects = 0

    /// - Parameter reconnectAttempts: how often ``deliver(_:rate:onProgress:)`` retries, 0.1 s apart, when the
    ///   connection breaks before it throws. A long-running adapter (the PBX bridge) passes 0 and keeps the events
    ///   itself, retrying with its own backoff.
    public init(path: String, window: Int = 1000, reconnectAttempts: Int = 600) {
        self.path = path
        self.window = max(1, window)
        self.reconnectAttempts = max(0, reconnectAttempts)
    }

    /// Sends `lines` (each a JSON event without the newline), pacing to `rate` events per second when given, and
    /// returns one delivery per line once every line is acked or refused.
    public func deliver(_ lines: [[UInt8]], rate: Double? = nil, onProgress: ((Int) -> Void)? = nil) throws
        -> [Delivery]
    {
        // A previous call that threw may have left events in flight, and its reader running; both belong to that
        // call's lines.
        lock.lock()
        retireConnection()
        inFlight = []
        deliveries = []
        lock.unlock()
        deliveries.reserveCapacity(lines.count)
        try connect()
        let start = AdapterConnection.now()
        for (index, line) in lines.enumerated() {
            if let rate {
                let due = start + Double(index) / rate
                let wait = due - AdapterConnection.now()
                if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
            }
            lock.lock()
            while inFlight.count >= window && !readerFailed { lock.wait() }
            let failed = readerFailed
            lock.unlock()
            if failed { try reconnectAndResend() }
            var bytes = line
            bytes.append(UInt8(ascii: "\n"))
            lock.lock()
            inFlight.append((index, bytes, AdapterConnection.now()))
            let current = socket
            lock.unlock()
            do {
                try current?.write(bytes)
            } catch {
                try reconnectAndResend()
            }
            if index % 10_000 == 0 { onProgress?(index) }
        }
        // Wait for the last acks, reconnecting as often as needed.
        while true {
            lock.lock()
            while !inFlight.isEmpty && !readerFailed { lock.wait() }
            let done = inFlight.isEmpty
            lock.unlock()
            if done { break }
            try reconnectAndResend()
        }
        lock.lock()
        retireConnection()
        let result = deliveries.sorted { $0.index < $1.index }
        deliveries = []
        lock.unlock()
        return result
    }

    /// Ends the current connection; called with `lock` held, by the delivering thread only.
    ///
    /// Shut down first: the ack reader is blocked in read() on the descriptor, and only a shutdown wakes it (a close
    /// would neither wake it nor send the daemon an end of file, leaving the connection open in the daemon). Then wait
    /// for the reader to finish: acks it already read are matched before anything is resent, or the new connection's
    /// acks would be paired with the wrong events. Close last, here and nowhere else: once the number is free the
    /// kernel may hand it to another socket of this process, which a late shutdown or write must never reach.
    private func retireConnection() {
        let current = socket
        current?.shutdown()
        while readersRunning > 0 { lock.wait() }
        current?.close()
        socket = nil
    }

    private func connect() throws {
        let connected = try UnixSocket.connect(path: path)
        lock.lock()
        socket = connected
        readerFailed = false
        readersRunning += 1
        lock.unlock()
        let thread = Thread { [self] in readAcks(from: connected) }
        thread.name = "adapter-acks"
        thread.start()
    }

    /// Opens a new connection and sends again everything not acked, in order (retrying while the daemon is down).
    private func reconnectAndResend() throws {
        lock.lock()
        retireConnection()
        lock.unlock()
        var attempt = 0
        while true {
            do {
                try connect()
                break
            } catch {
                attempt += 1
                if attempt > reconnectAttempts { throw error }
                usleep(100_000)
            }
        }
        reconnects += 1
        lock.lock()
        let pending = inFlight.map(\.line)
        let current = socket
        lock.unlock()
        try current?.write(pending.flatMap { $0 })
    }

    private func readAcks(from connection: UnixSocket) {
        var framer = LineFramer(maxLineLength: 1 << 20)
        while true {
            guard let chunk = try? connection.read(), !chunk.isEmpty else { break }
            framer.append(chunk)
            var acks: [PBXAck] = []
            while let frame = framer.nextLine() {
                if case .line(let line) = frame, let ack = try? PBXAck.decode(line: line) { acks.append(ack) }
            }
            guard !acks.isEmpty else { continue }
            let now = AdapterConnection.now()
            lock.lock()
            // A refusal of the connection itself (too many connections) has no event to match.
            for ack in acks where !inFlight.isEmpty {
                if case .refused(let error) = ack, error.id == nil, error.code == .unavailable { continue }
                let sent = inFlight.removeFirst()
                deliveries.append(Delivery(index: sent.index, ack: ack, latency: now - sent.sentAt))
            }
            lock.broadcast()
            lock.unlock()
        }
        lock.lock()
        // The descriptor stays open until the delivering thread retires it, so this comparison cannot match a newer
        // connection that reused the number.
        if socket?.descriptor == connection.descriptor { readerFailed = true }
        readersRunning -= 1
        lock.broadcast()
        lock.unlock()
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
