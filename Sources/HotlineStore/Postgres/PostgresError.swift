/// An error from PostgreSQL or from libpq, carrying the SQLSTATE and the server's message.
///
/// `description` names the SQLSTATE, its condition and the server's primary message: enough for an operator, and
/// free of statement parameters (which may hold callers' phone numbers). `debugDescription` adds detail, hint and
/// the statement text.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is, for the decisions the daemon makes (retry, reconnect, report).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case server(String)
            case connectionFailure
            case commitOutcomeUnknown
            case badConnectionString
            case unexpectedResult
        }
        private let base: Base

        /// A server error with this SQLSTATE.
        public static func sqlState(_ state: String) -> Code { Code(base: .server(state)) }
        /// The connection could not be made or was lost (libpq reported CONNECTION_BAD, or SQLSTATE class 08).
        public static let connectionFailure = Code(base: .connectionFailure)
        /// The connection was lost while COMMIT was in flight: the transaction may or may not have been applied.
        public static let commitOutcomeUnknown = Code(base: .commitOutcomeUnknown)
        /// The conninfo string or URI could not be parsed.
        public static let badConnectionString = Code(base: .badConnectionString)
        /// The server answered with a result of a kind the caller did not ask for.
        public static let unexpectedResult = Code(base: .unexpectedResult)

        public static let uniqueViolation = sqlState("23505")
        public static let foreignKeyViolation = sqlState("23503")
        public static let checkViolation = sqlState("23514")
        public static let notNullViolation = sqlState("23502")
        public static let serializationFailure = sqlState("40001")
        public static let deadlockDetected = sqlState("40P01")
        public static let insufficientPrivilege = sqlState("42501")
        public static let raiseException = sqlState("P0001")

        public var description: String {
            switch base {
            case .server(let state): return state
            case .connectionFailure: return "connection failure"
            case .commitOutcomeUnknown: return "commit outcome unknown"
            case .badConnectionString: return "bad connection string"
            case .unexpectedResult: return "unexpected result"
            }
        }
    }

    public var code: Code
    /// The five-character SQLSTATE, when the server (or libpq) supplied one.
    public var sqlState: String?
    /// The server's primary message, or libpq's error text.
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The constraint a violation names, for mapping to a domain error.
    public var constraint: String?
    public var query: String?

    public init(
        code: Code,
        sqlState: String? = nil,
        message: String,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        query: String? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.query = query
    }

    /// True when the connection is gone and a reconnect may help.
    public var isConnectionLoss: Bool {
        code == .connectionFailure || code == .commitOutcomeUnknown || (sqlState?.hasPrefix("08") ?? false)
            || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    public var description: String {
        if let sqlState {
            return "PostgreSQL error \(sqlState): \(message)"
        }
        return "PostgreSQL \(code): \(message)"
    }

    public var debugDescription: String {
        var text = description
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if let constraint { text += "\nCONSTRAINT: \(constraint)" }
        if let query { text += "\nQUERY: \(query)" }
        return text
    }
}
