import Glibc
import Foundation

/// Progress of a long job on a terminal: percent, rate and ETA on one rewritten stderr line.
/// Silent when stderr is not a terminal or when `quiet` is set; library code reports through
/// it and never prints on its own.
public final class ProgressReporter: @unchecked Sendable {
    public let label: String
    public let unit: String
    public let enabled: Bool
    private let start: Double
    private var lastDraw: Double = 0
    private var lock = pthread_mutex_t()

    public init(label: String, unit: String, quiet: Bool = false) {
        self.label = label
        self.unit = unit
        self.enabled = !quiet && isatty(2) != 0
        self.start = monotonicSeconds()
        pthread_mutex_init(&lock, nil)
    }

    public static let silent = ProgressReporter(label: "", unit: "", quiet: true)

    /// Seconds since this reporter was made.
    public var elapsed: Double { monotonicSeconds() - start }

    /// Reports `done` out of `total` (nil when unknown); `extra` is appended (e.g. alpha).
    /// Redraws at most ten times a second.
    public func update(done: Double, total: Double?, extra: String = "") {
        guard enabled else { return }
        let now = monotonicSeconds()
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let secs = max(now - start, 1e-9)
        let rate = done / secs
        var line = "\r\(label)"
        if let total, total > 0 {
            let frac = min(max(done / total, 0), 1)
            line += String(format: " %5.1f%%", frac * 100)
            if rate > 0 { line += "  ETA " + formatDuration((total - done) / rate) }
        } else {
            line += " \(formatCount(done)) \(unit)"
        }
        line += "  \(formatCount(rate)) \(unit)/s"
        if !extra.isEmpty { line += "  " + extra }
        line += "\u{1B}[K"
        fputs(line, stderr)
    }

    /// Clears the progress line.
    public func finish() {
        guard enabled else { return }
        fputs("\r\u{1B}[K", stderr)
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
