import Synchronization

/// Wakes one waiting loop early (a new delivery row, a notification, a reload, shutdown), or lets it sleep until
/// a timeout. A ring while nobody waits is kept, so a wake-up is never lost between a check and the wait; a
/// spurious wake-up only costs the loop one more look.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when rung (or already rung since the last wait), or after `timeout`. One waiter at a time.
    func wait(timeout: Duration) async {
        let alreadyRung = state.withLock { state in
            defer { state.rung = false }
            return state.rung
        }
        if alreadyRung { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.rung {
                            state.rung = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                // Rings even when cancelled, so the waiter above always returns and the group can finish.
                try? await Task.sleep(for: timeout)
                self.ring()
            }
            await group.next()
            group.cancelAll()
        }
    }
}
