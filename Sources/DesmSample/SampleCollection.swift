import DesmText
import Foundation

/// The built-in sample collection: the files of `collections/sample` in the repository (323
/// documents, the test and tuning topics, the qrels and the experiment config `desm demo`
/// runs), built into the binary so that `desm demo` runs from any directory.
/// `SampleCollectionData.swift` is generated from the repository's files by `regenerate.sh`
/// beside it; the repository's folder stays the one copy people read and edit, and a test
/// fails when the built-in copy differs from it.
public enum SampleCollection {
    /// Where the files live in the repository, and where `extract` writes them below its
    /// root: reports name the sample's inputs by this path, wherever they were extracted.
    public static let directory = "collections/sample"
    /// The experiment config among the files.
    public static let config = "experiment.json"

    /// The sample's files by name (bytewise order), inflated, each checked against its gzip
    /// CRC-32.
    public static func files() throws -> [(name: String, bytes: [UInt8])] {
        try packed.map { entry in
            let label = "built-in " + directory + "/" + entry.name
            guard let data = Data(base64Encoded: entry.gzipBase64) else {
                throw DesmError("not valid base64 (regenerate it with Sources/DesmSample/regenerate.sh)", path: label)
            }
            return (entry.name, try inflateGzip([UInt8](data), name: label))
        }
    }

    /// Writes the files to `root/collections/sample/` and returns the config's path there.
    public static func extract(to root: String) throws -> String {
        let dir = root + "/" + directory
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw DesmError("cannot create directory: \(error.localizedDescription)", path: dir)
        }
        for file in try files() { try writeFileAtomically(dir + "/" + file.name, file.bytes) }
        return dir + "/" + config
    }
}
