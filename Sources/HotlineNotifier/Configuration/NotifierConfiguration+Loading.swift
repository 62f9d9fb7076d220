import Foundation
import HotlineDaemon

extension NotifierConfiguration {
    /// Reads and checks a configuration file; every refusal names the file, the line and the key.
    ///
    /// Secret files are read here too, so that a reload with an unreadable secret keeps the running configuration
    /// instead of failing at the first delivery.
    public static func load(file: String) throws(NotifierConfigError) -> NotifierConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw NotifierConfigError(file: file, line: 0, key: nil, reason: "cannot read the file: \(error)")
        }
        return try parse(text, file: file)
    }

    /// Parses the text of a configuration file (``load(file:)`` without the reading, for tests).
    public static func parse(_ text: String, file: String) throws(NotifierConfigError) -> NotifierConfiguration {
        let entries: [ConfigEntry]
        do {
            entries = try ConfigFile.parse(text, file: file)
        } catch {
            throw NotifierConfigError(error)
        }
        var reader = ConfigReader(file: file, text: text, entries: entries)
        return try reader.read()
    }
}

/// Turns the flat `[section] key = value` entries of ``ConfigFile`` into a ``NotifierConfiguration``.
///
/// Channels and routes are named sections (`[channel.ops]`, `[route.urgent]`): TOML tables that hotlined's reader
/// already understands, so the notifier needs no second TOML parser and a route's name is written once.
private struct ConfigReader {
    let file: String
    let text: String
    let entries: [ConfigEntry]

    mutating func read() throws(NotifierConfigError) -> NotifierConfiguration {
        var configuration = NotifierConfiguration()
        var sections: [String] = []
        for entry in entries where !sections.contains(entry.section) { sections.append(entry.section) }
        for section in sectionHeaders() where !sections.contains(section.name) { sections.append(section.name) }

        for section in sections {
            let keys = entries.filter { $0.section == section }
            switch section {
            case "database":
                try check(keys, allowed: ["conninfo"])
                if let entry = keys.first(where: { $0.key == "conninfo" }) {
                    configuration.database = try string(entry)
                }
            case "delivery":
                try check(keys, allowed: ["give_up_after", "poll_interval", "workers", "time_zone"])
                for entry in keys {
                    switch entry.key {
                    case "give_up_after": configuration.giveUpAfter = try duration(entry, minimum: .seconds(1))
                    case "poll_interval": configuration.pollInterval = try duration(entry, minimum: .milliseconds(100))
                    case "workers":
                        guard case .integer(let count) = entry.value, (1...64).contains(count) else {
                            throw error(entry, "must be an integer from 1 to 64")
                        }
                        configuration.workers = count
                    case "time_zone":
                        let zone = try string(entry)
                        guard TimeZone(identifier: zone) != nil else {
                            throw error(entry, "unknown time zone '\(zone)' (e.g. Asia/Shanghai)")
                        }
                        configuration.timeZone = zone
                    default: break
                    }
                }
            default:
                if let name = section.dropPrefix("channel.") {
                    let channel = try readChannel(name: name, keys: keys, section: section)
                    configuration.channels[name] = channel
                } else if let name = section.dropPrefix("route.") {
                    configuration.routes.append(try readRoute(name: name, keys: keys, section: section))
                } else {
                    throw NotifierConfigError(
                        file: file,
                        line: headerLine(section),
                        key: section,
                        reason: "unknown section (expected [database], [delivery], [channel.NAME] or [route.NAME])"
                    )
                }
            }
        }
        if let entry = entries.first(where: { $0.section.isEmpty }) {
            throw error(entry, "keys must be inside a section ([database], [delivery], [channel.NAME], [route.NAME])")
        }
        guard !configuration.routes.isEmpty else {
            throw NotifierConfigError(
                file: file,
                line: 1,
                key: nil,
                reason: "no [route.NAME] section: nothing would be delivered"
            )
        }
        // Checked last, once every channel is known, so a route may be written before the channels it uses.
        for route in configuration.routes {
            let entry = entries.first { $0.section == "route.\(route.name)" && $0.key == "channels" }!
            for channel in route.channels where configuration.channels[channel] == nil {
                throw error(entry, "no channel named '\(channel)' (define it in a [channel.\(channel)] section)")
            }
        }
        return configuration
    }

    // MARK: - Channels and routes

    private func readChannel(name: String, keys: [ConfigEntry], section: String) throws(NotifierConfigError)
        -> Channel
    {
        try checkName(name, section: section)
        guard let typeEntry = keys.first(where: { $0.key == "type" }) else {
            throw NotifierConfigError(
                file: file,
                line: headerLine(section),
                key: "\(section).type",
                reason: "missing; one of \(Channel.typeNames.joined(separator: ", "))"
            )
        }
        let type = try string(typeEntry)
        var timeout = Duration.seconds(10)
        if let entry = keys.first(where: { $0.key == "timeout" }) {
            timeout = try duration(entry, minimum: .milliseconds(100))
        }
        switch type {
        case "webhook":
            try check(keys, allowed: ["type", "url", "url_file", "secret_file", "timeout"])
            let url = try address(keys, section: section)
            var secret: (file: String, bytes: [UInt8])?
            if let entry = keys.first(where: { $0.key == "secret_file" }) { secret = try secretFile(entry) }
            return Channel(
                name: name,
                kind: .webhook(WebhookChannel(url: url, secretFile: secret?.file, secret: secret?.bytes)),
                timeout: timeout
            )
        case "wecom", "dingtalk", "feishu":
            var allowed = ["type", "url", "url_file", "timeout", "mention_all_when_urgent"]
            // 企业微信's group robot has no signing; its key is in the address.
            if type != "wecom" { allowed.append("secret_file") }
            try check(keys, allowed: allowed)
            let url = try address(keys, section: section)
            var secret: [UInt8]?
            if let entry = keys.first(where: { $0.key == "secret_file" }) { secret = try secretFile(entry).bytes }
            var mention = false
            if let entry = keys.first(where: { $0.key == "mention_all_when_urgent" }) {
                guard case .boolean(let value) = entry.value else { throw error(entry, "must be true or false") }
                mention = value
            }
            let vendor = RobotChannel.Vendor(rawValue: type)!
            return Channel(
                name: name,
                kind: .robot(RobotChannel(vendor: vendor, url: url, secret: secret, mentionAllWhenUrgent: mention)),
                timeout: timeout
            )
        case "command":
            try check(keys, allowed: ["type", "command", "timeout"])
            guard let entry = keys.first(where: { $0.key == "command" }) else {
                throw NotifierConfigError(
                    file: file,
                    line: typeEntry.line,
                    key: "\(section).command",
                    reason: "missing: a command channel needs `command = \"…\"` (run with /bin/sh -c)"
                )
            }
            let command = try string(entry)
            guard !command.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(entry, "is empty") }
            return Channel(name: name, kind: .command(CommandChannel(command: command)), timeout: timeout)
        default:
            throw error(
                typeEntry,
                "unknown channel type '\(type)'; one of \(Channel.typeNames.joined(separator: ", "))"
            )
        }
    }

    private func readRoute(name: String, keys: [ConfigEntry], section: String) throws(NotifierConfigError) -> Route {
        try checkName(name, section: section)
        try check(keys, allowed: ["topics", "recipients", "channels"])
        var route = Route(name: name, topics: [], recipients: [], channels: [])
        for entry in keys {
            guard case .strings(let values) = entry.value else {
                throw error(entry, "must be an array of strings, e.g. [\"a\", \"b\"]")
            }
            switch entry.key {
            case "topics":
                for topic in values where !topic.isTopicName {
                    throw error(entry, "'\(topic)' is not a topic (lowercase letters and _, as transferred)")
                }
                route.topics = values
            case "recipients":
                for recipient in values where !recipient.isRecipientFilter {
                    throw error(
                        entry,
                        "'\(recipient)' is not a recipient (staff:LOGIN, department:CODE, role:ROLE, or KIND:*)"
                    )
                }
                route.recipients = values
            case "channels":
                guard !values.isEmpty else { throw error(entry, "names no channel") }
                for channel in values
                where Route.deliveryName(route: name, channel: channel).count > 100 {
                    throw error(entry, "route and channel names together exceed 100 characters")
                }
                route.channels = values
            default: break
            }
        }
        guard !route.channels.isEmpty else {
            throw NotifierConfigError(
                file: file,
                line: headerLine(section),
                key: "\(section).channels",
                reason: "missing: a route needs `channels = [\"…\"]`"
            )
        }
        return route
    }

    /// `url` or `url_file` (a robot's address holds its key, which some keep out of the config file); http or
    /// https with a host, nothing else.
    private func address(_ keys: [ConfigEntry], section: String) throws(NotifierConfigError) -> URL {
        let direct = keys.first { $0.key == "url" }
        let indirect = keys.first { $0.key == "url_file" }
        let entry: ConfigEntry
        var text: String
        switch (direct, indirect) {
        case (let direct?, nil):
            entry = direct
            text = try string(direct)
        case (nil, let indirect?):
            entry = indirect
            let path = try string(indirect)
            do {
                text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw self.error(indirect, "cannot read \(path): \(error.localizedDescription)")
            }
        case (let direct?, _?):
            throw error(direct, "give url or url_file, not both")
        case (nil, nil):
            throw NotifierConfigError(
                file: file,
                line: headerLine(section),
                key: "\(section).url",
                reason: "missing: the channel needs url = \"https://…\" (or url_file)"
            )
        }
        text = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            // The address itself is not repeated: a robot's address carries its key.
            throw error(entry, "is not an http:// or https:// URL with a host")
        }
        return url
    }

    private func secretFile(_ entry: ConfigEntry) throws(NotifierConfigError) -> (file: String, bytes: [UInt8]) {
        let path = try string(entry)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw error(entry, "cannot read the secret file \(path)")
        }
        // A trailing newline is what `echo secret > file` leaves; it is not part of the secret.
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty else { throw error(entry, "the secret file \(path) is empty") }
        return (path, bytes)
    }

    // MARK: - Values

    private func check(_ keys: [ConfigEntry], allowed: [String]) throws(NotifierConfigError) {
        for entry in keys where !allowed.contains(entry.key) {
            throw error(entry, "unknown key (allowed here: \(allowed.joined(separator: ", ")))")
        }
    }

    private func checkName(_ name: String, section: String) throws(NotifierConfigError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D
        }
        guard allowed, (1...48).contains(name.utf8.count) else {
            throw NotifierConfigError(
                file: file,
                line: headerLine(section),
                key: section,
                reason: "names are 1 to 48 letters, digits, _ or -"
            )
        }
    }

    private func string(_ entry: ConfigEntry) throws(NotifierConfigError) -> String {
        guard case .string(let value) = entry.value else { throw error(entry, "must be a quoted string") }
        return value
    }

    private func duration(_ entry: ConfigEntry, minimum: Duration) throws(NotifierConfigError) -> Duration {
        let parsed: Duration?
        switch entry.value {
        case .integer(let seconds): parsed = .seconds(seconds)
        case .float(let seconds): parsed = .milliseconds(Int64((seconds * 1000).rounded()))
        case .string(let text): parsed = DurationText.parse(text)
        default: parsed = nil
        }
        guard let parsed else {
            throw error(entry, "must be a duration such as \"500ms\", \"30s\", \"10m\", \"24h\", \"2d\" (or seconds)")
        }
        guard parsed >= minimum else { throw error(entry, "must be at least \(DurationText.format(minimum))") }
        return parsed
    }

    private func error(_ entry: ConfigEntry, _ reason: String) -> NotifierConfigError {
        let key = entry.section.isEmpty ? entry.key : "\(entry.section).\(entry.key)"
        return NotifierConfigError(file: file, line: entry.line, key: key, reason: reason)
    }

    // MARK: - Section headers

    /// The `[name]` headers with their lines: ``ConfigFile`` reports lines of keys only, and a section without
    /// keys (or a channel without `type`) must still be named where it is written.
    private func sectionHeaders() -> [(name: String, line: Int)] {
        var headers: [(String, Int)] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { continue }
            headers.append((String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces), offset + 1))
        }
        return headers
    }

    private func headerLine(_ section: String) -> Int {
        sectionHeaders().first { $0.name == section }?.line ?? 1
    }
}

extension String {
    fileprivate func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }

    /// As `hotline.notices.topic` checks it: `^[a-z_]{1,40}$`.
    fileprivate var isTopicName: Bool {
        (1...40).contains(utf8.count) && utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
    }

    fileprivate var isRecipientFilter: Bool {
        guard let colon = firstIndex(of: ":") else { return false }
        let kind = self[..<colon]
        let name = self[index(after: colon)...]
        return ["staff", "department", "role"].contains(kind) && (1...64).contains(name.count)
    }
}

/// Durations as written in the config file: `500ms`, `30s`, `10m`, `24h`, `2d`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, milliseconds: Double)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value >= 0, value.isFinite else { continue }
            return .milliseconds(Int64((value * unit.milliseconds).rounded()))
        }
        return nil
    }

    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 86_400_000 == 0 { return "\(milliseconds / 86_400_000)d" }
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}
