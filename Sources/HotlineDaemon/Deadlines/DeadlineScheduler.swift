import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging
import Synchronization

/// Fires warnings and breaches when they come due (SPEC §3), and closes cases whose quiet period ended (SPEC §2).
///
/// Two threads, each with its own connection: each asks PostgreSQL for the earliest pending moment, sleeps until
/// then (at most a second, so a deadline created meanwhile is never missed by more than that), and claims what is
/// due with `FOR UPDATE SKIP LOCKED` in batches, so that both share a burst of deadlines due together (10,000 in
/// one second took 1.3 s on one connection, measured). Nothing but the next moment is kept in memory, however many deadlines are pending;
/// deadlines that came due while no daemon ran fire at the first pass after start-up, marked late.
public final class DeadlineScheduler: Sendable {
    private let conninfo: String
    private let schema: SchemaGate
    private let clock: any HotlineClock
    private let rules: RuleBook
    private let timeZone: TimeZone
    private let logger: Logger
    private let anchors: AnchorLog
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let threads = Mutex<[WorkerThread]>([])
    private let fired = Atomic<Int>(0)
    /// The journal lines and metrics of what fired, written off the scheduler threads: 2,500 lines took 20 to 40 ms,
    /// which the next batch of a burst waited for (measured). One serial queue keeps them in firing order.
    private let announcements = DispatchQueue(label: "hotline-deadline-announcements")
    /// Most rows claimed by one transaction; the loop comes straight back for more.
    static let batch = 2500
    static let workers = 2

    public init(
        conninfo: String,
        schema: SchemaGate,
        clock: any HotlineClock,
        rules: RuleBook,
        timeZone: TimeZone,
        anchors: AnchorLog,
        logger: Logger
    ) {
        self.anchors = anchors
        self.conninfo = conninfo
        self.schema = schema
        self.clock = clock
        self.rules = rules
        self.timeZone = timeZone
        self.logger = logger
    }

    /// Deadlines fired (breaches and warnings) since start.
    public var firedCount: Int { fired.load(ordering: .relaxed) }

    public func start() {
        let started = (0..<DeadlineScheduler.workers).map { worker in
            WorkerThread.start(name: "hotline-deadlines-\(worker)") { [self] in run() }
        }
        threads.withLock { $0 = started }
    }

    /// Lets the pass in progress finish, then returns.
    public func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        for _ in 0..<DeadlineScheduler.workers { wakeUp.signal() }
        threads.withLock { $0 }.forEach { $0.join() }
        announcements.sync {}
    }

    /// Look again now: the manual clock moved, or a transition created a deadline.
    public func wake() {
        for _ in 0..<DeadlineScheduler.workers { wakeUp.signal() }
    }

    private func run() {
        var connection: PGConnection?
        while !stopped.load(ordering: .sequentiallyConsistent) {
            var pause: TimeInterval = 1
            do {
                if connection == nil || connection?.isOpen == false {
                    connection?.close()
                    let made = try PGConnection(conninfo: conninfo)
                    try schema.ensure(made)
                    connection = made
                }
                pause = try pass(on: connection!)
            } catch {
                logger.error("deadline scheduler: \(error)")
                connection?.close()
                connection = nil
            }
            _ = wakeUp.wait(timeout: .now() + pause)
        }
        connection?.close()
    }

    /// Fires what is due and returns how long to sleep.
    private func pass(on connection: PGConnection) throws -> TimeInterval {
        let now = clock.now()
        let passStart = Date()
        let rules = rules.current
        var events = try DeadlineStore.warnDue(
            at: now,
            limit: DeadlineScheduler.batch,
            qaDepartment: rules.workflow.qaDepartment,
            timeZone: timeZone,
            on: connection
        )
        events += try DeadlineStore.fireDue(
            at: now,
            limit: DeadlineScheduler.batch,
            policy: rules.deadlines,
            calendar: rules.calendar,
            qaDepartment: rules.workflow.qaDepartment,
            timeZone: timeZone,
            on: connection
        )
        if !events.isEmpty {
            logger.debug(
                "deadline pass",
                metadata: ["events": "\(events.count)", "seconds": "\(Date().timeIntervalSince(passStart))"]
            )
            fired.add(events.count, ordering: .relaxed)
            let announced = events
            announcements.async { [self] in announce(announced) }
            // A full batch means more may be due: come straight back.
            if events.count >= DeadlineScheduler.batch { return 0 }
        }
        // SPEC §2: resolved and replied cases close after the quiet period; claimed like deadlines, so each closes
        // once however many daemons run.
        let (closed, closingHops) = try ComplaintStore.closeQuietCases(at: now, context: rules, on: connection)
        anchors.anchorCommitted(closingHops, logger: logger)
        for id in closed {
            logger.info(
                "complaint closed after its quiet period without feedback",
                metadata: ["complaint_id": "\(id)", "by": "\(ActingStaff.daemon.login)"]
            )
        }
        if closed.count >= ComplaintStore.quietCloseBatch { return 0 }
        // R12: urgent notices unread for [policy] urgent_read_within go to the general managers, once.
        if case .wallClock(let minutes) = rules.deadlines.urgentReadWithin {
            let escalated = try NoticeStore.escalateUnreadUrgent(
                at: now,
                unreadSince: now.addingTimeInterval(-Double(minutes) * 60),
                limit: 100,
                on: connection
            )
            for complaint in escalated {
                logger.notice(
                    "urgent notice unread; sent on to the general managers",
                    metadata: ["complaint_id": "\(complaint)", "EVENT_ID": "urgent_unread"]
                )
            }
        }
        guard let next = try DeadlineStore.nextDue(on: connection) else { return 1 }
        return min(1, max(0.01, next.timeIntervalSince(clock.now())))
    }

    /// The journal (or stderr), and the configured notification command; NOTIFY went out with the commit.
    private func announce(_ events: [DeadlineEvent]) {
        for event in events {
            DaemonMetrics.deadlineFired(
                kind: event.deadlineKind.rawValue,
                event: event.kind.rawValue,
                late: event.kind == .breach ? event.firedAt.timeIntervalSince(event.dueAt) : nil
            )
            let level: Logger.Level = event.kind == .breach ? .warning : .notice
            logger.log(
                level: level,
                "deadline \(event.kind.rawValue): \(event.notice)",
                metadata: [
                    "complaint_id": "\(event.complaint)", "deadline": "\(event.deadlineKind)",
                    "department": "\(event.department)", "late": "\(event.late)",
                ]
            )
        }
        let notification = rules.notification
        guard let command = notification.command, !command.isEmpty else { return }
        let payloads = events.map { $0.json(timeZone: timeZone).serialized() }
        let timeout = notification.timeout
        let logger = logger
        // Off the scheduler thread: a slow or failing command must never delay the next deadline.
        WorkerThread.start(name: "hotline-notify") {
            for payload in payloads {
                NotificationCommand.run(command, input: payload, timeout: timeout, logger: logger)
            }
        }
    }
}

/// Runs the configured notification command (an SMS gateway script, say) with one event as JSON on stdin.
enum NotificationCommand {
    static func run(_ command: String, input: String, timeout: TimeInterval, logger: Logger) {
        let directory = FileManager.default.temporaryDirectory.path
        let inputPath = directory + "/hotline-notify-\(UUID().uuidString).json"
        let outputPath = inputPath + ".out"
        defer {
            try? FileManager.default.removeItem(atPath: inputPath)
            try? FileManager.default.removeItem(atPath: outputPath)
        }
        do {
            try input.write(toFile: inputPath, atomically: true, encoding: .utf8)
            let child = try ChildProcess.spawn(
                "/bin/sh",
                ["-c", command],
                stdoutPath: outputPath,
                stdinPath: inputPath
            )
            guard let status = try child.wait(timeout: timeout) else {
                child.signal(SIGKILL)
                _ = try? child.wait()
                logger.error("notification command timed out after \(Int(timeout)) s and was killed")
                return
            }
            if status != 0 {
                let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
                logger.error("notification command failed with status \(status): \(output.prefix(500))")
            }
        } catch {
            logger.error("notification command could not run: \(error)")
        }
    }
}
