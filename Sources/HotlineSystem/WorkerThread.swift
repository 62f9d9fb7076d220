import Foundation

/// A named OS thread for blocking work: libpq calls, socket reads, fsync. Such work must not run on Swift's
/// cooperative pool, where a blocked call would hold one of only a few threads.
public final class WorkerThread: Sendable {
    private let finished = DispatchSemaphore(value: 0)

    private init() {}

    /// Starts `body` on a new thread named `name` (the name shows in `top -H` and in core dumps).
    @discardableResult
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) -> WorkerThread {
        let worker = WorkerThread()
        let thread = Thread {
            body()
            worker.finished.signal()
        }
        thread.name = name
        thread.start()
        return worker
    }

    /// Blocks until the thread's body has returned. Call it from another worker thread, never from a task.
    public func join() {
        finished.wait()
        finished.signal()  // later joins return at once
    }

    /// Runs blocking `body` on a new thread and suspends the calling task (not its thread) until it returns.
    public static func run<Result: Sendable>(
        name: String,
        _ body: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            start(name: name) { continuation.resume(with: Swift.Result { try body() }) }
        }
    }
}
