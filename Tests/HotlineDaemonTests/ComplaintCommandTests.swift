import Foundation
import HotlineCore
import HotlineProtocol
import Logging
import Synchronization
import Testing

@testable import HotlineDaemon
@testable import HotlineStore

/// What the complaint commands do around the rules, against complaints in memory (issue 14): who may act, what is
/// looked up before anything is written, what follows a commit and what a refusal leaves undone. The rules
/// themselves are ComplaintWorkflow's (HotlineCoreTests); the SQL is ComplaintStore's (the integration tests).
@Suite("Complaint commands")
struct ComplaintCommandTests {
    /// Complaints in memory; each transaction works on a copy that replaces the original only when it commits.
    final class InMemoryComplaints: ComplaintRecords, @unchecked Sendable {
        struct State {
            var staff: [String: StaffMember] = [:]
            var coordination: String?
            var complaints: [String: ComplaintDetails] = [:]
            /// What the commands asked for, in order, with each transaction's end.
            var journal: [String] = []
            /// Makes the next `act` throw, as the store does when a rule refuses.
            var actFails: (any Error)?
            /// Makes reading a complaint back throw, as a lost connection would before COMMIT.
            var readFails: (any Error)?
        }
        let state = Mutex(State())

        func inOneTransaction<T>(_ work: (any ComplaintTransaction) throws -> T) throws -> T {
            let transaction = Transaction(state: state.withLock { $0 })
            do {
                let result = try work(transaction)
                state.withLock {
                    $0 = transaction.state
                    $0.journal.append("commit")
                }
                return result
            } catch {
                state.withLock { $0.journal += transaction.state.journal.dropFirst($0.journal.count) + ["rollback"] }
                throw error
            }
        }

        var journal: [String] { state.withLock { $0.journal } }

        final class Transaction: ComplaintTransaction {
            var state: State
            init(state: State) { self.state = state }

            func staff(login: String) throws -> StaffMember? {
                state.journal.append("staff \(login)")
                return state.staff[login]
            }
            func coordinationDepartment() throws -> String? {
                state.journal.append("coordination")
                return state.coordination
            }
            func matterReferences(_ codes: [String]) throws -> [MatterReference] {
                state.journal.append("matters \(codes.joined(separator: ","))")
                return []
            }
            func file(_ filing: ComplaintFiling, by actor: ActingStaff, at now: Date, context: ComplaintContext) throws
                -> (id: String, hops: [AnchoredHop])
            {
                let id = "C\(state.complaints.count + 1)"
                state.journal.append("file \(id) by \(actor.staff.login)")
                state.complaints[id] = ComplaintCommandTests.details(id, state: "open", by: actor.staff, at: now)
                return (id, [ComplaintCommandTests.hop(id, sequence: 1, at: now)])
            }
            func act(
                _ action: ComplaintAction,
                on id: String,
                by actor: ActingStaff,
                at now: Date,
                context: ComplaintContext
            ) throws -> [AnchoredHop] {
                let name = "\(action)".prefix { $0 != "(" }
                state.journal.append("act \(name) on \(id) coordination \(context.workflow.coordinationDepartment)")
                if let failure = state.actFails { throw failure }
                guard var complaint = state.complaints[id] else { throw ComplaintStoreError.complaintNotFound(id) }
                complaint.state = "transferred"
                complaint.receivingDepartment = context.workflow.coordinationDepartment
                state.complaints[id] = complaint
                return [ComplaintCommandTests.hop(id, sequence: 2, at: now)]
            }
            func merge(
                _ id: String,
                into survivor: String,
                reason: String,
                by actor: ActingStaff,
                at now: Date,
                context: ComplaintContext
            ) throws -> [AnchoredHop] {
                state.journal.append("merge \(id) into \(survivor)")
                return []
            }
            func details(_ id: String) throws -> ComplaintDetails? {
                state.journal.append("read \(id)")
                if let failure = state.readFails { throw failure }
                return state.complaints[id]
            }
            func matterTitles(_ references: [MatterReference]) throws -> [MatterReference: String] { [:] }
        }
    }

    static let zhang = StaffMember(login: "zhangsan", name: "张三", department: "SVC", roles: [.operator])
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func details(_ id: String, state: String, by staff: StaffMember, at now: Date) -> ComplaintDetails {
        var details = ComplaintDetails(
            id: id,
            state: state,
            urgent: false,
            callID: nil,
            callerName: "王五",
            callerPhone: "13800138000",
            callerAddress: nil,
            matter: "路灯不亮",
            category: nil,
            firstResponder: staff.login,
            firstResponderDepartment: staff.department,
            responsible: staff.login,
            receivingDepartment: nil,
            handler: nil,
            escalationLevel: "none",
            receivedAt: now,
            satisfaction: nil,
            satisfactionComment: nil,
            closedAt: nil,
            mergedInto: nil
        )
        details.deadlines = [
            DeadlineDetails(
                kind: "transfer",
                department: staff.department,
                startedAt: now,
                dueAt: now.addingTimeInterval(3600),
                state: "pending",
                metAt: nil,
                breachedAt: nil,
                explanation: ""
            )
        ]
        return details
    }

    static func hop(_ id: String, sequence: Int, at now: Date) -> AnchoredHop {
        AnchoredHop(
            complaintID: id,
            sequence: sequence,
            hash: Array(repeating: UInt8(sequence), count: 32),
            atMicroseconds: Int64(now.timeIntervalSince1970 * 1_000_000)
        )
    }

    /// How often the scheduler was told that deadlines changed.
    final class WakeUps: Sendable {
        let count = Mutex(0)
    }

    /// A handler over `records`, with a manual clock, anchors in a fresh directory and a count of scheduler wake-ups.
    struct Fixture {
        let handler: ControlHandler
        let records: InMemoryComplaints
        let clock: ManualClock
        let anchorDirectory: String
        let wakeUps = WakeUps()

        init() throws {
            records = InMemoryComplaints()
            records.state.withLock {
                $0.staff = [zhang.login: zhang]
                $0.coordination = "COORD"
            }
            clock = ManualClock(start: ComplaintCommandTests.start)
            anchorDirectory = NSTemporaryDirectory() + "hotline-complaint-commands-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: anchorDirectory, withIntermediateDirectories: true)
            let logger = Logger(label: "complaint-command-tests")
            let wakeUps = self.wakeUps
            let rules = ComplaintContext(
                workflow: WorkflowPolicy(),
                deadlines: DeadlinePolicy(),
                calendar: WorkCalendar()
            )
            handler = ControlHandler(
                // Never connected: every complaint command goes to `records`.
                database: try PostgresSession(
                    conninfo: "host=/nonexistent dbname=none",
                    label: "tests",
                    logger: logger
                ),
                schema: SchemaGate(logger: logger),
                rules: RuleBook(rules),
                clock: clock,
                timeZone: TimeZone(identifier: "Asia/Shanghai")!,
                logger: logger,
                anchors: try AnchorLog(stateDirectory: anchorDirectory, logger: logger),
                statusSource: { DaemonStatus() },
                deadlinesChanged: { wakeUps.count.withLock { $0 += 1 } },
                complaintRecords: records,
                qaRecords: QACommandTests.NoFigures()
            )
        }

        /// Every anchor line written under the directory.
        var anchorLines: [String] {
            let files = FileManager.default.enumerator(atPath: anchorDirectory)?.compactMap { $0 as? String } ?? []
            return files.filter { $0.hasSuffix(".log") }.flatMap { file in
                ((try? String(contentsOfFile: anchorDirectory + "/" + file, encoding: .utf8)) ?? "")
                    .split(separator: "\n").map(String.init)
            }
        }
    }

    let operatorCaller = Caller.staff(zhang, actingFor: nil, administrator: false)

    @Test("filing is one transaction that writes, then reads back; the hop is anchored and the scheduler woken after")
    func file() throws {
        let fixture = try Fixture()
        let answer = try fixture.handler.fileComplaint(
            ComplaintFiling(matter: "路灯不亮"),
            caller: operatorCaller,
            language: .en
        )
        #expect(fixture.records.journal == ["coordination", "file C1 by zhangsan", "read C1", "commit"])
        #expect(answer["id"]?.stringValue == "C1")
        #expect(answer["state"]?.stringValue == "open")
        // The time left is the injected clock's: the answer is made inside the transaction, not from the wall clock.
        #expect(answer["deadlines"]?.arrayValue?.first?["seconds_left"]?.intValue == 3600)
        #expect(fixture.anchorLines.count == 1)
        #expect(fixture.anchorLines.first?.contains("C1") == true)
        #expect(fixture.wakeUps.count.withLock { $0 } == 1)
    }

    @Test("hops are anchored only once committed: a failure after the write, before COMMIT, anchors nothing")
    func anchorsAfterCommit() throws {
        struct ConnectionLost: Error {}
        let fixture = try Fixture()
        fixture.records.state.withLock { $0.readFails = ConnectionLost() }
        #expect(throws: ConnectionLost.self) {
            try fixture.handler.fileComplaint(ComplaintFiling(matter: "路灯不亮"), caller: operatorCaller, language: .en)
        }
        #expect(fixture.records.journal == ["coordination", "file C1 by zhangsan", "read C1", "rollback"])
        #expect(fixture.records.state.withLock { $0.complaints.isEmpty })
        #expect(fixture.anchorLines.isEmpty)
        #expect(fixture.wakeUps.count.withLock { $0 } == 0)
    }

    @Test("an administrator without --as is refused naming the staff role, before any transaction")
    func administratorRefused() throws {
        let fixture = try Fixture()
        let error = #expect(throws: ControlError.self) {
            try fixture.handler.fileComplaint(
                ComplaintFiling(matter: "路灯不亮"),
                caller: .administrator("root"),
                language: .en
            )
        }
        #expect(error?.code == .refused)
        #expect(error?.role == "staff")
        #expect(fixture.records.journal.isEmpty)
        #expect(fixture.wakeUps.count.withLock { $0 } == 0)
    }

    @Test("a transfer uses the coordination office flagged in the directory, and answers what it reads after the write")
    func transfer() throws {
        let fixture = try Fixture()
        _ = try fixture.handler.fileComplaint(ComplaintFiling(matter: "路灯不亮"), caller: operatorCaller, language: .en)
        try fixture.clock.advance(by: 600)
        let answer = try fixture.handler.act(
            .transfer(to: "WATER", reason: "水务"),
            on: "C1",
            caller: operatorCaller,
            language: .en
        )
        #expect(
            Array(fixture.records.journal.dropFirst(4)) == [
                "coordination", "act transfer on C1 coordination COORD", "read C1", "commit",
            ]
        )
        #expect(answer["state"]?.stringValue == "transferred")
        #expect(answer["receiving_department"]?.stringValue == "COORD")
        #expect(answer["deadlines"]?.arrayValue?.first?["seconds_left"]?.intValue == 3000)
        #expect(fixture.anchorLines.count == 2)
        #expect(fixture.wakeUps.count.withLock { $0 } == 2)
    }

    @Test("accept --handler naming nobody is not found, names the argument, and writes, anchors and wakes nothing")
    func unknownHandler() throws {
        let fixture = try Fixture()
        _ = try fixture.handler.fileComplaint(ComplaintFiling(matter: "路灯不亮"), caller: operatorCaller, language: .en)
        let error = #expect(throws: ControlError.self) {
            try fixture.handler.act(.accept(handler: "nobody"), on: "C1", caller: operatorCaller, language: .en)
        }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("--handler") == true)
        #expect(Array(fixture.records.journal.dropFirst(4)) == ["staff nobody", "rollback"])
        #expect(fixture.anchorLines.count == 1)
        #expect(fixture.wakeUps.count.withLock { $0 } == 1)
    }

    @Test("when the store refuses the action, the transaction rolls back: no anchor, no wake-up, the state unchanged")
    func storeRefuses() throws {
        let fixture = try Fixture()
        _ = try fixture.handler.fileComplaint(ComplaintFiling(matter: "路灯不亮"), caller: operatorCaller, language: .en)
        fixture.records.state.withLock { $0.actFails = ComplaintStoreError.complaintNotFound("C1") }
        #expect(throws: ComplaintStoreError.self) {
            try fixture.handler.act(
                .transfer(to: "WATER", reason: "水务"),
                on: "C1",
                caller: operatorCaller,
                language: .en
            )
        }
        #expect(fixture.records.journal.last == "rollback")
        #expect(fixture.records.state.withLock { $0.complaints["C1"]?.state } == "open")
        #expect(fixture.anchorLines.count == 1)
        #expect(fixture.wakeUps.count.withLock { $0 } == 1)
    }
}
