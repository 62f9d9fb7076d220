import ArgumentParser
import Foundation
import HotlineAdapter
import HotlineProtocol

/// The reference PBX adapter and simulator: replays a scenario of events over hotlined's PBX socket, resending
/// what was not acknowledged after a reconnect, or generates load and reports throughput and ack latency.
@main
struct PBXSimulator: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline-pbx-sim",
        abstract: "Reference PBX adapter: replay a scenario file or generate call load against hotlined.",
        discussion: """
            Examples:
              hotline-pbx-sim replay deploy/examples/scenario.ndjson --socket /run/hotline/pbx.sock
              hotline-pbx-sim load --events 100000 --rate 1000
            """,
        subcommands: [Replay.self, Load.self]
    )
}

struct SocketOption: ParsableArguments {
    @Option(help: "PBX event socket of hotlined (default: $HOTLINE_PBX_SOCKET, else /run/hotline/pbx.sock as root).")
    var socket: String?

    var path: String {
        if let socket { return socket }
        if let value = ProcessInfo.processInfo.environment["HOTLINE_PBX_SOCKET"], !value.isEmpty { return value }
        return DefaultPaths.runtimeDirectory + "/pbx.sock"
    }
}

extension PBXSimulator {
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send every event of a scenario file (one JSON event per line, # comments) and report the acks."
        )

        @Argument(help: "Scenario file (NDJSON).")
        var file: String

        @OptionGroup var connection: SocketOption

        func run() throws {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("cannot read \(file)")
            }
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }.map { Array($0.utf8) }
            let deliveries = try AdapterConnection(path: connection.path, window: 100).deliver(lines)
            var refused = 0
            for delivery in deliveries {
                let line = String(decoding: delivery.ack.encodedLine().dropLast(), as: UTF8.self)
                print(line)
                if case .refused = delivery.ack { refused += 1 }
            }
            if refused > 0 { throw ExitCode(1) }
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate call events (offered, answered, ended) and report events/s and ack latency."
        )

        @Option(help: "How many events to send.")
        var events: Int = 30_000

        @Option(help: "Offered load in events per second; unpaced when left out.")
        var rate: Double?

        @Option(help: "Most events in flight (pipelining window).")
        var window: Int = 2000

        @Option(help: "Extensions that answer, comma-separated.")
        var extensions: String = "8001"

        @Flag(help: "Print the report as JSON.")
        var json = false

        @OptionGroup var connection: SocketOption

        func run() throws {
            let prefix = "sim\(Int(Date().timeIntervalSince1970 * 1000))"
            let lines = LoadGenerator.calls(
                total: events,
                prefix: prefix,
                extensions: extensions.split(separator: ",").map(String.init)
            )
            let adapter = AdapterConnection(path: connection.path, window: window)
            let start = Date()
            let deliveries = try adapter.deliver(lines, rate: rate)
            let elapsed = Date().timeIntervalSince(start)
            let stored = deliveries.filter { if case .accepted = $0.ack { return true } else { return false } }.count
            let latency = LatencySummary(deliveries.map(\.latency))
            let throughput = Double(deliveries.count) / elapsed
            if json {
                print(
                    #"{"events":\#(deliveries.count),"acked":\#(stored),"seconds":\#(elapsed),"events_per_second":\#(throughput),"p50_ms":\#(latency.p50 * 1000),"p99_ms":\#(latency.p99 * 1000),"reconnects":\#(adapter.reconnects)}"#
                )
            } else {
                print(
                    "\(deliveries.count) events, \(stored) acked, in \(String(format: "%.2f", elapsed)) s: "
                        + "\(Int(throughput)) events/s; ack latency \(latency)"
                )
            }
            if stored < deliveries.count { throw ExitCode(1) }
        }
    }
}
