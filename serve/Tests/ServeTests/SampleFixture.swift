import DesmIndex
import DesmServe
import DesmTestSupport
import DesmWord2Vec
import Foundation

/// The built-in sample as `desm serve` serves it (`SampleIndex.prepare`), built once per
/// test run in a temporary directory that the server tests also use as `--cache`.
enum SampleFixture {
    struct Built {
        let directory: String
        let indexPath: String
        let ranker: Ranker
        let service: SearchService
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: Result<Built, Error>?

    static func get() throws -> Built {
        lock.lock(); defer { lock.unlock() }
        if let built { return try built.get() }
        let r = Result<Built, Error> {
            let dir = makeTemporaryDirectory("desm-serve-tests")
            let path = try SampleIndex.prepare(in: dir, quiet: true) { _ in }
            let index = try DocumentIndex(path: path)
            let model = try EmbeddingModel.load(path: index.manifest.modelPath!)
            let ranker = try Ranker(index: index, model: model)
            return Built(directory: dir, indexPath: path, ranker: ranker, service: try SearchService(ranker: ranker, name: "sample.idx"))
        }
        built = r
        return try r.get()
    }
}

extension SearchService {
    /// Calls an endpoint with a query string as a browser would send it.
    func search(_ query: String) throws -> SearchReport {
        try search(QueryParameters(Substring(query), known: SearchService.searchParameters))
    }
    func document(_ docno: String, query: String) throws -> DocumentReport {
        try document(docno, QueryParameters(Substring(query), known: SearchService.documentParameters))
    }
    func neighbours(_ query: String) throws -> NeighboursReport {
        try neighbours(QueryParameters(Substring(query), known: SearchService.neighbourParameters))
    }
}
