import XCTest
import DesmTestSupport

final class CLISmokeTests: XCTestCase {
    func testPackageRootHasManifest() {
        XCTAssertTrue(FileManager.default.fileExists(atPath: packageRoot + "/Package.swift"))
    }
}
