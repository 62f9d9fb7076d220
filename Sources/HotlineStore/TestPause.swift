import Foundation

/// Pause points for tests that must force one interleaving of concurrent transactions (a transition holding its
/// complaint lock while the deadline scheduler fires), compiled into debug builds only: a release build has no
/// such code and reads no such variable.
///
/// With `HOTLINE_TEST_PAUSE=<directory>` in the environment, a thread reaching point `P` checks for the file
/// `<directory>/P.armed`. If it is there, the thread renames it to `P.reached` (so exactly one thread takes an
/// armed point) and blocks until `<directory>/P.release` appears (at most two minutes), then removes it and goes
/// on. Every other thread, and every pass while nothing is armed, goes straight through.
enum TestPause {
    /// In ``ComplaintStore`` transitions: the complaint row is locked, nothing is written yet.
    static let transitionLocked = "transition-locked"

    #if DEBUG
        static func reach(_ point: String) {
            guard let value = getenv("HOTLINE_TEST_PAUSE") else { return }
            let directory = String(cString: value)
            guard !directory.isEmpty else { return }
            let armed = directory + "/" + point + ".armed"
            let reached = directory + "/" + point + ".reached"
            let release = directory + "/" + point + ".release"
            guard rename(armed, reached) == 0 else { return }
            let giveUp = Date().addingTimeInterval(120)
            while access(release, F_OK) != 0 && Date() < giveUp { usleep(5_000) }
            unlink(release)
        }
    #else
        @inline(__always) static func reach(_ point: String) {}
    #endif
}
