import Foundation
import HotlineCore
import HotlineProtocol
import Logging
import Synchronization
import Testing

@testable import HotlineDaemon
@testable import HotlineStore

/// What the QA commands do around the SQL, against figures in memory (issue 14): who may ask, which instants a
/// period and its trend steps stand for, and that a report reads one snapshot. The SQL is QAQueries' (the
/// integration tests); grading is QAGradingPolicy's (HotlineCoreTests).
@Suite("QA commands")
struct QACommandTests {
    /// Reads nothing; for handlers whose tests never ask for QA figures.
    struct NoFigures: QARecords {
        func inOneSnapshot<T>(_ read: (any QASnapshot) throws -> T) throws -> T {
            Issue.record("a QA snapshot was opened")
            throw ControlError(code: .internalError, message: "no QA figures in this test")
        }
    }

    /// Figures in memory: one department row and one hotline-wide answer count for any span, and a journal of
    /// every read, each snapshot opened counted.
    final class InMemoryFigures: QARecords, QASnapshot, @unchecked Sendable {
        let journal = Mutex<[String]>([])

        func inOneSnapshot<T>(_ read: (any QASnapshot) throws -> T) throws -> T {
            journal.withLock { $0.append("snapshot") }
            return try read(self)
        }

        private func note(_ what: String, _ from: Date?, _ to: Date?) {
            let format = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
            let span = "\(from.map { $0.formatted(format) } ?? "-") \(to.map { $0.formatted(format) } ?? "-")"
            journal.withLock { $0.append("\(what) \(span)") }
        }

        func departmentStats(from: Date, to: Date) throws -> [QADepartmentRow] {
            note("stats", from, to)
            return [
                QADepartmentRow(
                    department: "SVC",
                    counts: QACountFigures { _ in 4 },
                    satisfactionMean: nil,
                    rates: QARateFigures { _ in QARateFigure(numerator: 3, denominator: 4, rate: 0.75) },
                    desk: QACountFigures { _ in 0 }
                )
            ]
        }

        func callAnswers(from: Date, to: Date) throws -> [QACallAnswerRow] {
            note("calls", from, to)
            return [QACallAnswerRow(scope: .hotline, queue: nil, offered: 10, answered: 9, answerRate: 0.9)]
        }

        func deskTotals(from: Date, to: Date) throws -> QACountFigures<QADeskFigure> {
            note("desk", from, to)
            return QACountFigures { _ in 1 }
        }

        func escalations(from: Date?, to: Date?, department: String?, timeZone: TimeZone) throws
            -> [QAEscalationRow]
        {
            note("escalations \(department ?? "all") \(timeZone.identifier)", from, to)
            return []
        }
    }

    static let qaStaff = StaffMember(login: "wangwu", name: "王五", department: "QA", roles: [.qa])
    static let operatorStaff = StaffMember(login: "zhangsan", name: "张三", department: "SVC", roles: [.operator])

    let figures = InMemoryFigures()

    func handler() throws -> ControlHandler {
        let logger = Logger(label: "qa-command-tests")
        let anchors = NSTemporaryDirectory() + "hotline-qa-commands-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: anchors, withIntermediateDirectories: true)
        return ControlHandler(
            // Never connected: every QA command goes to `figures`.
            database: try PostgresSession(conninfo: "host=/nonexistent dbname=none", label: "tests", logger: logger),
            schema: SchemaGate(logger: logger),
            rules: RuleBook(
                ComplaintContext(workflow: WorkflowPolicy(), deadlines: DeadlinePolicy(), calendar: WorkCalendar())
            ),
            clock: ManualClock(start: Date(timeIntervalSince1970: 1_796_000_000)),
            timeZone: TimeZone(identifier: "Asia/Shanghai")!,
            logger: logger,
            anchors: try AnchorLog(stateDirectory: anchors, logger: logger),
            statusSource: { DaemonStatus() },
            deadlinesChanged: {},
            complaintRecords: NoComplaints(),
            qaRecords: figures
        )
    }

    @Test("an operator is refused naming the qa role, before any figure is read")
    func operatorRefused() throws {
        let handler = try handler()
        let caller = Caller.staff(Self.operatorStaff, actingFor: nil, administrator: false)
        let period = try #require(ReportingPeriod(parsing: "2026-11"))
        let stats = #expect(throws: ControlError.self) {
            try handler.qaStats(period, assessment: true, caller: caller, language: .en)
        }
        #expect(stats?.code == .refused)
        #expect(stats?.role == "qa")
        let escalations = #expect(throws: ControlError.self) {
            try handler.qaEscalations(from: nil, to: nil, department: nil, caller: caller, language: .zh)
        }
        #expect(escalations?.role == "qa")
        #expect(figures.journal.withLock { $0 }.isEmpty)
    }

    @Test("a quarter's assessment reads one snapshot: the quarter, then each month of its trend, midnight to midnight")
    func assessmentInOneSnapshot() throws {
        let handler = try handler()
        let caller = Caller.staff(Self.qaStaff, actingFor: nil, administrator: false)
        let reply = try QAAssessmentReply(
            json: handler.qaStats(
                try #require(ReportingPeriod(parsing: "2026-Q4")),
                assessment: true,
                caller: caller,
                language: .en
            )
        )
        #expect(
            figures.journal.withLock { $0 } == [
                "snapshot",
                "stats 2026-10-01T00:00:00+0800 2027-01-01T00:00:00+0800",
                "calls 2026-10-01T00:00:00+0800 2027-01-01T00:00:00+0800",
                "stats 2026-10-01T00:00:00+0800 2026-11-01T00:00:00+0800",
                "calls 2026-10-01T00:00:00+0800 2026-11-01T00:00:00+0800",
                "stats 2026-11-01T00:00:00+0800 2026-12-01T00:00:00+0800",
                "calls 2026-11-01T00:00:00+0800 2026-12-01T00:00:00+0800",
                "stats 2026-12-01T00:00:00+0800 2027-01-01T00:00:00+0800",
                "calls 2026-12-01T00:00:00+0800 2027-01-01T00:00:00+0800",
                "desk 2026-10-01T00:00:00+0800 2027-01-01T00:00:00+0800",
            ]
        )
        #expect(reply.to == "2026-12-31")
        #expect(reply.trend.map(\.label) == ["2026-10", "2026-11", "2026-12"])
        #expect(reply.trend.map(\.answered) == [9, 9, 9])
        // The department row comes back graded and ranked.
        #expect(reply.departments.first?.rank == 1)
    }

    @Test("escalations --to includes its last day: the span ends at the next midnight in the centre's zone")
    func escalationsToIsInclusive() throws {
        let handler = try handler()
        let caller = Caller.staff(Self.qaStaff, actingFor: nil, administrator: false)
        _ = try handler.qaEscalations(
            from: LocalDate(year: 2026, month: 11, day: 1),
            to: LocalDate(year: 2026, month: 11, day: 30),
            department: "SVC",
            caller: caller,
            language: .en
        )
        #expect(
            figures.journal.withLock { $0 } == [
                "snapshot",
                "escalations SVC Asia/Shanghai 2026-11-01T00:00:00+0800 2026-12-01T00:00:00+0800",
            ]
        )
    }
}

/// No complaints; the QA tests never touch them.
private struct NoComplaints: ComplaintRecords {
    func inOneTransaction<T>(_ work: (any ComplaintTransaction) throws -> T) throws -> T {
        throw ControlError(code: .internalError, message: "no complaints in this test")
    }
}
