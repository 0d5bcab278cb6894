@testable import DesmEval
import DesmTestSupport
import DesmWord2Vec
import Foundation
import XCTest

/// An experiment config's `training` object becomes `TrainingParameters` in one place, and
/// its errors name the fields as the config writes them.
final class TrainingSpecTests: XCTestCase {
    func spec(_ json: String) throws -> ExperimentConfig.TrainingSpec {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ExperimentConfig.TrainingSpec.self, from: Data(json.utf8))
    }

    func testDefaultsAreTrainingParametersButTwoThreads() throws {
        let p = try spec(#"{"corpora": ["collection"], "arch": "sg", "min_count": 2}"#).parameters()
        var expected = TrainingParameters()
        expected.architecture = .sg
        expected.minCount = 2
        expected.threads = 2
        XCTAssertEqual(p, expected)
    }

    func testErrorsNameTheConfigFields() throws {
        let cases = [
            (#"{"corpora": ["collection"], "dim": 0}"#, "training.dim must be between 1 and 10000 (got 0)"),
            (#"{"corpora": ["collection"], "min_count": 0}"#, "training.min_count must be at least 1 (got 0)"),
            (#"{"corpora": ["collection"], "negative": 0}"#, "training.negative must be between 1 and 1000 when training.loss is ns (got 0)"),
            (#"{"corpora": ["collection"], "loss": "hs"}"#, "set training.loss to ns"),
            (#"{"corpora": ["collection"], "arch": "skip"}"#, "training.arch must be sg or cbow"),
        ]
        for (json, message) in cases {
            assertDesmError([message]) { _ = try self.spec(json).parameters() }
        }
    }
}
