import DesmText
import DesmWord2Vec
import Foundation

extension DocumentIndex {
    /// Throws unless `model` is the one this index was built with: same checksum, dimension,
    /// vocabulary size and analyzer settings (the ranker and `desm verify` both ask).
    public func requireBuilt(with model: EmbeddingModel) throws {
        let m = manifest
        guard model.checksum == m.modelChecksum, model.dim == m.dim,
              model.vocabulary.count == m.modelVocabularySize else {
            throw DesmError(String(format: "the index was built with another model (index: checksum %08x, %d words, dim %d; model: checksum %08x, %d words, dim %d): rebuild it or pass its model",
                                   m.modelChecksum, m.modelVocabularySize, m.dim, model.checksum, model.vocabulary.count, model.dim),
                            path: path)
        }
        guard model.analyzer == m.analyzer else {
            throw DesmError("the model's analyzer settings differ from the index's: rebuild the index", path: path)
        }
    }
}
