import Foundation
import HotlineCore

/// Every request the control socket takes (SPEC §6), typed: `hotlinectl` builds one, the daemon decodes one, and
/// both use the same checks. On the wire it is `{"command": "<name>", "args": {…}}` inside ``ControlRequest``.
public enum ControlCommand: Sendable, Equatable {
    case status
    case departmentAdd(Department)
    case departmentList
    case staffAdd(StaffMember)
    case staffList(department: String?)
    case calls(CallListQuery)
    case callShow(call: String)
    case clockAdvance(seconds: Int)
    case clockSet(Date)
    case complaintFile(ComplaintFiling)
    case complaintShow(id: String)
    case complaintList(ComplaintListQuery)
    /// One of the verbs that act on a complaint (R3–R16).
    case complaint(id: String, ComplaintVerb)
    case calendarImport(file: String, content: String)
    case calendarShow(month: YearMonth?)
    case qaEscalations(from: LocalDate?, to: LocalDate?, department: String?)
    /// `assessment`: the whole assessment (totals, calls, trend, grading rules), not only the department rows.
    case qaStats(period: ReportingPeriod, assessment: Bool)
    /// `audit verify`; `anchors` are anchor files of other daemons (or copies kept elsewhere), sent as text
    /// because the daemon may not be able to read where `hotlinectl` can.
    case auditVerify(id: String?, anchors: [AnchorChain.File] = [])
    /// `audit seal --period P`: the Merkle root of the period's hops (``PeriodSeal``).
    case auditSeal(period: ReportingPeriod)
    /// Every stored hop's hash (of complaint `id` only, when given): what `hotlinectl audit verify --journal`
    /// compares with the journal it reads itself. A page at a time: the hops of at most `complaints` complaints
    /// whose ids come after `after` (all of them without `complaints`, as before paging).
    case auditHops(id: String?, after: String? = nil, complaints: Int? = nil)
    /// Follow warnings and breaches as they fire (one JSON line each), until the client goes away; `mine`: the
    /// caller's notices instead, as they are written.
    case watch(mine: Bool)
    /// `duty set`: a leader's shift on the duty roster (SPEC §10).
    case dutySet(login: String, from: Date, to: Date)
    /// `duty show`: the shifts in force at a moment, or all that have not ended.
    case dutyShow(at: Date?)
    /// `inbox`: my notices, unread first; `all` with the read ones.
    case inbox(all: Bool)
    /// `inbox read`: my read receipt on these notices, or on all of mine.
    case inboxRead(ids: [Int64], all: Bool)
    /// `notices failed`: the deliveries hotline-notifier gave up on.
    case noticesFailed
    /// `notices retry`: a notice's given-up deliveries, queued again.
    case noticesRetry(id: Int64)
    /// `metrics`: the daemon's metrics in the Prometheus text format.
    case metrics
    /// `matter add`: a new matter of the knowledge base, version 1 (SPEC §12).
    case matterAdd(Matter)
    /// `matter edit`: a new version of a matter with these fields changed.
    case matterEdit(code: String, MatterChanges)
    /// `matter show`: the current version, or the one asked for.
    case matterShow(code: String, version: Int?)
    /// `matter list`: every matter's current version, optionally of one department.
    case matterList(department: String?)
    /// `matter search`: matters ranked for a text, title and keyword hits first.
    case matterSearch(text: String, limit: Int)
    /// `matter import`: a CSV file's matters, all or none.
    case matterImport(file: String, content: String)
    /// `caller show`: a number's calls and complaints, open complaints first.
    case callerShow(phone: PhoneNumber)
    /// `callback list`: missed and abandoned calls to ring back (漏接回拨), open ones first.
    case callbackList(openOnly: Bool, limit: Int)
    /// `callback done`: one attempt to ring a caller back.
    case callbackDone(call: String, outcome: CallbackOutcome, note: String?)
    /// `complaint merge`: close a duplicate into the case that carries on (并单).
    case complaintMerge(id: String, into: String, reason: String)
}

/// `calls [--active|--missed] [--since T] [--limit N]`.
public struct CallListQuery: Sendable, Equatable {
    public enum Filter: String, Sendable, Equatable, Codable, CaseIterable {
        case all
        /// Calls still in progress.
        case active
        /// Calls nobody answered (missed or abandoned): the call-back list.
        case missed
    }

    public var filter: Filter
    public var since: Date?
    /// 1…100,000.
    public var limit: Int

    public init(filter: Filter = .all, since: Date? = nil, limit: Int = 100) {
        self.filter = filter
        self.since = since
        self.limit = limit
    }
}

/// `complaint list [--mine] [--dept D] [--state S] [--overdue] [--limit N]`.
public struct ComplaintListQuery: Sendable, Equatable {
    public var mine: Bool
    public var department: String?
    public var state: ComplaintState?
    public var overdue: Bool
    public var limit: Int

    public init(
        mine: Bool = false,
        department: String? = nil,
        state: ComplaintState? = nil,
        overdue: Bool = false,
        limit: Int = 100
    ) {
        self.mine = mine
        self.department = department
        self.state = state
        self.overdue = overdue
        self.limit = limit
    }
}

/// A verb that acts on one complaint, with staff named by login (the daemon looks them up).
public enum ComplaintVerb: Sendable, Equatable {
    /// `told`: codes of the matters told to the caller (SPEC §12); the daemon records their current versions.
    case resolve(answer: String, told: [String] = [])
    case transfer(to: String, reason: String)
    case accept(handler: String?)
    case returnToCoordination(reason: String)
    case reroute(to: String, reason: String)
    case reply(result: String)
    case urge(note: String?)
    case escalate(to: EscalationLevel, reason: String)
    case handover(to: String, approvedBy: String)
    case extend(by: Allowance, reason: String, approvedBy: String)
    case feedback(satisfaction: Int, comment: String?)

    /// The word after `complaint` on the command line and in the wire name (`complaint.return`).
    public var name: String {
        switch self {
        case .resolve: return "resolve"
        case .transfer: return "transfer"
        case .accept: return "accept"
        case .returnToCoordination: return "return"
        case .reroute: return "reroute"
        case .reply: return "reply"
        case .urge: return "urge"
        case .escalate: return "escalate"
        case .handover: return "handover"
        case .extend: return "extend"
        case .feedback: return "feedback"
        }
    }
}

extension ControlCommand {
    /// The most complaints one `audit.hops` page may ask for: a page stays a few tens of megabytes.
    public static let maximumHopsPage = 100_000
}
