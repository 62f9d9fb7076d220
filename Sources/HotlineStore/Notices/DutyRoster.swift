import Foundation
import HotlineCore

/// One shift of the duty roster (值班表).
public struct DutyShift: Sendable, Equatable {
    public var id: Int64
    public var login: String
    public var name: String
    public var startsAt: Date
    public var endsAt: Date
    public var setBy: String
}

/// The duty roster of leaders (SPEC §10): who the leader on duty is when an urgent complaint is filed (R12).
public enum DutyRoster {
    /// The logins on duty at `moment` (shifts may overlap; all of them are told), earliest shift first.
    public static func leaders(at moment: Date, on connection: PGConnection) throws -> [String] {
        try connection.query(
            """
            SELECT DISTINCT ON (login) login, starts_at FROM hotline.duty_shifts
            WHERE starts_at <= $1 AND ends_at > $1
            ORDER BY login, starts_at
            """,
            [moment]
        ).map { try $0.decode("login") }.sorted()
    }

    /// Adds a shift.
    public static func add(
        login: String,
        from start: Date,
        to end: Date,
        by setter: String,
        at now: Date,
        on connection: PGConnection
    ) throws -> Int64 {
        let row = try connection.query(
            """
            INSERT INTO hotline.duty_shifts (login, starts_at, ends_at, set_by, set_at)
            VALUES ($1, $2, $3, $4, $5) RETURNING id
            """,
            [login, start, end, setter, now]
        )
        return try row[0].decode("id")
    }

    /// The shifts in force at `moment`, or (without one) those that have not ended by `notEndedBy`.
    public static func shifts(at moment: Date?, notEndedBy now: Date, on connection: PGConnection) throws
        -> [DutyShift]
    {
        let rows: PostgresRows
        let select = """
            SELECT d.id, d.login, s.name, d.starts_at, d.ends_at, d.set_by
            FROM hotline.duty_shifts d JOIN hotline.staff s USING (login)
            """
        if let moment {
            rows = try connection.query(
                select + " WHERE d.starts_at <= $1 AND d.ends_at > $1 ORDER BY d.starts_at, d.id",
                [moment]
            )
        } else {
            rows = try connection.query(select + " WHERE d.ends_at > $1 ORDER BY d.starts_at, d.id", [now])
        }
        return try rows.map { row in
            DutyShift(
                id: try row.decode("id"),
                login: try row.decode("login"),
                name: try row.decode("name"),
                startsAt: try row.decode("starts_at"),
                endsAt: try row.decode("ends_at"),
                setBy: try row.decode("set_by")
            )
        }
    }
}
