import Foundation

/// Default locations: the packaged service's under root, per-user ones otherwise, so `hotlined` and `hotlinectl`
/// find each other without flags in both cases.
public enum DefaultPaths {
    public static var runtimeDirectory: String {
        if geteuid() == 0 { return "/run/hotline" }
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return runtime + "/hotline"
        }
        return "/tmp/hotline-\(geteuid())"
    }

    public static var stateDirectory: String {
        if geteuid() == 0 { return "/var/lib/hotline" }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/tmp"
        return home + "/.local/state/hotline"
    }
}
