// DesmIndex: the on-disk index (IN/OUT centroids, BM25 postings), scorers and ranking.
import DesmText
import DesmWord2Vec
