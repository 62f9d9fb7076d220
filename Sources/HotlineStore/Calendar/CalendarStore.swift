import Foundation
import HotlineCore

/// Holiday and make-up working day overrides imported with `hotlinectl calendar import`, kept in
/// `hotline.calendar_overrides` so that every daemon on the database uses the same calendar.
public enum CalendarStore {
    /// Stores a whole file's overrides in one transaction (a later import of a date replaces the earlier one).
    public static func save(_ overrides: [CalendarOverride], source: String, on connection: PGConnection) throws {
        try connection.transaction { connection in
            for override in overrides {
                try connection.command(
                    """
                    INSERT INTO hotline.calendar_overrides (day, kind, name, source)
                    VALUES ($1::date, $2, $3, $4)
                    ON CONFLICT (day) DO UPDATE
                        SET kind = excluded.kind, name = excluded.name, source = excluded.source, imported_at = now()
                    """,
                    [override.date.description, override.kind.rawValue, override.name, source]
                )
            }
        }
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
}
