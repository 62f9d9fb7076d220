import ArgumentParser
import Foundation
import HotlineDaemon
import HotlinePBXBridge

/// Reads the config file with hotlined's TOML reader and the files it names (agent map, secret).
enum BridgeConfigurationLoader {
    static func settings(pbx: PBXKind, configFile: String?, options: BridgeSettings.Options) throws -> BridgeSettings {
        var entries: [BridgeSettings.Entry] = []
        if let configFile {
            let text: String
            do {
                text = try String(contentsOfFile: configFile, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read the config file \(configFile): \(error.localizedDescription)")
            }
            do {
                for entry in try ConfigFile.parse(text, file: configFile) {
                    // The bridge's keys are top-level; a section would be a file meant for someone else.
                    guard entry.section.isEmpty else {
                        throw ValidationError(
                            "\(configFile):\(entry.line): no sections in a bridge config ([\(entry.section)])"
                        )
                    }
                    entries.append(BridgeSettings.Entry(key: entry.key, value: value(entry.value), line: entry.line))
                }
            } catch let error as ConfigFileError {
                throw ValidationError(error.description)
            }
        }
        do {
            return try BridgeSettings.resolve(pbx: pbx, file: configFile, entries: entries, options: options)
        } catch {
            throw ValidationError(error.description)
        }
    }

    private static func value(_ value: ConfigValue) -> BridgeSettings.Value {
        switch value {
        case .string(let text): return .string(text)
        case .strings(let texts): return .strings(texts)
        case .integer(let number): return .other(String(number))
        case .float(let number): return .other(String(number))
        case .boolean(let flag): return .other(String(flag))
        }
    }

    /// The secret (or password, `what` says which): the file's first line. Its content is never logged or put in
    /// an error message.
    static func secret(from path: String, what: String = "secret") throws -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw BridgeStartupError("cannot read the \(what) file \(path)")
        }
        let secret = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let secret, !secret.isEmpty else { throw BridgeStartupError("the \(what) file \(path) is empty") }
        return secret
    }

    static func agentMap(from path: String?) throws -> AgentMap {
        guard let path else { return AgentMap() }
        do {
            return try AgentMap(parsing: try String(contentsOfFile: path, encoding: .utf8))
        } catch let error as AgentMapError {
            throw BridgeStartupError("\(path): \(error)")
        } catch {
            throw BridgeStartupError("cannot read the agent map \(path)")
        }
    }
}

/// Why the bridge cannot start.
struct BridgeStartupError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
