import HotlineCore
import Testing

@testable import HotlineProtocol

@Suite("Typed control replies keep the v1 --json shape")
struct ControlReplyTests {
    @Test("a call with its events is one flat object, absent fields null, and reads back")
    func callDetails() throws {
        let view = CallDetailsView(
            call: CallView(
                call: "1701",
                from: "13800138000",
                fromName: nil,
                to: "12345",
                queue: "complaints",
                offeredAt: "2026-11-30T09:00:00+08:00",
                answeredAt: nil,
                endedAt: nil,
                outcome: "in_progress",
                firstResponder: nil,
                answeredBy: []
            ),
            events: [CallDetailsView.Event(id: "e1", type: "offered", at: "t1", receivedAt: "t2")]
        )
        let json = view.json
        guard case .object(let members) = json else {
            Issue.record("not an object: \(json)")
            return
        }
        #expect(
            members.map(\.0) == [
                "call", "from", "from_name", "to", "queue", "offered_at", "answered_at", "ended_at", "outcome",
                "first_responder", "answered_by", "events",
            ]
        )
        #expect(json["from_name"] == .null && json["answered_by"] == .array([]))
        #expect(json["events"]?.arrayValue?.first?["received_at"] == .string("t2"))
        #expect(try CallDetailsView(json: json) == view)
    }

    @Test("QA rows: escalations and call answers in the v1 field order, nulls written, and read back")
    func qaRows() throws {
        let escalation = QAEscalationRow(
            complaint: "42",
            kind: "transfer_overdue",
            level: "qa",
            department: "SVC",
            at: "2026-11-30T10:00:00+08:00",
            by: nil
        )
        let row = escalation.json
        #expect(row.objectKeys == ["complaint", "kind", "level", "department", "at", "by"])
        #expect(row["by"] == .null && row["level"] == .string("qa"))
        #expect(try QAEscalationRow(json: row) == escalation)

        let answers = [
            QACallAnswerRow(scope: .hotline, queue: nil, offered: 3, answered: 2, answerRate: 0.6667),
            QACallAnswerRow(scope: .queue, queue: "complaints", offered: 0, answered: 0, answerRate: nil),
        ]
        let rows = answers.json.arrayValue ?? []
        #expect(
            rows.map(\.objectKeys)
                == Array(repeating: ["scope", "queue", "offered", "answered", "answer_rate"], count: 2)
        )
        #expect(rows.first?["answer_rate"] == .double(0.6667) && rows.first?["offered"] == .int(3))
        #expect(rows.last?["answer_rate"] == .null && rows.first?["queue"] == .null)
        #expect(try [QACallAnswerRow](json: answers.json) == answers)
    }

    @Test("audit.hops: complaint, hop and hash of each stored hop, and reads back")
    func storedHops() throws {
        let reply = StoredHopHashes(hops: [
            StoredHopHashes.Hop(complaint: "7", hop: 2, hash: String(repeating: "ab", count: 32))
        ])
        let json = reply.json
        #expect(json["hops"]?.arrayValue?.first?.objectKeys == ["complaint", "hop", "hash"])
        #expect(json["hops"]?.arrayValue?.first?["hop"] == .int(2))
        #expect(try StoredHopHashes(json: json) == reply)
    }

    @Test("status: field names of the stable contract, and a missing field is an error that names it")
    func status() throws {
        let report = StatusReport(
            version: "0.1.0",
            database: "ok",
            spoolDepth: 0,
            pendingDeadlines: 3,
            pbxConnections: 1,
            clock: "manual",
            now: "2026-12-01T09:00:00+08:00",
            state: "running",
            calendarOfficialThrough: "2026-12-31",
            warnings: ["w"]
        )
        guard case .object(let members) = report.json else {
            Issue.record("not an object")
            return
        }
        #expect(
            members.map(\.0) == [
                "version", "database", "spool_depth", "pending_deadlines", "pbx_connections", "clock", "now", "state",
                "calendar_official_through", "warnings",
            ]
        )
        #expect(try StatusReport(json: report.json) == report)
        let error = #expect(throws: DecodingError.self) { try StatusReport(json: .object([("version", .string("x"))])) }
        guard case .keyNotFound(let key, _)? = error else {
            Issue.record("expected keyNotFound, got \(String(describing: error))")
            return
        }
        #expect(key.stringValue == "database")
    }

    @Test("directory records: roles in rank order, coordination named as on the wire")
    func directory() throws {
        let member = StaffMember(
            login: "lisi",
            name: "李四",
            department: "QA",
            rank: 5,
            roles: [.supervisor, .qa],
            extension: nil
        )
        let json = StaffRecord(member).json
        #expect(json["roles"] == .array([.string("supervisor"), .string("qa")]))
        #expect(json["extension"] == .null)
        let department = DepartmentRecord(Department(code: "QA", name: "质检部", isCoordination: true))
        #expect(department.json["coordination"] == .bool(true))
        #expect(try DepartmentRecord(json: department.json).department.isCoordination)
    }
}

extension JSONValue {
    /// An object's keys in order; empty for anything else.
    fileprivate var objectKeys: [String] {
        guard case .object(let members) = self else { return [] }
        return members.map(\.0)
    }
}
