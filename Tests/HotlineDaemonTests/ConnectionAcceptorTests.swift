import Foundation
import HotlineSystem
import Synchronization
import Testing

/// The one accept loop (issue 14) on a real Unix socket: the limit, the refusal, and a drain that waits on a
/// condition instead of polling.
@Suite("Connection acceptor")
struct ConnectionAcceptorTests {
    @Test("admits up to the limit, refuses the rest with a last word, and drains when the clients leave")
    func limitAndDrain() throws {
        let path = "/tmp/hotline-acceptor-\(getpid())-\(UUID().uuidString.prefix(8)).sock"
        defer { unlink(path) }
        let listener = try UnixSocket.listen(path: path, mode: 0o600, group: nil)
        let acceptor = ConnectionAcceptor(listener: listener, name: "test", maximumConnections: 1) { _ in }
        let served = Atomic<Int>(0)
        acceptor.start(
            serve: { connection in
                served.add(1, ordering: .sequentiallyConsistent)
                // Echo until the client goes or reading is shut down.
                while let chunk = try? connection.read(), !chunk.isEmpty { try? connection.write(chunk) }
            },
            refuse: { try? $0.write(Array("busy\n".utf8)) }
        )
        let first = try UnixSocket.connect(path: path)
        try first.write(Array("hello".utf8))
        #expect(try first.read() == Array("hello".utf8))
        #expect(acceptor.connectionCount == 1)

        let second = try UnixSocket.connect(path: path)
        #expect(try second.read() == Array("busy\n".utf8))
        #expect(try second.read().isEmpty)  // closed after the refusal
        second.close()

        acceptor.stopAccepting()
        #expect(throws: (any Error).self) {
            let late = try UnixSocket.connect(path: path)
            late.close()
        }
        // Still serving the admitted client: the drain waits for it, up to its timeout.
        #expect(!acceptor.waitUntilIdle(timeout: 0.2))
        first.close()
        #expect(acceptor.waitUntilIdle(timeout: 10))
        #expect(acceptor.connectionCount == 0)
        #expect(served.load(ordering: .sequentiallyConsistent) == 1)
    }

    @Test("shutting reading down ends every reader, so a drain finishes without the clients")
    func shutdownReading() throws {
        let path = "/tmp/hotline-acceptor-\(getpid())-\(UUID().uuidString.prefix(8)).sock"
        defer { unlink(path) }
        let listener = try UnixSocket.listen(path: path, mode: 0o600, group: nil)
        let acceptor = ConnectionAcceptor(listener: listener, name: "test", maximumConnections: 4) { _ in }
        acceptor.start(
            serve: { connection in while let chunk = try? connection.read(), !chunk.isEmpty {} },
            refuse: { _ in }
        )
        let clients = try (0..<3).map { _ in try UnixSocket.connect(path: path) }
        defer { clients.forEach { $0.close() } }
        for client in clients { try client.write(Array("x".utf8)) }
        // Wait (bounded) until the acceptor has admitted all three.
        let admitted = Date().addingTimeInterval(10)
        while acceptor.connectionCount < 3 && Date() < admitted { usleep(1000) }
        #expect(acceptor.connectionCount == 3)
        acceptor.stopAccepting()
        acceptor.shutdownReading()
        #expect(acceptor.waitUntilIdle(timeout: 10))
    }
}
