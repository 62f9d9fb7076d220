import Foundation
import HotlineAdapter
import HotlineProtocol
import HotlineSystem
import Testing

/// The bridge's sender delivers each batch of events with a fresh `AdapterConnection.deliver`; each must end its
/// connection, or hotlined (256 connections at most) stops taking the bridge's events after 256 batches.
@Suite("Adapter connection: one delivery, one connection, closed")
struct AdapterConnectionTests {
    @Test("after each of 20 deliveries the daemon's side of the connection reads end of file")
    func deliveriesCloseTheirConnections() throws {
        let directory = "/tmp/hl-adapter-" + String(UUID().uuidString.prefix(8))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/pbx.sock"
        let listener = try UnixSocket.listen(path: path, mode: 0o600, group: nil)
        defer { listener.close() }
        let closed = Counter()
        // A daemon stand-in: acknowledges every line, and counts the connections whose client hung up.
        Thread.detachNewThread {
            while let connection = try? listener.accept() {
                Thread.detachNewThread {
                    defer { connection.close() }
                    while let bytes = try? connection.read(), !bytes.isEmpty {
                        for line in bytes.split(separator: UInt8(ascii: "\n")) {
                            let event = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
                            let id = event?["id"] as? String ?? ""
                            try? connection.write(Array("{\"ok\":true,\"id\":\"\(id)\"}\n".utf8))
                        }
                    }
                    closed.increment()
                }
            }
        }
        let connection = AdapterConnection(path: path, window: 10, reconnectAttempts: 0)
        for batch in 0..<20 {
            let line =
                #"{"v":1,"id":"t-\#(batch)","type":"agent.login","at":"2026-11-30T09:00:00+08:00","agent":"8001","staff":"zhangsan"}"#
            let deliveries = try connection.deliver([Array(line.utf8)])
            #expect(deliveries.count == 1)
        }
        let until = Date().addingTimeInterval(10)
        while closed.value < 20 && Date() < until { Thread.sleep(forTimeInterval: 0.05) }
        #expect(closed.value == 20, "connections still open in the daemon: \(20 - closed.value)")
    }
}

extension AdapterConnectionTests {
    @Test("a connection dropped midway: what was not acked is resent on a new one, and all is acked in order")
    func batchedWritesSurviveADroppedConnection() throws {
        let directory = "/tmp/hl-adapter-" + String(UUID().uuidString.prefix(8))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/pbx.sock"
        let listener = try UnixSocket.listen(path: path, mode: 0o600, group: nil)
        defer { listener.close() }
        let connections = Counter()
        // A daemon stand-in: the first connection acks 150 lines and hangs up; later ones ack everything.
        Thread.detachNewThread {
            while let connection = try? listener.accept() {
                let number = connections.value
                connections.increment()
                Thread.detachNewThread {
                    defer { connection.close() }
                    var acked = 0
                    var partial: [UInt8] = []
                    while let bytes = try? connection.read(), !bytes.isEmpty {
                        partial += bytes
                        while let end = partial.firstIndex(of: UInt8(ascii: "\n")) {
                            let line = Array(partial[..<end])
                            partial.removeSubrange(...end)
                            if number == 0 && acked == 150 { return }
                            let event = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
                            let id = event?["id"] as? String ?? ""
                            try? connection.write(Array("{\"ok\":true,\"id\":\"\(id)\"}\n".utf8))
                            acked += 1
                        }
                    }
                }
            }
        }
        let lines = (0..<1000).map { index in
            Array(
                #"{"v":1,"id":"b-\#(index)","type":"call.ended","at":"2026-11-30T09:00:00+08:00","call":"c\#(index)","cause":"normal"}"#
                    .utf8
            )
        }
        let deliveries = try AdapterConnection(path: path, window: 300, reconnectAttempts: 20).deliver(lines)
        #expect(deliveries.map(\.index) == Array(0..<1000))
        let ids = deliveries.map { delivery -> String? in
            if case .accepted(let id, _) = delivery.ack { return id }
            return nil
        }
        #expect(ids == (0..<1000).map { "b-\($0)" })
        #expect(connections.value >= 2)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }

    func increment() { lock.withLock { count += 1 } }
}
