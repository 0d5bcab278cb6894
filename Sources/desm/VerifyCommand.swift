import ArgumentParser
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// `desm verify`: full integrity check of model files, index directories and single index
/// files (every byte's CRC-32, structure, finite values).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a model file, an index directory or an index file completely (checksums, structure, values).",
        discussion: """
        Opening a model or an index checks headers, sizes and the CRC-32 of as many files \
        (smallest first) as fit in the open-time budget (README, "What is checked"); \
        `verify` reads every byte:

          model file        header, vocabulary/metadata and matrix CRC-32s; every W_IN,
                            W_OUT and syn1 value finite; the model checksum an index records
          index directory   manifest; every file's header, trailer, size and CRC-32 against
                            its trailer and the manifest; docno, snippet and term tables;
                            every posting list decoded; every document's forward-index
                            terms decoded, their frequencies summing to its length, and
                            the forward index the exact transpose of the postings;
                            centroids finite and unit or zero; the mean word
                            vectors finite; with --model, that the
                            index was built from that model
          index file        one file of an index: header, trailer, length and CRC-32

        Prints one line per path (`ok` with what was checked); the first problem is an error \
        naming the file and position, and the exit status is 1.
        """
    )

    @Argument(help: "Model files, index directories or index files.")
    var paths: [String]

    @Option(name: .long, help: "Also check that each index was built from this model.")
    var model: String?

    func run() throws {
        let checkModel = try model.map { try EmbeddingModel.load(path: $0, verify: true) }
        for path in paths {
            print(try verifyPath(path, model: checkModel))
        }
    }
}

/// Verifies one path and returns its one-line report.
func verifyPath(_ path: String, model: EmbeddingModel?) throws -> String {
    var st = stat()
    guard stat(path, &st) == 0 else { throw DesmError(String(cString: strerror(errno)), path: path) }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        return try verifyIndexDirectory(path, model: model)
    }
    let file = try MappedFile(path: path)
    let magic = file.count >= 8 ? Array(file.bytes[0..<8]) : []
    if magic == ModelFile.magic {
        return try verifyModelFile(path)
    }
    if magic == IndexFileFormat.magic {
        let (kind, count, bytes) = try IndexFile.verifyStandalone(path: path)
        return "ok\tindex file\t\(path)\tkind \(kind), \(count) entries, \(bytes) bytes, CRC-32 verified"
    }
    throw DesmError.at(path, offset: 0, "not a desm model or index file (unknown magic); word2vec vectors, runs and reports carry no checksum")
}

func verifyModelFile(_ path: String) throws -> String {
    let m = try EmbeddingModel.load(path: path, verify: true)
    var matrices: [(String, FloatMatrix)] = [("W_IN", m.input)]
    if let out = m.output { matrices.append(("W_OUT", out)) }
    if let syn1 = m.syn1 { matrices.append(("syn1", syn1)) }
    for (name, matrix) in matrices {
        for r in 0..<matrix.rows {
            for (c, x) in matrix.row(r).enumerated() where !x.isFinite {
                throw DesmError("\(name) row \(r) (\(r < m.vocabulary.count ? m.vocabulary.words[r] : "inner node")) column \(c) is \(x): the model is corrupted", path: path)
            }
        }
        try Interrupt.check("verify")
    }
    return "ok\tmodel\t\(path)\t\(m.vocabulary.count) words, dim \(m.dim), \(matrices.map(\.0).joined(separator: "+")), "
        + String(format: "model checksum %08x", m.checksum) + ", all CRC-32s verified, all values finite"
}

func verifyIndexDirectory(_ path: String, model: EmbeddingModel?) throws -> String {
    let index = try DocumentIndex(path: path)
    try index.verify()
    let structure = try index.verifyStructure()
    var modelNote = ""
    if let model {
        guard model.checksum == index.manifest.modelChecksum, model.dim == index.dim,
              model.vocabulary.count == index.manifest.modelVocabularySize else {
            throw DesmError(String(format: "built with another model (index records checksum %08x, the model's is %08x)",
                                   index.manifest.modelChecksum, model.checksum), path: path)
        }
        modelNote = ", built from the given model"
    }
    return "ok\tindex\t\(path)\t\(structure.documents) documents, \(structure.terms) terms, \(structure.postings) postings "
        + "(forward index: the same \(structure.documentTerms) pairs), dim \(index.dim), "
        + String(format: "model checksum %08x", index.manifest.modelChecksum)
        + ", \(IndexFiles.all.count + IndexFiles.optional.filter { index.manifest.files[$0] != nil }.count) files CRC-32 verified"
        + (index.manifest.shard.map { ", shard \($0.index)/\($0.count) of \($0.collectionDocuments) documents" } ?? "")
        + (index.manifest.collectionStatistics.map { ", BM25 with the statistics of \($0.documents) documents" } ?? "") + modelNote
}
