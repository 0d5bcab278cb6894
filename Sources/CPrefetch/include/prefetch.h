// Cache prefetch for the word2vec trainer: Swift has no prefetch intrinsic.
#ifndef DESM_PREFETCH_H
#define DESM_PREFETCH_H

/// Asks for the cache line holding `p`, to be written, without waiting for it.
static inline void desm_prefetch(const void *p) { __builtin_prefetch(p, 1, 3); }

#endif
