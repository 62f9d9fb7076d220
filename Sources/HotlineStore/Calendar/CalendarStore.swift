import Foundation
import HotlineCore

/// Holiday and make-up working day overrides imported with `hotlinectl calendar import`, kept in
/// `hotline.calendar_overrides` so that every daemon on the database uses the same calendar.
public enum CalendarStore {
    /// A pending deadline whose due time an import moved (`hotline.deadline_moves`).
    public struct DeadlineMove: Sendable, Equatable {
        public var deadlineID: Int64
        public var complaintID: String
        public var kind: String
        public var oldDueAt: Date
        public var newDueAt: Date
        public var changedDays: [LocalDate]
    }

    /// Imports a file and, in the same transaction, computes again every pending deadline whose span crossed a day
    /// the import changed (SPEC §4). `calendars` gives the calendar in force before and after the import from the
    /// overrides stored before it; imports take turns (a table lock), so no other import slips in between. Each
    /// moved due time is recorded with its reason; met, breached and cancelled deadlines stay as they are.
    public static func importSchedule(
        _ overrides: [CalendarOverride],
        source: String,
        by login: String,
        at now: Date,
        warningShare: Double,
        on connection: PGConnection,
        calendars: ([CalendarOverride]) -> (before: WorkCalendar, after: WorkCalendar)
    ) throws -> [DeadlineMove] {
        try connection.transaction { connection in
            try connection.command("LOCK TABLE hotline.calendar_overrides IN SHARE ROW EXCLUSIVE MODE")
            let (before, calendar) = calendars(try load(on: connection))
            let change = calendar.change(from: before, inYears: Set(overrides.map(\.date.year)))
            try insert(overrides, source: source, on: connection)
            guard let range = change.range else { return [] }
            // Every deadline whose span could touch a changed day; the exact test is done below, per deadline.
            let candidates = try connection.query(
                """
                SELECT id, complaint_id, kind, started_at, due_at, warn_at IS NOT NULL AS warns, explanation
                FROM hotline.deadlines
                WHERE state = 'pending' AND started_at < $2 AND due_at >= $1
                ORDER BY id
                FOR UPDATE
                """,
                [
                    calendar.instant(on: range.lowerBound, minuteOfDay: 0),
                    calendar.instant(on: range.upperBound.adding(days: 1), minuteOfDay: 0),
                ]
            )
            var moves: [DeadlineMove] = []
            var updates: [(id: Int64, due: Date, warn: Date?, explanation: String)] = []
            for row in candidates {
                let oldDue: Date = try row.decode("due_at")
                let started: Date = try row.decode("started_at")
                let touched = calendar.days(change.changedDays + change.confirmedDays, between: started, and: oldDue)
                let explanations = DeadlineExplanations.decode(try row.decode("explanation"))
                guard !touched.isEmpty, !explanations.isEmpty else { continue }
                let recomputed = try calendar.recompute(explanations)
                guard let newDue = recomputed.last?.dueAt, recomputed != explanations else { continue }
                let id: Int64 = try row.decode("id")
                let warns: Bool = try row.decode("warns")
                let warn = warns ? DeadlineRules.warning(start: started, dueAt: newDue, share: warningShare) : nil
                updates.append((id, newDue, warn, try DeadlineExplanations.encode(recomputed)))
                if newDue != oldDue {
                    moves.append(
                        DeadlineMove(
                            deadlineID: id,
                            complaintID: String(try row.decode("complaint_id", as: Int64.self)),
                            kind: try row.decode("kind"),
                            oldDueAt: oldDue,
                            newDueAt: newDue,
                            changedDays: calendar.days(change.changedDays, between: started, and: max(oldDue, newDue))
                        )
                    )
                }
            }
            guard !updates.isEmpty else { return [] }
            // One statement each, whatever the number: the QA counters' statement triggers run once.
            try connection.command(
                """
                UPDATE hotline.deadlines AS d
                SET due_at = u.due::timestamptz,
                    warn_at = CASE WHEN d.warn_at IS NULL THEN NULL ELSE u.warn::timestamptz END,
                    explanation = u.explanation
                FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(id, due, warn, explanation)
                WHERE d.id = u.id
                """,
                [
                    updates.map { String($0.id) }, updates.map { $0.due.postgresText },
                    updates.map { ($0.warn ?? $0.due).postgresText }, updates.map(\.explanation),
                ]
            )
            if !moves.isEmpty {
                try connection.command(
                    """
                    INSERT INTO hotline.deadline_moves (deadline_id, at, old_due_at, new_due_at, source, changed_days,
                        by_login)
                    SELECT u.id, $1, u.old::timestamptz, u.new::timestamptz, $2, u.days::date[], $3
                    FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[]) AS u(id, old, new, days)
                    """,
                    [
                        now, source, login, moves.map { String($0.deadlineID) }, moves.map { $0.oldDueAt.postgresText },
                        moves.map { $0.newDueAt.postgresText },
                        moves.map { "{" + $0.changedDays.map(\.description).joined(separator: ",") + "}" },
                    ]
                )
            }
            return moves
        }
    }

    private static func insert(_ overrides: [CalendarOverride], source: String, on connection: PGConnection) throws {
        guard !overrides.isEmpty else { return }
        try connection.command(
            """
            INSERT INTO hotline.calendar_overrides (day, kind, name, source)
            SELECT day::date, kind, name, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS o(day, kind, name)
            ON CONFLICT (day) DO UPDATE
                SET kind = excluded.kind, name = excluded.name, source = excluded.source, imported_at = now()
            """,
            [
                overrides.map(\.date.description), overrides.map(\.kind.rawValue), overrides.map(\.name), source,
            ]
        )
    }

    public static func load(on connection: PGConnection) throws -> [CalendarOverride] {
        try connection.query("SELECT day::text AS day, kind, name FROM hotline.calendar_overrides ORDER BY day")
            .compactMap {
                row in
                guard let date = LocalDate(string: try row.decode("day")),
                    let kind = CalendarOverride.Kind(rawValue: try row.decode("kind"))
                else { return nil }
                return CalendarOverride(date: date, kind: kind, name: try row.decode("name"))
            }
    }

    /// A fingerprint of the stored overrides, so a daemon can tell cheaply that another one imported a file.
    public static func fingerprint(on connection: PGConnection) throws -> String {
        let row = try connection.query(
            """
            SELECT count(*)::text || '/' || coalesce(max(imported_at)::text, '') AS fingerprint
            FROM hotline.calendar_overrides
            """
        ).first
        return try row?.decode("fingerprint") ?? ""
    }
}
