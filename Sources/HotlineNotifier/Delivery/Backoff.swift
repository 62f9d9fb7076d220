/// How long a failed delivery waits before its next attempt: 1 s after the first failure, doubling, at most
/// 10 minutes (SPEC §10). A receiver that is down for an hour is tried about a dozen times, not thousands.
public enum Backoff {
    public static let first: Duration = .seconds(1)
    public static let ceiling: Duration = .seconds(600)

    /// The wait after `failures` failed attempts (1 for the first failure).
    public static func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        // 2^10 s already exceeds the ceiling; the cap also keeps the shift from overflowing.
        let exponent = min(failures - 1, 10)
        return min(first * (1 << exponent), ceiling)
    }
}
