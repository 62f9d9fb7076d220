import ArgumentParser
import HotlineProtocol

extension HotlineCtl {
    struct Metrics: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the daemon's metrics in the Prometheus text exposition format.",
            discussion: """
                hotlined opens no network port; this prints what a monitoring system reads: PBX events by outcome \
                (hotline_pbx_events_total), refusals by code, ack latency, spool depth, database up, pending \
                deadlines, deadlines fired and breach latency, control requests by command and exit status, \
                notices by topic and deliveries by channel and outcome. [metrics] textfile in hotlined.toml writes \
                the same every 15 s for node_exporter's textfile collector. --json wraps the text as {"text": …}.

                Example: hotlinectl metrics | grep hotline_pbx_events_total
                """
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let result = try global.send(.metrics)
            global.emit(result) { $0["text"]?.stringValue ?? "" }
        }
    }
}
