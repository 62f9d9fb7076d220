import Foundation
import HotlineSystem
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// A part of the daemon that works on threads of its own, because its work ends in blocking calls (libpq, socket
/// reads, fsync): started when its service runs, drained on graceful shutdown.
protocol ThreadedPart: Sendable {
    func start()
    /// Finishes what was taken in, then returns (blocking).
    func drain()
}

extension PBXServer: ThreadedPart {
    func drain() { stop() }
}

extension ControlServer: ThreadedPart {
    func drain() { stop() }
}

extension EventIngestor: ThreadedPart {
    func drain() { stop() }
}

extension DeadlineScheduler: ThreadedPart {
    func drain() { stop() }
}

/// One threaded part as a service of the daemon's ``ServiceGroup``. The group shuts its services down one at a
/// time in reverse order, which is what makes the drain order right: the PBX socket stops reading before the
/// ingest commits its last batch.
struct ThreadedService: Service, CustomStringConvertible {
    let description: String
    let part: any ThreadedPart
    let startup: Startup

    func run() async throws {
        part.start()
        startup.started()
        // Returns on graceful shutdown and throws on cancellation; either way the part is drained.
        try? await gracefulShutdown()
        let part = part
        try await WorkerThread.run(name: "hotline-drain") { part.drain() }
    }
}

/// Counts the parts that have started, so that systemd hears READY=1 only once every socket is served.
final class Startup: Sendable {
    private let state: Mutex<(remaining: Int, waiting: [CheckedContinuation<Void, Never>])>

    init(parts: Int) {
        state = Mutex((parts, []))
    }

    func started() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.remaining -= 1
            guard state.remaining <= 0 else { return [] }
            defer { state.waiting = [] }
            return state.waiting
        }
        ready.forEach { $0.resume() }
    }

    func allStarted() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.remaining <= 0 { return true }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// What systemd sees: READY=1 once every part has started, the watchdog, `STATUS=` every 5 s (with the holiday
/// schedules other daemons imported, picked up every 30 s), and STOPPING=1 when shutdown begins.
struct SystemdService: Service, CustomStringConvertible {
    let description = "systemd"
    let startup: Startup
    let ingestor: EventIngestor
    let pbx: PBXServer
    let scheduler: DeadlineScheduler
    let calendarWatch: CalendarWatch
    let logger: Logger

    func run() async throws {
        await startup.allStarted()
        Systemd.ready(status: "serving" + calendarWatch.statusSuffix)
        logger.info("hotlined ready", metadata: ["version": "\(HotlineVersion.current)"])
        calendarWatch.logWarnings()
        await withTaskGroup(of: Void.self) { group in
            if let interval = Systemd.watchdogInterval {
                group.addTask {
                    while !Task.isCancelled {
                        Systemd.watchdog()
                        try? await Task.sleep(for: interval / 2)
                    }
                }
            }
            group.addTask { await reportStatus() }
            // The loops end when shutdown begins, not when the group is done with the other services.
            try? await gracefulShutdown()
            group.cancelAll()
        }
        Systemd.stopping()
        logger.info("hotlined stopping: draining PBX connections")
    }

    private func reportStatus() async {
        var previous = ingestor.storedCount
        var round = 0
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(5)) } catch { return }
            round += 1
            // Every 30 s: holiday schedules another daemon imported.
            if round % 6 == 0, await calendarWatch.refreshImports() { scheduler.wake() }
            calendarWatch.logWarnings()
            let stored = ingestor.storedCount
            Systemd.status(
                "\(ingestor.isDatabaseReachable ? "serving" : "degraded: database unreachable"); "
                    + "\(pbx.connectionCount) PBX connections; \((stored - previous) / 5) events/s; "
                    + "spool \(ingestor.spoolDepth)" + calendarWatch.statusSuffix
            )
            previous = stored
        }
    }
}

/// SIGHUP: reload the configuration, and look at the deadlines again if the rules changed.
struct ReloadService: Service, CustomStringConvertible {
    let description = "reload"
    let hangups: UnixSignalsSequence
    let reloader: ConfigurationReloader
    let scheduler: DeadlineScheduler
    let logger: Logger

    func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading the configuration")
            if reloader.reload() { scheduler.wake() }
        }
    }
}

/// `[metrics] textfile`: the Prometheus text file for node_exporter, rewritten every 15 s.
struct MetricsFileService: Service, CustomStringConvertible {
    let description = "metrics-textfile"
    let metrics: MetricsWriter
    let logger: Logger

    func run() async throws {
        guard metrics.path != nil else {
            try? await gracefulShutdown()
            return
        }
        while true {
            metrics.write(logger: logger)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(15)) }
            } catch {
                return
            }
        }
    }
}
