import Foundation
import Synchronization

/// The one accept loop of the daemon's Unix sockets: accepts on its own thread, admits up to a limit (refusing the
/// rest with a last word), serves each connection on a thread of its own, and stops without polling.
///
/// A thread per connection, because each connection ends in blocking calls (libpq, fsync); the limit bounds the
/// threads.
public final class ConnectionAcceptor: Sendable {
    private let listener: UnixSocket
    private let name: String
    private let maximumConnections: Int
    private let onAcceptError: @Sendable (any Error) -> Void
    private let stopping = Atomic<Bool>(false)
    private let open = OpenConnections()
    private let acceptThread = Mutex<WorkerThread?>(nil)

    /// - Parameters:
    ///   - name: names the threads (`hotline-<name>-accept`, `hotline-<name>`).
    ///   - onAcceptError: told of a failed `accept` other than the one that ends the loop (the loop then waits
    ///     briefly, so that descriptor exhaustion does not become a busy loop).
    public init(
        listener: UnixSocket,
        name: String,
        maximumConnections: Int,
        onAcceptError: @escaping @Sendable (any Error) -> Void
    ) {
        self.listener = listener
        self.name = name
        self.maximumConnections = maximumConnections
        self.onAcceptError = onAcceptError
    }

    /// Connections being served now.
    public var connectionCount: Int { open.count }

    /// Starts accepting. `serve` runs on the connection's own thread and the connection is closed after it returns;
    /// `refuse` gets a connection over the limit, to write why, before it is closed.
    public func start(
        serve: @escaping @Sendable (UnixSocket) -> Void,
        refuse: @escaping @Sendable (UnixSocket) -> Void
    ) {
        let worker = WorkerThread.start(name: "hotline-\(name)-accept") { [self] in
            acceptLoop(serve: serve, refuse: refuse)
        }
        acceptThread.withLock { $0 = worker }
    }

    /// Stops accepting and returns once the accept thread has ended; connections being served go on.
    public func stopAccepting() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        listener.shutdown()
        acceptThread.withLock { $0 }?.join()
    }

    /// Ends reading on every open connection: each one's reader sees the end of input and finishes what it read.
    public func shutdownReading() {
        open.snapshot().forEach { $0.shutdownReading() }
    }

    /// Waits until no connection is open, or until `timeout` has passed; true if none is open.
    @discardableResult
    public func waitUntilIdle(timeout: TimeInterval) -> Bool {
        open.waitUntilEmpty(until: Date().addingTimeInterval(timeout))
    }

    private func acceptLoop(
        serve: @escaping @Sendable (UnixSocket) -> Void,
        refuse: @escaping @Sendable (UnixSocket) -> Void
    ) {
        while !stopping.load(ordering: .sequentiallyConsistent) {
            let connection: UnixSocket
            do {
                guard let accepted = try listener.accept() else { break }
                connection = accepted
            } catch {
                if stopping.load(ordering: .sequentiallyConsistent) { break }
                onAcceptError(error)
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            guard open.insert(connection, limit: maximumConnections) else {
                refuse(connection)
                connection.close()
                continue
            }
            WorkerThread.start(name: "hotline-\(name)") { [open] in
                serve(connection)
                open.remove(connection)
                connection.close()
            }
        }
        listener.close()
    }

    /// The open connections, with a condition to wait on for the last one to close.
    private final class OpenConnections: @unchecked Sendable {
        private let condition = NSCondition()
        private var sockets: Set<UnixSocket> = []

        var count: Int { condition.withLock { sockets.count } }

        func snapshot() -> [UnixSocket] { condition.withLock { Array(sockets) } }

        func insert(_ socket: UnixSocket, limit: Int) -> Bool {
            condition.withLock {
                guard sockets.count < limit else { return false }
                sockets.insert(socket)
                return true
            }
        }

        func remove(_ socket: UnixSocket) {
            condition.withLock {
                sockets.remove(socket)
                condition.broadcast()
            }
        }

        func waitUntilEmpty(until deadline: Date) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while !sockets.isEmpty {
                if !condition.wait(until: deadline) { break }
            }
            return sockets.isEmpty
        }
    }
}
