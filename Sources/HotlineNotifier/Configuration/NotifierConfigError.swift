import HotlineDaemon

/// A configuration that cannot run, naming the file, the line and the key, so the administrator finds the typo at
/// once; hotline-notifier exits with 78 (EX_CONFIG) on it at start, and keeps the running configuration on SIGHUP.
public struct NotifierConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var key: String?
    public var reason: String

    public init(file: String, line: Int, key: String?, reason: String) {
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
    }

    init(_ error: ConfigFileError) {
        self.init(file: error.file, line: error.line, key: error.key, reason: error.reason)
    }

    public var description: String {
        if line == 0, let key { return "\(file): \(key) \(reason)" }
        if line == 0 { return "\(file): \(reason)" }
        if let key { return "\(file):\(line): [\(key)] \(reason)" }
        return "\(file):\(line): \(reason)"
    }
}
