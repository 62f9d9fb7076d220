import Foundation

/// Percentiles of ack latencies, for the simulator's and the benchmark's reports.
public struct LatencySummary: Sendable, CustomStringConvertible {
    public var count: Int
    public var p50: Double
    public var p99: Double
    public var max: Double

    public init(_ latencies: [Double]) {
        let sorted = latencies.sorted()
        count = sorted.count
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        p50 = percentile(0.50)
        p99 = percentile(0.99)
        max = sorted.last ?? 0
    }

    public var description: String {
        String(
            format: "p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d events",
            p50 * 1000,
            p99 * 1000,
            max * 1000,
            count
        )
    }
}
