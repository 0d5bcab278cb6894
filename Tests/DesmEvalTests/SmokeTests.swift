import XCTest
import DesmTestSupport

final class DesmEvalSmokeTests: XCTestCase {
    func testPackageRootHasManifest() {
        XCTAssertTrue(FileManager.default.fileExists(atPath: packageRoot + "/Package.swift"))
    }
}
