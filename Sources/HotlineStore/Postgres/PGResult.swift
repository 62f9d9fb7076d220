import CLibPQ

/// Owns one `PGresult*` and frees it exactly once, in `deinit`, whatever path the caller takes.
///
/// Rows are copied into Swift values (``PostgresRows``) before the result is dropped, so nothing that outlives
/// this object points into libpq's memory.
final class PGResult {
    let raw: OpaquePointer

    init(_ raw: OpaquePointer) {
        self.raw = raw
    }

    deinit {
        PQclear(raw)
    }

    var status: ExecStatusType { PQresultStatus(raw) }

    var affectedRows: Int {
        guard let text = PQcmdTuples(raw), let value = Int(String(cString: text)) else { return 0 }
        return value
    }

    /// The server's error fields turned into a ``PostgresError``.
    func error(query: String?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(raw, code) else { return nil }
            return String(cString: value)
        }
        let sqlState = field(Int32(UInt8(ascii: "C")))  // PG_DIAG_SQLSTATE
        let primary = field(Int32(UInt8(ascii: "M")))  // PG_DIAG_MESSAGE_PRIMARY
        let message = primary ?? String(cString: PQresultErrorMessage(raw)).trimmingTrailingNewlines()
        let code: PostgresError.Code = sqlState.map { .sqlState($0) } ?? .unexpectedResult
        return PostgresError(
            code: code,
            sqlState: sqlState,
            message: message,
            detail: field(Int32(UInt8(ascii: "D"))),  // PG_DIAG_MESSAGE_DETAIL
            hint: field(Int32(UInt8(ascii: "H"))),  // PG_DIAG_MESSAGE_HINT
            constraint: field(Int32(UInt8(ascii: "n"))),  // PG_DIAG_CONSTRAINT_NAME
            query: query
        )
    }

    /// Copies every row out of libpq's memory into Swift strings.
    func rows() -> PostgresRows {
        let columnCount = Int(PQnfields(raw))
        let rowCount = Int(PQntuples(raw))
        var columns: [String] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            columns.append(String(cString: PQfname(raw, Int32(column))))
        }
        var values: [[String?]] = []
        values.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var rowValues: [String?] = []
            rowValues.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(raw, Int32(row), Int32(column)) != 0 {
                    rowValues.append(nil)
                } else {
                    let length = Int(PQgetlength(raw, Int32(row), Int32(column)))
                    let pointer = PQgetvalue(raw, Int32(row), Int32(column))!
                    let buffer = UnsafeRawBufferPointer(start: pointer, count: length)
                    rowValues.append(String(decoding: buffer, as: UTF8.self))
                }
            }
            values.append(rowValues)
        }
        return PostgresRows(columns: columns, values: values, affectedRows: affectedRows)
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while let last = text.last, last == "\n" || last == "\r" { text.removeLast() }
        return text
    }
}
