import Glibc
import Synchronization

/// SIGINT/SIGTERM handling for long jobs.
///
/// The signal handler is async-signal-safe: it only increments an atomic counter and writes
/// one byte to a pipe (a third signal calls `_exit`). Everything else happens in ordinary
/// threads:
///  - the job polls `Interrupt.requested` / `Interrupt.check` (per batch, per 10,000 words,
///    per megabyte written, before every rename into place) and, when set, throws
///    "interrupted: …"; its `defer`s remove the temporaries and `desm` prints that one line
///    and exits 1;
///  - a watcher thread, woken through the pipe, gives the job `gracePeriod` seconds to stop
///    that way (or less, if a second signal arrives). If it is still running (a phase that
///    does not poll), the watcher waits for any rename into place in progress to finish
///    (`TemporaryFiles.commit`), removes every registered temporary file and directory,
///    prints one "interrupted" line and calls `_exit(1)`.
/// Either way no partial file is left under a real name and no temporary is left behind.
public enum Interrupt {
    /// Signals received (SIGINT or SIGTERM).
    private static let signals = Atomic<Int>(0)
    /// The pipe the handler writes to and the watcher reads: [read end, write end].
    nonisolated(unsafe) private static var pipeFDs: (Int32, Int32) = (-1, -1)
    /// How long a job may take to stop by itself before the watcher ends the process.
    public static let gracePeriod = 2.0

    /// The line written when the watcher ends the process (the job's own message names what
    /// was stopped; this one cannot).
    private static let forcedLine = Array("desm: error: interrupted: stopped before the job could end cleanly, temporary files removed, nothing partial was written\n".utf8)

    /// Held by whoever ends the process (the job's last words, or the watcher), never
    /// released: so that exactly one of them writes the final line.
    private static let exitLock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()

    /// True once SIGINT or SIGTERM has arrived.
    public static var requested: Bool { signals.load(ordering: .acquiring) != 0 }

    /// Installs the handlers and starts the watcher thread (idempotent).
    public static func install() { _ = installed }

    private static let installed: Bool = {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // The handler must never block on a full pipe (it holds at most a few bytes anyway).
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        pipeFDs = (fds[0], fds[1])
        _ = signals.load(ordering: .relaxed)    // initialise everything the handler touches
        _ = exitLock
        _ = TemporaryFiles.shared
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attributes, { _ in Interrupt.watch(); return nil }, nil)
        pthread_attr_destroy(&attributes)
        guard rc == 0 else { return false }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = Interrupt.handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        return true
    }()

    /// Async-signal-safe: an atomic increment, `write` to a non-blocking pipe, `_exit`.
    private static let handler: @convention(c) (Int32) -> Void = { sig in
        let saved = errno
        let n = signals.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
        if n >= 3 { _exit(128 + sig) }   // a third signal: no more waiting
        var byte = UInt8(truncatingIfNeeded: sig)
        _ = write(pipeFDs.1, &byte, 1)
        errno = saved
    }

    /// The watcher thread: sleeps until the first signal, then gives the job `gracePeriod`
    /// seconds (cut short by a second signal) to stop by itself, then ends the process.
    private static func watch() {
        var sigs = sigset_t()                   // signals go to the job's threads
        sigemptyset(&sigs)
        sigaddset(&sigs, SIGINT)
        sigaddset(&sigs, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &sigs, nil)
        var byte: UInt8 = 0
        while read(pipeFDs.0, &byte, 1) != 1 {
            if errno != EINTR { return }
        }
        let deadline = monotonicSeconds() + gracePeriod
        var pfd = pollfd(fd: pipeFDs.0, events: Int16(POLLIN), revents: 0)
        while signals.load(ordering: .acquiring) < 2 {
            let left = deadline - monotonicSeconds()
            if left <= 0 { break }
            let r = poll(&pfd, 1, Int32(max(1, (left * 1000).rounded(.up))))
            if r > 0 { break }                  // a second signal
            if r < 0 && errno != EINTR { break }
        }
        forceExit()
    }

    /// Ends the process from the watcher: lets a rename into place in progress finish (and
    /// keeps any other from starting), removes every temporary, writes one line, `_exit(1)`.
    private static func forceExit() -> Never {
        TemporaryFiles.shared.holdCommits()
        pthread_mutex_lock(exitLock)
        TemporaryFiles.shared.removeAllAndHold()
        forcedLine.withUnsafeBytes { b in
            var off = 0
            while off < b.count {
                let n = write(2, b.baseAddress! + off, b.count - off)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                off += n
            }
        }
        _exit(1)
    }

    /// Called by the program just before it ends (after its last output, before `exit`):
    /// from here on the watcher will not end the process or print its line. Never returns
    /// if the watcher is already ending the process.
    public static func beginExit() {
        pthread_mutex_lock(exitLock)
    }

    /// Throws a clear error if an interruption was requested.
    public static func check(_ what: String) throws {
        if requested { throw DesmError("interrupted: \(what) stopped, nothing was written") }
    }
}
