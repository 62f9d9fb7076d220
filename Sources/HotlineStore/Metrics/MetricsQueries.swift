/// What the database knows for the metrics: pending deadlines, notices by topic, deliveries by route and outcome.
public enum MetricsQueries {
    public struct Facts: Sendable {
        public var pendingDeadlines: Int
        public var notices: [(topic: String, count: Int)]
        public var deliveries: [(route: String, outcome: String, count: Int)]
    }

    public static func read(on connection: PGConnection) throws -> Facts {
        let pending =
            try connection.query("SELECT count(*) AS n FROM hotline.deadlines WHERE state = 'pending'").first?
            .decode("n", as: Int.self) ?? 0
        let notices = try connection.query(
            "SELECT topic, count(*) AS n FROM hotline.notices GROUP BY topic ORDER BY topic"
        ).map { (topic: try $0.decode("topic", as: String.self), count: try $0.decode("n", as: Int.self)) }
        let deliveries = try connection.query(
            """
            SELECT route, state, count(*) AS n FROM hotline.notice_deliveries
            WHERE state <> 'pending' GROUP BY route, state ORDER BY route, state
            """
        ).map {
            (
                route: try $0.decode("route", as: String.self), outcome: try $0.decode("state", as: String.self),
                count: try $0.decode("n", as: Int.self)
            )
        }
        return Facts(pendingDeadlines: pending, notices: notices, deliveries: deliveries)
    }
}
