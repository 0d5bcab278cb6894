import Glibc

/// SIGINT/SIGTERM handling for long jobs: the first signal asks the job to stop cleanly
/// (it polls `Interrupt.requested`), a second one removes in-flight temporary files and
/// exits at once. Either way no partial file is left under a real name.
public enum Interrupt {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    /// True once SIGINT or SIGTERM has arrived.
    public static var requested: Bool { flag != 0 }

    /// Installs the handlers (idempotent).
    public static func install() {
        signal(SIGINT, Interrupt.handler)
        signal(SIGTERM, Interrupt.handler)
    }

    private static let handler: @convention(c) (Int32) -> Void = { sig in
        if Interrupt.flag != 0 {
            TemporaryFiles.shared.removeAll()
            _exit(128 + sig)
        }
        Interrupt.flag = 1
    }

    /// Throws a clear error if an interruption was requested.
    public static func check(_ what: String) throws {
        if requested { throw DesmError("interrupted: \(what) stopped, nothing was written") }
    }
}
