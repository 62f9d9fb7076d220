import Foundation

/// Generates realistic call traffic for load tests and benchmarks: each call is offered, answered by one of the
/// given extensions and ended, with unique event ids under a run prefix.
public enum LoadGenerator {
    /// `total` event lines (JSON without the newline): offered, answered, ended for successive calls.
    public static func calls(total: Int, prefix: String, extensions: [String], start: Date = Date()) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        lines.reserveCapacity(total + 2)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        var index = 0
        while lines.count < total {
            let call = "\(prefix)-c\(index)"
            let offered = formatter.string(from: start.addingTimeInterval(Double(index)))
            let answered = formatter.string(from: start.addingTimeInterval(Double(index) + 5))
            let ended = formatter.string(from: start.addingTimeInterval(Double(index) + 185))
            let phone = 13_800_000_000 + index % 100_000_000
            let agent = extensions.isEmpty ? "8001" : extensions[index % extensions.count]
            lines.append(
                Array(
                    #"{"v":1,"id":"\#(call)-o","type":"call.offered","at":"\#(offered)","call":"\#(call)","from":"\#(phone)","from_name":"测试来电","to":"12345","queue":"complaints"}"#
                        .utf8
                )
            )
            lines.append(
                Array(
                    #"{"v":1,"id":"\#(call)-a","type":"call.answered","at":"\#(answered)","call":"\#(call)","agent":"\#(agent)"}"#
                        .utf8
                )
            )
            lines.append(
                Array(
                    #"{"v":1,"id":"\#(call)-e","type":"call.ended","at":"\#(ended)","call":"\#(call)","cause":"normal"}"#
                        .utf8
                )
            )
            index += 1
        }
        return Array(lines.prefix(total))
    }
}
