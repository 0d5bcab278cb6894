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
