import ArgumentParser
import Foundation
import HotlineDaemon
import HotlinePBXBridge
import Logging

/// `hotline-pbx-bridge`: connects a PBX to hotlined (SPEC section 11). One subcommand per PBX; each speaks the
/// PBX's own protocol and writes SPEC section 5 events to hotlined's PBX socket.
@main
struct HotlinePBXBridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline-pbx-bridge",
        abstract: "Connects Asterisk (and, later, FreeSWITCH) to hotlined's PBX event socket.",
        discussion: "Configuration is a TOML file with the options' names as keys (`secret_file`, `pbx_socket`, "
            + "`queue = [...]`, …); options given on the command line override it. Secrets are read from a file, "
            + "never from the command line, and never logged.",
        subcommands: [Asterisk.self]
    )
}

/// The options every PBX shares.
struct CommonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The TOML configuration file (options override it).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("hotlined's PBX event socket (default /run/hotline/pbx.sock).", valueName: "path"))
    var pbxSocket: String?

    @Option(
        name: .customLong("queue"),
        help: ArgumentHelp(
            "A queue whose callers are hotline calls (repeatable; default every queue).",
            valueName: "name"
        )
    )
    var queues: [String] = []

    @Option(
        help: ArgumentHelp("A dialled number whose callers are hotline calls (repeatable).", valueName: "exten")
    )
    var inbound: [String] = []

    @Option(help: ArgumentHelp("A file of `agent login` lines mapping PBX agents to staff.", valueName: "file"))
    var agentMap: String?

    @Option(
        help: ArgumentHelp("The number recorded for callers who withhold theirs (default 000).", valueName: "number")
    )
    var withheldNumber: String?

    @Option(
        help: ArgumentHelp(
            "Where calls in progress and unacknowledged events are kept across restarts.",
            valueName: "dir"
        )
    )
    var stateDir: String?

    @Option(help: ArgumentHelp("The PBX's name in event ids when its events carry none.", valueName: "name"))
    var systemName: String?

    func apply(to options: inout BridgeSettings.Options) {
        options.pbxSocket = pbxSocket
        options.queues = queues
        options.inbound = inbound
        options.agentMap = agentMap
        options.withheldNumber = withheldNumber
        options.stateDirectory = stateDir
        options.systemName = systemName
    }
}

extension HotlinePBXBridgeCommand {
    struct Asterisk: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bridge Asterisk's manager interface (AMI) to hotlined.",
            discussion: "Logs in to AMI (MD5 challenge by default, `--login plain` for the plain secret) with "
                + "`Events: call,agent`, turns queue calls and queue members into hotline events, and keeps them "
                + "until hotlined has them."
        )

        @Option(help: ArgumentHelp("The manager interface, HOST:PORT.", valueName: "host:port"))
        var ami: String?

        @Option(help: ArgumentHelp("The manager user (manager.conf).", valueName: "name"))
        var user: String?

        @Option(help: ArgumentHelp("The file holding the manager secret.", valueName: "file"))
        var secretFile: String?

        @Option(help: ArgumentHelp("How to prove the secret: md5 (default) or plain.", valueName: "method"))
        var login: String?

        @OptionGroup var common: CommonOptions

        mutating func run() throws {
            var options = BridgeSettings.Options()
            options.address = ami
            options.user = user
            options.secretFile = secretFile
            options.login = login
            common.apply(to: &options)
            let settings = try BridgeConfigurationLoader.settings(
                pbx: .asterisk,
                configFile: common.config,
                options: options
            )
            Daemon.bootstrapLogging()
            let logger = Logger(label: "hotline-pbx-bridge")
            let runtime = try AsteriskBridge(settings: settings, logger: logger)
            runtime.run()
        }
    }
}
