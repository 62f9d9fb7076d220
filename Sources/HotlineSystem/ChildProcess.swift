import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with posix_spawn and reaped with waitpid.
///
/// Foundation's `Process` can wait forever when the program leaves a daemon behind (as `pg_ctl start` does), so
/// the daemon's helper programs, and the tests' daemons, run through this instead.
public struct ChildProcess: Sendable {
    public let pid: pid_t

    /// Starts `path` with `arguments`; stdin reads `stdinPath` (/dev/null by default), stdout and stderr go to the given files (truncated).
    /// `environment` replaces the inherited environment when given.
    public static func spawn(
        _ path: String,
        _ arguments: [String],
        stdoutPath: String,
        stderrPath: String? = nil,
        stdinPath: String = "/dev/null",
        environment: [String: String]? = nil
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let stderrPath {
            posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var envp: [UnsafeMutablePointer<CChar>?]? = environment.map { values in
            values.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned: Int32
        if envp != nil {
            spawned = posix_spawn(&pid, path, &actions, nil, argv, &envp!)
        } else {
            spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        }
        guard spawned == 0 else {
            throw ChildProcessError(program: path, reason: String(cString: strerror(spawned)))
        }
        return ChildProcess(pid: pid)
    }

    /// Runs to completion with stdout and stderr in one file; returns the exit status (128+signal when killed).
    public static func run(_ path: String, _ arguments: [String], outputPath: String) throws -> Int32 {
        try spawn(path, arguments, stdoutPath: outputPath).wait() ?? 128
    }

    /// Waits for the child to exit and returns its status, or nil when `timeout` passed first.
    public func wait(timeout: TimeInterval? = nil) throws -> Int32? {
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, deadline == nil ? 0 : WNOHANG)
            if result == pid { break }
            if result == -1 {
                if errno == EINTR { continue }
                throw ChildProcessError(program: "pid \(pid)", reason: String(cString: strerror(errno)))
            }
            if let deadline, Date() > deadline { return nil }
            usleep(10_000)
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out because the C macros are not imported.
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }

    /// True while the child has not exited (does not reap it).
    public var isRunning: Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == 0
    }

    public func signal(_ number: Int32) {
        kill(pid, number)
    }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public var program: String
    public var reason: String

    public init(program: String, reason: String) {
        self.program = program
        self.reason = reason
    }

    public var description: String { "cannot run \(program): \(reason)" }
}
