import Foundation
import HotlineSystem

/// Runs a command channel: `/bin/sh -c COMMAND` with the notice's JSON on standard input, killed after the
/// channel's timeout; exit status 0 is a delivery.
///
/// The child is waited for on a thread of its own: ``ChildProcess/wait(timeout:)`` blocks, and must never hold a
/// thread of Swift's cooperative pool.
enum CommandRunner {
    static func run(
        _ command: String,
        input: [UInt8],
        environment: [String: String],
        timeout: Duration
    ) async throws(DeliveryFailure) {
        let result: Result<Void, DeliveryFailure> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: runBlocking(command, input: input, environment: environment, timeout: timeout)
                )
            }
            thread.start()
        }
        try result.get()
    }

    private static func runBlocking(
        _ command: String,
        input: [UInt8],
        environment: [String: String],
        timeout: Duration
    ) -> Result<Void, DeliveryFailure> {
        let base = FileManager.default.temporaryDirectory.path + "/hotline-notifier-\(UUID().uuidString)"
        let inputPath = base + ".json"
        let outputPath = base + ".out"
        defer {
            try? FileManager.default.removeItem(atPath: inputPath)
            try? FileManager.default.removeItem(atPath: outputPath)
        }
        // A file rather than a pipe: a command that never reads its input cannot block the notifier on a full pipe.
        guard
            FileManager.default.createFile(
                atPath: inputPath,
                contents: Data(input),
                attributes: [.posixPermissions: 0o600]
            )
        else {
            return .failure(
                DeliveryFailure("cannot write the command's input in \(FileManager.default.temporaryDirectory.path)")
            )
        }
        do {
            let child = try ChildProcess.spawn(
                "/bin/sh",
                ["-c", command],
                stdoutPath: outputPath,
                stdinPath: inputPath,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }
            )
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            guard let status = try child.wait(timeout: seconds) else {
                child.signal(SIGKILL)
                _ = try? child.wait()
                return .failure(
                    DeliveryFailure("the command did not finish within \(DurationText.format(timeout)) and was killed")
                )
            }
            guard status == 0 else {
                let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
                let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500)
                return .failure(
                    DeliveryFailure(
                        "the command exited with status \(status)" + (trimmed.isEmpty ? "" : ": \(trimmed)")
                    )
                )
            }
            return .success(())
        } catch {
            return .failure(DeliveryFailure("the command could not run: \(error)"))
        }
    }
}
