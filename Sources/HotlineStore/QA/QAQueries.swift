import Foundation
import HotlineCore
import HotlineProtocol

/// QA's figures (R8, R14), read through the same views and function that BI tools use.
public enum QAQueries {
    /// Escalations in [from, to), oldest first, optionally of one department: the SPEC §6 `qa escalations` rows.
    public static func escalations(
        from: Date?,
        to: Date?,
        department: String?,
        timeZone: TimeZone,
        on connection: PGConnection
    ) throws -> [QAEscalationRow] {
        try connection.query(
            """
            SELECT complaint, kind, level, department, at, by FROM hotline.qa_escalations
            WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
              AND ($3::text IS NULL OR department = $3)
            ORDER BY at, complaint
            """,
            [from, to, department]
        ).map { row in
            QAEscalationRow(
                complaint: String(try row.decode("complaint", as: Int64.self)),
                kind: try row.decode("kind"),
                level: try row.decodeIfPresent("level", as: String.self),
                department: try row.decode("department"),
                at: TimeFormatting.rfc3339(try row.decode("at"), timeZone: timeZone),
                by: try row.decodeIfPresent("by", as: String.self)
            )
        }
    }

    /// One row per department with the figures of SPEC §6 `qa stats`, for [from, to); not yet graded.
    public static func stats(from: Date, to: Date, on connection: PGConnection) throws -> [QADepartmentRow] {
        try connection.query("SELECT * FROM hotline.qa_department_stats($1, $2)", [from, to]).map { row in
            QADepartmentRow(
                department: try row.decode("department"),
                counts: try QACountFigures { try row.decode($0.field, as: Int.self) },
                satisfactionMean: try row.decodeIfPresent("satisfaction_mean", as: Double.self),
                // Each rate with its numerator and denominator (sql/008); null when the denominator is zero.
                rates: try QARateFigures { measure in
                    QARateFigure(
                        numerator: try row.decode(measure.numeratorField, as: Int.self),
                        denominator: try row.decode(measure.denominatorField, as: Int.self),
                        rate: try row.decodeIfPresent(measure.rateField, as: Double.self)
                    )
                },
                // The operator's desk (sql/012): missed calls, those called back, repeat callers.
                desk: try QACountFigures { try row.decode($0.field, as: Int.self) }
            )
        }
    }

    /// The desk's figures for the whole hotline in [from, to) (sql/012): not the departments' sum, since missed
    /// calls of a queue that names no department and numbers that complained to several departments count here.
    public static func deskTotals(
        from: Date,
        to: Date,
        on connection: PGConnection
    ) throws -> QACountFigures<QADeskFigure> {
        let row = try connection.query("SELECT * FROM hotline.qa_desk_totals($1, $2)", [from, to]).first
        return try QACountFigures { try row?.decode($0.field, as: Int.self) ?? 0 }
    }

    /// The call register's answer rate for [from, to) (sql/008): the whole hotline first, then each queue by name
    /// (calls without a queue last, with `queue` null).
    public static func callAnswers(from: Date, to: Date, on connection: PGConnection) throws -> [QACallAnswerRow] {
        try connection.query("SELECT * FROM hotline.qa_call_answers($1, $2)", [from, to]).map { row in
            QACallAnswerRow(
                scope: try row.decode("whole_hotline", as: Bool.self) ? .hotline : .queue,
                queue: try row.decodeIfPresent("queue", as: String.self),
                offered: try row.decode("offered", as: Int.self),
                answered: try row.decode("answered", as: Int.self),
                answerRate: try row.decodeIfPresent("answer_rate", as: Double.self)
            )
        }
    }
}
