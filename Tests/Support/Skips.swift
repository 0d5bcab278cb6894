import Foundation
import XCTest

/// The `desm` executable, or a skip when it is not built beside the tests.
@discardableResult
public func requireDesm() throws -> String {
    let desm = desmExecutable
    guard FileManager.default.isExecutableFile(atPath: desm) else {
        throw XCTSkip("the desm executable is not built (swift build --product desm): CLI test skipped")
    }
    return desm
}

/// `../shared/data/<relative>` beside the package, or a skip saying it is missing.
public func requireSharedData(_ relative: String) throws -> String {
    guard let path = sharedData(relative) else { throw XCTSkip(missingSharedData(relative)) }
    return path
}

/// Whether the suite runs in CI (`CI=true`, as `.ci/run` is started and as CI services set
/// it): there the outside checks must run, so a missing oracle is a failure.
public var runningInCI: Bool {
    let value = ProcessInfo.processInfo.environment["CI"]?.lowercased()
    return value == "true" || value == "1"
}

/// A Python oracle that cannot be imported where it must be (in CI).
public struct MissingOracle: Error, CustomStringConvertible {
    public let description: String
}

/// Requires that `python3`, as the tests run it (`/usr/bin/env python3`: the first on the
/// PATH, which `.ci/run` makes its virtual environment's), imports `module`. Without it the
/// oracle test is skipped on a developer's machine, and fails in CI (`runningInCI`), where
/// `.ci/run` installs `pip` package `package`.
public func requirePythonModule(_ module: String, pip package: String) throws {
    let r = try? runProcess("/usr/bin/env", ["python3", "-c", "import sys, \(module); print(sys.executable)"])
    if let r, r.status == 0 { return }
    let which = (try? runProcess("/usr/bin/env", ["python3", "-c", "import sys; print(sys.executable)"]))
        .flatMap { $0.status == 0 ? $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil }
    let python = which.map { "python3 (\($0))" } ?? "python3 (not found on the PATH)"
    let problem = "\(python) cannot import \(module) (pip install \(package))"
    if runningInCI {
        throw MissingOracle(description: "\(problem): under CI=true the oracle test must run (.ci/run installs it)")
    }
    throw XCTSkip("\(problem): oracle test skipped")
}
