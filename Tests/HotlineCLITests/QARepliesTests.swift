import HotlineCore
import Testing

@testable import HotlineCLI
@testable import HotlineProtocol

/// QA's figures as typed replies (issue 14): `qa.stats`'s department rows and the whole assessment are encoded by
/// the daemon and decoded by hotlinectl through the same types, keeping the v1 wire shape byte for byte.
@Suite("QA replies")
struct QARepliesTests {
    /// `qa.stats` for 2026-11 as the daemon answered before the reply types existed (main at 1dbf4e6: three
    /// departments, two complaints, three calls, `[qa]` with grade C at 50 % of replies and 66.67 % of transfers),
    /// the `result` of the response line, byte for byte.
    static let capturedRows = #"""
        [{"department":"INST","received":0,"resolved_on_spot":0,"transferred_out":0,"transferred_in":1,"replied_in_t\#
        ime":1,"replied_late":0,"transfer_overdue":0,"reply_overdue":0,"misroutes":0,"escalations_qa":0,"escalations\#
        _vp":0,"escalations_gm":0,"extensions":0,"redos":0,"satisfaction_mean":5.0,"transfer_on_time_numerator":0,"t\#
        ransfer_on_time_denominator":0,"transfer_on_time_rate":null,"reply_on_time_numerator":1,"reply_on_time_denom\#
        inator":1,"reply_on_time_rate":1.0,"satisfaction_numerator":1,"satisfaction_denominator":1,"satisfaction_rat\#
        e":1.0,"feedback_numerator":1,"feedback_denominator":1,"feedback_rate":1.0,"missed_calls":0,"called_back":0,\#
        "repeat_callers":0,"grade":"A","rank":1},{"department":"QA","received":0,"resolved_on_spot":0,"transferred_o\#
        ut":0,"transferred_in":0,"replied_in_time":0,"replied_late":0,"transfer_overdue":0,"reply_overdue":0,"misrou\#
        tes":0,"escalations_qa":0,"escalations_vp":0,"escalations_gm":0,"extensions":0,"redos":0,"satisfaction_mean"\#
        :null,"transfer_on_time_numerator":0,"transfer_on_time_denominator":0,"transfer_on_time_rate":null,"reply_on\#
        _time_numerator":0,"reply_on_time_denominator":0,"reply_on_time_rate":null,"satisfaction_numerator":0,"satis\#
        faction_denominator":0,"satisfaction_rate":null,"feedback_numerator":0,"feedback_denominator":0,"feedback_ra\#
        te":null,"missed_calls":0,"called_back":0,"repeat_callers":0,"grade":null,"rank":null},{"department":"SVC","\#
        received":2,"resolved_on_spot":1,"transferred_out":1,"transferred_in":0,"replied_in_time":0,"replied_late":0\#
        ,"transfer_overdue":0,"reply_overdue":0,"misroutes":0,"escalations_qa":0,"escalations_vp":0,"escalations_gm"\#
        :0,"extensions":0,"redos":0,"satisfaction_mean":4.0,"transfer_on_time_numerator":1,"transfer_on_time_denomin\#
        ator":1,"transfer_on_time_rate":1.0,"reply_on_time_numerator":0,"reply_on_time_denominator":0,"reply_on_time\#
        _rate":null,"satisfaction_numerator":1,"satisfaction_denominator":1,"satisfaction_rate":1.0,"feedback_numera\#
        tor":1,"feedback_denominator":1,"feedback_rate":1.0,"missed_calls":1,"called_back":0,"repeat_callers":1,"gra\#
        de":"A","rank":1}]
        """#

    /// The same month's `qa.stats` with `"assessment": true`, captured the same way.
    static let capturedAssessment = #"""
        {"period":"2026-11","from":"2026-11-01","to":"2026-11-30","departments":[{"department":"INST","received":0,"\#
        resolved_on_spot":0,"transferred_out":0,"transferred_in":1,"replied_in_time":1,"replied_late":0,"transfer_ov\#
        erdue":0,"reply_overdue":0,"misroutes":0,"escalations_qa":0,"escalations_vp":0,"escalations_gm":0,"extension\#
        s":0,"redos":0,"satisfaction_mean":5.0,"transfer_on_time_numerator":0,"transfer_on_time_denominator":0,"tran\#
        sfer_on_time_rate":null,"reply_on_time_numerator":1,"reply_on_time_denominator":1,"reply_on_time_rate":1.0,"\#
        satisfaction_numerator":1,"satisfaction_denominator":1,"satisfaction_rate":1.0,"feedback_numerator":1,"feedb\#
        ack_denominator":1,"feedback_rate":1.0,"missed_calls":0,"called_back":0,"repeat_callers":0,"grade":"A","rank\#
        ":1},{"department":"QA","received":0,"resolved_on_spot":0,"transferred_out":0,"transferred_in":0,"replied_in\#
        _time":0,"replied_late":0,"transfer_overdue":0,"reply_overdue":0,"misroutes":0,"escalations_qa":0,"escalatio\#
        ns_vp":0,"escalations_gm":0,"extensions":0,"redos":0,"satisfaction_mean":null,"transfer_on_time_numerator":0\#
        ,"transfer_on_time_denominator":0,"transfer_on_time_rate":null,"reply_on_time_numerator":0,"reply_on_time_de\#
        nominator":0,"reply_on_time_rate":null,"satisfaction_numerator":0,"satisfaction_denominator":0,"satisfaction\#
        _rate":null,"feedback_numerator":0,"feedback_denominator":0,"feedback_rate":null,"missed_calls":0,"called_ba\#
        ck":0,"repeat_callers":0,"grade":null,"rank":null},{"department":"SVC","received":2,"resolved_on_spot":1,"tr\#
        ansferred_out":1,"transferred_in":0,"replied_in_time":0,"replied_late":0,"transfer_overdue":0,"reply_overdue\#
        ":0,"misroutes":0,"escalations_qa":0,"escalations_vp":0,"escalations_gm":0,"extensions":0,"redos":0,"satisfa\#
        ction_mean":4.0,"transfer_on_time_numerator":1,"transfer_on_time_denominator":1,"transfer_on_time_rate":1.0,\#
        "reply_on_time_numerator":0,"reply_on_time_denominator":0,"reply_on_time_rate":null,"satisfaction_numerator"\#
        :1,"satisfaction_denominator":1,"satisfaction_rate":1.0,"feedback_numerator":1,"feedback_denominator":1,"fee\#
        dback_rate":1.0,"missed_calls":1,"called_back":0,"repeat_callers":1,"grade":"A","rank":1}],"totals":{"transf\#
        er_on_time_numerator":1,"transfer_on_time_denominator":1,"transfer_on_time_rate":1.0,"reply_on_time_numerato\#
        r":1,"reply_on_time_denominator":1,"reply_on_time_rate":1.0,"satisfaction_numerator":2,"satisfaction_denomin\#
        ator":2,"satisfaction_rate":1.0,"feedback_numerator":2,"feedback_denominator":2,"feedback_rate":1.0,"missed_\#
        calls":2,"called_back":0,"repeat_callers":1},"calls":[{"scope":"hotline","queue":null,"offered":3,"answered"\#
        :1,"answer_rate":0.3333},{"scope":"queue","queue":"SVC","offered":2,"answered":1,"answer_rate":0.5},{"scope"\#
        :"queue","queue":null,"offered":1,"answered":0,"answer_rate":0.0}],"trend":[{"label":"11-01","from":"2026-11\#
        -01","to":"2026-11-01","transfer_on_time_numerator":0,"transfer_on_time_denominator":0,"transfer_on_time_rat\#
        e":null,"reply_on_time_numerator":0,"reply_on_time_denominator":0,"reply_on_time_rate":null,"satisfaction_nu\#
        merator":0,"satisfaction_denominator":0,"satisfaction_rate":null,"feedback_numerator":0,"feedback_denominato\#
        r":0,"feedback_rate":null,"offered":0,"answered":0,"answer_rate":null},{"label":"11-02–11-08","from":"2026-1\#
        1-02","to":"2026-11-08","transfer_on_time_numerator":1,"transfer_on_time_denominator":1,"transfer_on_time_ra\#
        te":1.0,"reply_on_time_numerator":1,"reply_on_time_denominator":1,"reply_on_time_rate":1.0,"satisfaction_num\#
        erator":2,"satisfaction_denominator":2,"satisfaction_rate":1.0,"feedback_numerator":2,"feedback_denominator"\#
        :2,"feedback_rate":1.0,"offered":3,"answered":1,"answer_rate":0.3333},{"label":"11-09–11-15","from":"2026-11\#
        -09","to":"2026-11-15","transfer_on_time_numerator":0,"transfer_on_time_denominator":0,"transfer_on_time_rat\#
        e":null,"reply_on_time_numerator":0,"reply_on_time_denominator":0,"reply_on_time_rate":null,"satisfaction_nu\#
        merator":0,"satisfaction_denominator":0,"satisfaction_rate":null,"feedback_numerator":0,"feedback_denominato\#
        r":0,"feedback_rate":null,"offered":0,"answered":0,"answer_rate":null},{"label":"11-16–11-22","from":"2026-1\#
        1-16","to":"2026-11-22","transfer_on_time_numerator":0,"transfer_on_time_denominator":0,"transfer_on_time_ra\#
        te":null,"reply_on_time_numerator":0,"reply_on_time_denominator":0,"reply_on_time_rate":null,"satisfaction_n\#
        umerator":0,"satisfaction_denominator":0,"satisfaction_rate":null,"feedback_numerator":0,"feedback_denominat\#
        or":0,"feedback_rate":null,"offered":0,"answered":0,"answer_rate":null},{"label":"11-23–11-29","from":"2026-\#
        11-23","to":"2026-11-29","transfer_on_time_numerator":0,"transfer_on_time_denominator":0,"transfer_on_time_r\#
        ate":null,"reply_on_time_numerator":0,"reply_on_time_denominator":0,"reply_on_time_rate":null,"satisfaction_\#
        numerator":0,"satisfaction_denominator":0,"satisfaction_rate":null,"feedback_numerator":0,"feedback_denomina\#
        tor":0,"feedback_rate":null,"offered":0,"answered":0,"answer_rate":null},{"label":"11-30","from":"2026-11-30\#
        ","to":"2026-11-30","transfer_on_time_numerator":0,"transfer_on_time_denominator":0,"transfer_on_time_rate":\#
        null,"reply_on_time_numerator":0,"reply_on_time_denominator":0,"reply_on_time_rate":null,"satisfaction_numer\#
        ator":0,"satisfaction_denominator":0,"satisfaction_rate":null,"feedback_numerator":0,"feedback_denominator":\#
        0,"feedback_rate":null,"offered":0,"answered":0,"answer_rate":null}],"grading":{"minimum_cases":1,"threshold\#
        s":{"A":{"transfer_on_time":95.0,"reply_on_time":95.0,"satisfaction":90.0,"feedback":0.0},"B":{"transfer_on_\#
        time":85.0,"reply_on_time":85.0,"satisfaction":80.0,"feedback":0.0},"C":{"transfer_on_time":66.67,"reply_on_\#
        time":50.0,"satisfaction":60.0,"feedback":0.0}}}}
        """#

    static func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test("the captured department rows decode to their figures and encode back to the same bytes")
    func capturedDepartmentRows() throws {
        let rows = try [QADepartmentRow](json: try Self.parse(Self.capturedRows))
        #expect(rows.map(\.department) == ["INST", "QA", "SVC"])
        let inst = rows[0]
        #expect(inst.counts[.transferredIn] == 1)
        #expect(inst.counts[.repliedInTime] == 1)
        #expect(inst.counts[.received] == 0)
        #expect(inst.satisfactionMean == 5)
        #expect(inst.rates[.transferOnTime] == .none)
        #expect(inst.rates[.replyOnTime] == QARateFigure(numerator: 1, denominator: 1, rate: 1))
        #expect(inst.grade == .a)
        #expect(inst.rank == 1)
        #expect(inst.seal == nil)
        let qa = rows[1]
        #expect(qa.satisfactionMean == nil)
        #expect(QAMeasure.departmental.allSatisfy { qa.rates[$0] == .none })
        #expect(qa.grade == nil)
        #expect(qa.rank == nil)
        let svc = rows[2]
        #expect(svc.counts[.received] == 2)
        #expect(svc.counts[.resolvedOnSpot] == 1)
        #expect(svc.rates[.transferOnTime].ratio == QARatio(1, of: 1))
        #expect(svc.desk[.missedCalls] == 1)
        #expect(svc.desk[.calledBack] == 0)
        #expect(svc.desk[.repeatCallers] == 1)
        #expect(rows.json.serialized() == Self.capturedRows)
    }

    @Test("the captured assessment decodes to its figures and encodes back to the same bytes")
    func capturedAssessment() throws {
        let reply = try QAAssessmentReply(json: try Self.parse(Self.capturedAssessment))
        #expect(reply.period == "2026-11")
        #expect(reply.from == "2026-11-01")
        #expect(reply.to == "2026-11-30")
        #expect(reply.departments.map(\.department) == ["INST", "QA", "SVC"])
        #expect(reply.departments.map(\.grade) == [.a, nil, .a])
        #expect(reply.totals.rates[.satisfaction] == QARateFigure(numerator: 2, denominator: 2, rate: 1))
        #expect(reply.totals.desk[.missedCalls] == 2)
        #expect(reply.totals.desk[.repeatCallers] == 1)
        #expect(
            reply.calls == [
                QACallAnswerRow(scope: .hotline, queue: nil, offered: 3, answered: 1, answerRate: 0.3333),
                QACallAnswerRow(scope: .queue, queue: "SVC", offered: 2, answered: 1, answerRate: 0.5),
                QACallAnswerRow(scope: .queue, queue: nil, offered: 1, answered: 0, answerRate: 0),
            ]
        )
        #expect(reply.hotlineCalls?.ratio == QARatio(1, of: 3))
        #expect(
            reply.trend.map(\.label) == ["11-01", "11-02–11-08", "11-09–11-15", "11-16–11-22", "11-23–11-29", "11-30"]
        )
        let week = reply.trend[1]
        #expect(week.from == "2026-11-02")
        #expect(week.to == "2026-11-08")
        #expect(week.rates[.satisfaction].ratio == QARatio(2, of: 2))
        #expect(week.answerRatio == QARatio(1, of: 3))
        #expect(week.answerRate == 0.3333)
        #expect(reply.trend[0].answerRate == nil)
        var policy = QAGradingPolicy.standard
        try policy.setThreshold(.c, .replyOnTime, percent: 50)
        try policy.setThreshold(.c, .transferOnTime, percent: 66.67)
        #expect(reply.grading.policy == policy)
        #expect(reply.json.serialized() == Self.capturedAssessment)
        // What hotlinectl shows reads the typed reply: ranking order, the hotline's ratios, the queues.
        let view = QAAssessmentView(reply, names: ["SVC": "客服部"])
        #expect(view.departments.map(\.name) == ["INST", "客服部", "QA"])
        #expect(view.totals[.feedback] == QARatio(2, of: 2))
        #expect(view.deskTotals[.missedCalls] == 2)
        #expect(view.hotlineCalls == QARatio(1, of: 3))
        #expect(view.queues.map(\.name) == ["SVC", nil])
        #expect(view.trend[1].ratios[.answer] == QARatio(1, of: 3))
    }

    @Test("the CSV of qa stats has the documented columns, rates with four decimals, null as an empty cell")
    func statsCSV() throws {
        let rows = try [QADepartmentRow](json: try Self.parse(Self.capturedRows))
        let csv = QAOutput.csv(header: QAOutput.statsColumns, rows: rows.map(QAOutput.statsCells))
        // As hotlinectl printed it before the reply types.
        let expected =
            "\u{FEFF}department,received,resolved_on_spot,transferred_out,transferred_in,replied_in_time,replied_late,"
            + "transfer_overdue,reply_overdue,misroutes,escalations_qa,escalations_vp,escalations_gm,extensions,redos,"
            + "satisfaction_mean,transfer_on_time_numerator,transfer_on_time_denominator,transfer_on_time_rate,"
            + "reply_on_time_numerator,reply_on_time_denominator,reply_on_time_rate,satisfaction_numerator,"
            + "satisfaction_denominator,satisfaction_rate,feedback_numerator,feedback_denominator,feedback_rate,grade,"
            + "rank,missed_calls,called_back,repeat_callers\r\n"
            + "INST,0,0,0,1,1,0,0,0,0,0,0,0,0,0,5.00,0,0,,1,1,1.0000,1,1,1.0000,1,1,1.0000,A,1,0,0,0\r\n"
            + "QA,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,0,0,,0,0,,0,0,,0,0,,,,0,0,0\r\n"
            + "SVC,2,1,1,0,0,0,0,0,0,0,0,0,0,0,4.00,1,1,1.0000,0,0,,1,1,1.0000,1,1,1.0000,A,1,1,0,1\r\n"
        #expect(csv == expected)
    }

    @Test("a reply survives encoding and decoding; the seal is the last field of a row, and absent without one")
    func roundTrip() throws {
        let rates = QARateFigures { measure in
            measure == .satisfaction
                ? QARateFigure(numerator: 2, denominator: 3, rate: 0.6667)
                : QARateFigure(numerator: 0, denominator: 0, rate: nil)
        }
        let row = QADepartmentRow(
            department: "客服部 \"SVC\"",
            counts: QACountFigures { $0 == .redos ? 2 : 7 },
            satisfactionMean: 4.25,
            rates: rates,
            desk: QACountFigures { $0 == .calledBack ? 1 : 3 },
            grade: .b,
            rank: 2
        )
        #expect(try QADepartmentRow(json: row.json) == row)
        #expect(row.json["seal"] == nil)
        var sealed = row
        sealed.seal = String(repeating: "ab", count: 32)
        guard case .object(let members) = sealed.json else {
            Issue.record("a row is an object")
            return
        }
        #expect(members.last?.0 == "seal")
        #expect(
            members.map(\.0) == QAOutput.statsColumns.filter { $0 != "grade" && $0 != "rank" } + [
                "grade", "rank", "seal",
            ]
        )
        #expect(try QADepartmentRow(json: sealed.json) == sealed)

        var policy = QAGradingPolicy()
        try policy.setMinimumCases(5)
        try policy.setThreshold(.a, .feedback, percent: 92.5)
        let reply = QAAssessmentReply(
            period: "2026-Q4",
            from: "2026-10-01",
            to: "2026-12-31",
            departments: [row],
            totals: QATotalsRow(rates: QARateFigures.sum([rates, rates]), desk: QACountFigures { _ in 4 }),
            calls: [QACallAnswerRow(scope: .hotline, queue: nil, offered: 0, answered: 0, answerRate: nil)],
            trend: [
                QATrendStep(
                    label: "10月",
                    from: "2026-10-01",
                    to: "2026-10-31",
                    rates: rates,
                    offered: nil,
                    answered: nil,
                    answerRate: nil
                )
            ],
            grading: QAGradingRules(policy)
        )
        let decoded = try QAAssessmentReply(json: try Self.parse(reply.json.serialized()))
        #expect(decoded == reply)
        // The totals add numerators and denominators and round the share to four decimals: 4 of 6.
        #expect(reply.totals.rates[.satisfaction] == QARateFigure(numerator: 4, denominator: 6, rate: 0.6667))
    }

    /// The captured rows with one field of one row replaced (nil: removed).
    static func rows(changing field: String, of department: String, to value: JSONValue?) throws -> JSONValue {
        guard case .array(let rows) = try parse(capturedRows) else { return .null }
        return .array(
            rows.map { row in
                guard case .object(var members) = row, row["department"] == .string(department) else { return row }
                if let value {
                    members = members.map { $0.0 == field ? ($0.0, value) : $0 }
                } else {
                    members.removeAll { $0.0 == field }
                }
                return .object(members)
            }
        )
    }

    @Test(
        "a malformed department row is a decoding error, not a row skipped or read as zero",
        arguments: [
            ("received", nil), ("feedback_rate", nil), ("satisfaction_mean", nil), ("repeat_callers", nil),
            ("grade", nil), ("rank", nil), ("received", .string("2")), ("received", .double(2.5)),
            ("transfer_on_time_rate", .string("1.0")), ("grade", .string("E")), ("rank", .string("1")),
            ("department", .null),
        ] as [(String, JSONValue?)]
    )
    func malformedRow(field: String, value: JSONValue?) throws {
        let rows = try Self.rows(changing: field, of: "SVC", to: value)
        #expect(throws: DecodingError.self) { try [QADepartmentRow](json: rows) }
    }

    @Test("a malformed assessment is a decoding error: totals, calls, trend and grading rules included")
    func malformedAssessment() throws {
        let captured = try Self.parse(Self.capturedAssessment)
        func changing(_ path: [String], _ edit: (inout [(String, JSONValue)]) -> Void) -> JSONValue {
            func walk(_ value: JSONValue, _ path: ArraySlice<String>) -> JSONValue {
                if case .array(let elements) = value {
                    return .array(elements.enumerated().map { $0.offset == 0 ? walk($0.element, path) : $0.element })
                }
                guard case .object(var members) = value else { return value }
                guard let first = path.first else {
                    edit(&members)
                    return .object(members)
                }
                members = members.map { $0.0 == first ? ($0.0, walk($0.1, path.dropFirst())) : $0 }
                return .object(members)
            }
            return walk(captured, path[...])
        }
        let broken: [JSONValue] = [
            changing([]) { $0.removeAll { $0.0 == "trend" } },
            changing(["totals"]) { $0.removeAll { $0.0 == "missed_calls" } },
            changing(["calls"]) { $0.removeAll { $0.0 == "offered" } },
            // A scope other than the whole hotline or one queue.
            changing(["calls"]) { $0 = $0.map { $0.0 == "scope" ? ($0.0, .string("department")) : $0 } },
            changing(["trend"]) { $0.removeAll { $0.0 == "answer_rate" } },
            changing(["trend"]) { $0 = $0.map { $0.0 == "offered" ? ($0.0, .string("3")) : $0 } },
            changing(["grading"]) { $0.removeAll { $0.0 == "minimum_cases" } },
            changing(["grading"]) { $0 = $0.map { $0.0 == "minimum_cases" ? ($0.0, .int(0)) : $0 } },
            changing(["grading", "thresholds", "B"]) {
                $0 = $0.map { $0.0 == "satisfaction" ? ($0.0, .double(150)) : $0 }
            },
            // B asking more than A for the same rate is no policy.
            changing(["grading", "thresholds", "B"]) { $0 = $0.map { $0.0 == "feedback" ? ($0.0, .double(50)) : $0 } },
            changing(["grading", "thresholds"]) { $0.removeAll { $0.0 == "C" } },
        ]
        #expect(try QAAssessmentReply(json: captured).json == captured)
        for (index, value) in broken.enumerated() {
            #expect(throws: DecodingError.self, "case \(index)") { try QAAssessmentReply(json: value) }
        }
    }
}
