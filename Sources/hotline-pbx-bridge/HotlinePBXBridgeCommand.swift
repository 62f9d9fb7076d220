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
        abstract: "Connects Asterisk or FreeSWITCH to hotlined's PBX event socket.",
        discussion: "Configuration is a TOML file with the options' names as keys (`secret_file`, `pbx_socket`, "
            + "`queue = [...]`, …); options given on the command line override it. Secrets are read from a file, "
            + "never from the command line, and never logged.",
        subcommands: [Asterisk.self, FreeSWITCH.self]
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
            try BridgeLauncher.run(.asterisk, options: options, common: common)
        }
    }

    struct FreeSWITCH: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "freeswitch",
            abstract: "Bridge FreeSWITCH's event socket (ESL) to hotlined.",
            discussion: "Authenticates on the event socket, subscribes to the channel and mod_callcenter events, "
                + "turns queue calls and callcenter agents into hotline events, and keeps them until hotlined has "
                + "them."
        )

        @Option(help: ArgumentHelp("The event socket, HOST:PORT (event_socket.conf.xml).", valueName: "host:port"))
        var esl: String?

        @Option(help: ArgumentHelp("The file holding the event socket's password.", valueName: "file"))
        var passwordFile: String?

        @OptionGroup var common: CommonOptions

        mutating func run() throws {
            var options = BridgeSettings.Options()
            options.address = esl
            options.secretFile = passwordFile
            try BridgeLauncher.run(.freeswitch, options: options, common: common)
        }
    }
}

/// Settings, secret and agent map read once, then the PBX's conversation on the shared runtime; returns only by
/// throwing a startup error.
enum BridgeLauncher {
    static func run(_ pbx: PBXKind, options: BridgeSettings.Options, common: CommonOptions) throws {
        var options = options
        common.apply(to: &options)
        let settings = try BridgeConfigurationLoader.settings(pbx: pbx, configFile: common.config, options: options)
        Daemon.bootstrapLogging()
        let logger = Logger(label: "hotline-pbx-bridge")
        let secret = try BridgeConfigurationLoader.secret(
            from: settings.secretFile,
            what: pbx == .asterisk ? "secret" : "password"
        )
        let agentMap = try BridgeConfigurationLoader.agentMap(from: settings.agentMapFile)
        // China keeps one offset all year; the offset at start-up is the one events are written in.
        let policy = settings.callPolicy(agentMap: agentMap, utcOffsetSeconds: TimeZone.current.secondsFromGMT())
        switch pbx {
        case .asterisk:
            try run(
                AsteriskCallModel(policy: policy),
                AsteriskConversation(settings: settings, secret: secret, logger: logger),
                settings: settings,
                logger: logger
            )
        case .freeswitch:
            let configuration: FreeSWITCHCallModel.Configuration
            do {
                configuration = try FreeSWITCHCallModel.Configuration(
                    systemName: policy.systemName,
                    queues: policy.queues,
                    inboundNumbers: policy.inbound,
                    agentMap: policy.agentMap.logins,
                    withheldNumber: policy.withheldNumber,
                    utcOffsetSeconds: policy.utcOffsetSeconds
                )
            } catch {
                throw BridgeStartupError(error.description)
            }
            let session = FreeSWITCHSession(password: secret, model: FreeSWITCHCallModel(configuration: configuration))
            try run(
                FreeSWITCHBridgeModel(session: session),
                FreeSWITCHConversation(settings: settings, logger: logger),
                settings: settings,
                logger: logger
            )
        }
    }

    /// Loads the saved state into `model` and runs the bridge.
    private static func run<Conversation: PBXConversation>(
        _ model: Conversation.Model,
        _ conversation: Conversation,
        settings: BridgeSettings,
        logger: Logger
    ) throws {
        let core = try BridgeCore(model: model, stateDirectory: settings.stateDirectory, logger: logger)
        BridgeRuntime(settings: settings, conversation: conversation, core: core, logger: logger).run()
    }
}
