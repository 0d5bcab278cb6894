import Glibc
import Foundation

/// Progress of a long job on a terminal: percent, ETA, count and rate on one rewritten
/// stderr line. Silent when stderr is not a terminal or when `quiet` is set; library code
/// reports through it and never prints on its own.
///
/// The percentage and ETA come from `done` out of `total` when the total is known in the
/// unit counted (words of all epochs), or else from the fraction of the input consumed
/// (`setFraction`: bytes of the input files read, compressed bytes for gzip), which makes
/// an ETA for counts whose total is not known in advance (documents).
public final class ProgressReporter: @unchecked Sendable {
    public let label: String
    public let unit: String
    public let enabled: Bool
    private var start: Double
    private var lastDraw: Double = 0
    /// The fraction of the input consumed, if known (set from any thread).
    private var fraction: Double?
    /// Where lines go: stderr (`\r`-rewritten) or, for tests, a function given each line.
    private let sink: ((String) -> Void)?
    private var lock = pthread_mutex_t()

    public init(label: String, unit: String, quiet: Bool = false) {
        self.label = label
        self.unit = unit
        self.enabled = !quiet && isatty(2) != 0
        self.start = monotonicSeconds()
        self.sink = nil
        pthread_mutex_init(&lock, nil)
    }

    /// A reporter that hands every update's line (without the terminal's `\r` and
    /// erase-line codes) to `sink`, however often it comes: for tests.
    public init(label: String, unit: String, sink: @escaping (String) -> Void) {
        self.label = label
        self.unit = unit
        self.enabled = true
        self.start = monotonicSeconds()
        self.sink = sink
        pthread_mutex_init(&lock, nil)
    }

    public static let silent = ProgressReporter(label: "", unit: "", quiet: true)

    /// Seconds since this reporter was made (or restarted).
    public var elapsed: Double {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return monotonicSeconds() - start
    }

    /// Starts a new pass over the input: the clock, the rate and the fraction start again.
    public func restart() {
        pthread_mutex_lock(&lock)
        start = monotonicSeconds()
        fraction = nil
        pthread_mutex_unlock(&lock)
    }

    /// The fraction (0…1) of the input consumed so far; used for the percentage and ETA of
    /// updates without a total. Cheap, and safe to call from the thread that reads.
    public func setFraction(_ f: Double) {
        guard enabled else { return }
        pthread_mutex_lock(&lock)
        fraction = f
        pthread_mutex_unlock(&lock)
    }

    /// Reports `done` out of `total` (nil when unknown); `extra` is appended (e.g. alpha).
    /// Redraws at most ten times a second on a terminal.
    public func update(done: Double, total: Double?, extra: String = "") {
        guard enabled else { return }
        let now = monotonicSeconds()
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if sink == nil {
            guard now - lastDraw >= 0.1 else { return }
            lastDraw = now
        }
        let line = ProgressReporter.line(label: label, unit: unit, done: done, total: total, fraction: fraction,
                                         elapsed: now - start, extra: extra)
        if let sink { sink(line) } else { fputs("\r" + line + "\u{1B}[K", stderr) }
    }

    /// Clears the progress line.
    public func finish() {
        guard enabled, sink == nil else { return }
        fputs("\r\u{1B}[K", stderr)
    }

    /// One progress line: `label  42.0%  ETA 1m05s  12.3k docs  5.1k docs/s  extra`. The
    /// percentage and ETA need `total` (then the count is left out: it is the percentage) or
    /// `fraction`; without either the line shows the count and rate only.
    public static func line(label: String, unit: String, done: Double, total: Double?, fraction: Double?,
                            elapsed: Double, extra: String = "") -> String {
        let secs = max(elapsed, 1e-9)
        var line = label
        let known: Double? = total.flatMap { $0 > 0 ? done / $0 : nil } ?? fraction
        if let known {
            let f = min(max(known, 0), 1)
            line += String(format: " %5.1f%%", f * 100)
            // Remaining time at the rate so far: elapsed·(1 − f)/f.
            if f > 0 { line += "  ETA " + formatDuration(secs * (1 - f) / f) }
        }
        if total == nil || known == nil { line += "  \(formatCount(done)) \(unit)" }
        line += "  \(formatCount(done / secs)) \(unit)/s"
        if !extra.isEmpty { line += "  " + extra }
        return line
    }
}

public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

public func formatDuration(_ s: Double) -> String {
    guard s.isFinite, s >= 0 else { return "?" }
    let t = Int(s.rounded())
    if t >= 3600 { return String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) }
    if t >= 60 { return String(format: "%dm%02ds", t / 60, t % 60) }
    return "\(t)s"
}

public func formatCount(_ x: Double) -> String {
    if x >= 1e9 { return String(format: "%.2fG", x / 1e9) }
    if x >= 1e6 { return String(format: "%.2fM", x / 1e6) }
    if x >= 1e4 { return String(format: "%.1fk", x / 1e3) }
    return String(format: "%.0f", x)
}
