import HotlineCore
import HotlineProtocol
import HotlineStore

/// Who works at the centre, as far as telling who is on the control socket needs: the seam between the identity
/// rules below and the store, so that the rules are tested against an in-memory roster.
protocol StaffRoster: Sendable {
    /// The staff member with this login, or nil.
    func staff(login: String) throws -> StaffMember?
}

/// The roster in PostgreSQL.
struct StoredStaffRoster: StaffRoster {
    let database: PostgresSession

    func staff(login: String) throws -> StaffMember? {
        try database.withConnectionBlocking { connection in try StaffDirectory.staff(login: login, on: connection) }
    }
}

/// Tells who is asking (SPEC §6). Root, and the Unix user hotlined runs as, are administrators of this daemon (as
/// the user who runs initdb is PostgreSQL's bootstrap superuser), and act for any staff member with `--as`;
/// everyone else is the staff member whose login is their Unix user name. Under the packaged unit the daemon's
/// user is `hotline`, which no person logs in as.
struct CallerIdentification: Sendable {
    let roster: any StaffRoster
    /// The Unix user the daemon runs as.
    let daemonUID: UInt32

    /// - Parameters:
    ///   - userName: the peer's Unix user name, nil when the system has none for its uid.
    func identify(uid: UInt32, userName: String?, actAs: String?, language: Language) throws -> Caller {
        let userName = uid == 0 ? "root" : userName ?? "uid \(uid)"
        let administrator = uid == 0 || uid == daemonUID
        if let login = actAs {
            guard administrator else {
                throw ControlError(
                    code: .refused,
                    role: "root",
                    zh: "--as 仅限 root（及运行 hotlined 的用户）使用；Unix 用户 \(userName) 只能以本人身份操作",
                    en: "--as is for root only (and the user hotlined runs as); Unix user \(userName) acts as itself",
                    language: language
                )
            }
            guard let member = try roster.staff(login: login) else {
                throw ControlError(
                    code: .notFound,
                    zh: "--as \(login)：没有这名工作人员",
                    en: "--as \(login): no such staff member",
                    language: language
                )
            }
            return .staff(member, actingFor: userName, administrator: false)
        }
        if uid == 0 { return .administrator(userName) }
        guard let member = try roster.staff(login: userName) else {
            if administrator { return .administrator(userName) }
            throw ControlError(
                code: .refused,
                role: "staff",
                zh: "Unix 用户 \(userName) 没有工作人员记录；请管理员添加："
                    + "`hotlinectl staff add \(userName) --name 姓名 --dept 部门 --role operator`",
                en: "Unix user \(userName) has no staff record; an administrator adds one with "
                    + "`hotlinectl staff add \(userName) --name NAME --dept CODE --role operator`",
                language: language
            )
        }
        return .staff(member, actingFor: nil, administrator: administrator)
    }
}
