import HotlineCore
import HotlineProtocol
import Synchronization
import Testing

@testable import HotlineDaemon

/// The identity rules of the control socket (SPEC §6) against an in-memory roster: the seam between the handler
/// and the store (issue 14), so that no database is needed to check who may do what as whom.
@Suite("Caller identification")
struct CallerIdentificationTests {
    /// An in-memory roster that counts its lookups.
    final class InMemoryRoster: StaffRoster {
        let members: [String: StaffMember]
        let lookups = Mutex<[String]>([])
        init(_ members: [StaffMember]) {
            self.members = Dictionary(uniqueKeysWithValues: members.map { ($0.login, $0) })
        }
        func staff(login: String) throws -> StaffMember? {
            lookups.withLock { $0.append(login) }
            return members[login]
        }
    }

    /// A roster whose database is down.
    struct UnreachableRoster: StaffRoster {
        struct Down: Error {}
        func staff(login: String) throws -> StaffMember? { throw Down() }
    }

    static let zhang = StaffMember(login: "zhangsan", name: "张三", department: "SVC", roles: [.operator])
    static let hotline = StaffMember(login: "hotline", name: "热线", department: "SVC", roles: [.supervisor])
    let daemonUID: UInt32 = 990
    let roster = InMemoryRoster([zhang, hotline])

    func identify(uid: UInt32, user: String?, actAs: String? = nil, language: Language = .en) throws -> Caller {
        try CallerIdentification(roster: roster, daemonUID: daemonUID)
            .identify(uid: uid, userName: user, actAs: actAs, language: language)
    }

    @Test("root is an administrator without a staff record, and never looked up")
    func root() throws {
        guard case .administrator("root") = try identify(uid: 0, user: "root") else {
            Issue.record("root is not an administrator")
            return
        }
        #expect(roster.lookups.withLock { $0 }.isEmpty)
    }

    @Test("root acts for a staff member with --as, recorded as acting for them")
    func rootActsAs() throws {
        let caller = try identify(uid: 0, user: "root", actAs: "zhangsan")
        guard case .staff(let member, let actingFor, let administrator) = caller else {
            Issue.record("--as did not give a staff member")
            return
        }
        #expect(member == Self.zhang)
        #expect(actingFor == "root")
        #expect(!administrator)
        #expect(caller.name == "root as zhangsan")
    }

    @Test("--as an unknown login is not found, in the reader's language")
    func actAsUnknown() {
        #expect(throws: ControlError(code: .notFound, message: "--as wangwu: no such staff member")) {
            try identify(uid: 0, user: "root", actAs: "wangwu")
        }
        #expect(throws: ControlError(code: .notFound, message: "--as wangwu：没有这名工作人员")) {
            try identify(uid: 0, user: "root", actAs: "wangwu", language: .zh)
        }
    }

    @Test("--as is refused to anyone but root and the daemon's user, naming the role root")
    func actAsRefused() throws {
        do {
            _ = try identify(uid: 1000, user: "zhangsan", actAs: "hotline")
            Issue.record("a staff member acted as another")
        } catch let error as ControlError {
            #expect(error.code == .refused)
            #expect(error.role == "root")
            #expect(error.message.contains("zhangsan acts as itself"))
        }
    }

    @Test("a staff member is the one whose login is their Unix user name")
    func staffByUserName() throws {
        guard case .staff(let member, nil, false) = try identify(uid: 1000, user: "zhangsan") else {
            Issue.record("zhangsan is not identified as staff")
            return
        }
        #expect(member == Self.zhang)
    }

    @Test("the daemon's own user: an administrator without a record, a staff member who keeps the role with one")
    func daemonUser() throws {
        guard case .administrator("hotline-svc") = try identify(uid: daemonUID, user: "hotline-svc") else {
            Issue.record("the daemon's user without a record is not an administrator")
            return
        }
        guard case .staff(let member, nil, true) = try identify(uid: daemonUID, user: "hotline") else {
            Issue.record("the daemon's user with a record is not staff and administrator")
            return
        }
        #expect(member == Self.hotline)
        guard
            case .staff(_, "hotline-svc", false) = try identify(uid: daemonUID, user: "hotline-svc", actAs: "zhangsan")
        else {
            Issue.record("the daemon's user cannot act as a staff member")
            return
        }
    }

    @Test("a Unix user without a staff record is refused, naming the role staff and how to add them")
    func unknownUser() throws {
        do {
            _ = try identify(uid: 1001, user: "lisi")
            Issue.record("an unknown user was let in")
        } catch let error as ControlError {
            #expect(error.code == .refused)
            #expect(error.role == "staff")
            #expect(error.message.contains("hotlinectl staff add lisi"))
        }
        do {
            _ = try identify(uid: 1002, user: nil)
            Issue.record("a uid without a user name was let in")
        } catch let error as ControlError {
            #expect(error.message.contains("Unix user uid 1002 has no staff record"))
        }
    }

    @Test("a roster that cannot answer is an error, never an administrator")
    func rosterDown() {
        let identification = CallerIdentification(roster: UnreachableRoster(), daemonUID: daemonUID)
        #expect(throws: UnreachableRoster.Down.self) {
            try identification.identify(uid: daemonUID, userName: "hotline", actAs: nil, language: .en)
        }
        #expect(throws: UnreachableRoster.Down.self) {
            try identification.identify(uid: 1000, userName: "zhangsan", actAs: nil, language: .en)
        }
    }
}
