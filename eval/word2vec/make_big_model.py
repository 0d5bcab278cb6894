#!/usr/bin/env python3
"""Writes a synthetic desm model file (format version 1, written independently of the Swift
code from the layout documented in Sources/DesmWord2Vec/ModelFile.swift) with V words and
dim dimensions, to time how fast a large model opens:

    python3 make_big_model.py /tmp/big.model 1000000 300
    time desm neighbors /tmp/big.model w123 -k 3      # load (mmap) + one full IN×OUT scan
"""
import json, struct, sys, zlib
import numpy as np

def main(path, v, dim):
    rng = np.random.default_rng(1)
    words = [f"w{i}".encode() for i in range(v)]
    counts = np.arange(v, 0, -1, dtype="<i8") + 4
    offs = np.zeros(v + 1, dtype="<u8")
    offs[1:] = np.cumsum([len(w) for w in words])
    vocab = counts.tobytes() + offs.tobytes() + b"".join(words)
    meta = json.dumps({"analyzer": {"bm25": {"lowercase": True, "maxTokenLength": 64, "stemmer": "porter",
                                             "stopwords": {"english": {}}, "version": 1},
                                    "embedding": {"lowercase": True, "maxTokenLength": 64, "stemmer": "none",
                                                  "stopwords": {"none": {}}, "version": 1}}},
                      sort_keys=True).encode()
    align = lambda x: (x + 63) & ~63
    vocab_off = 128
    in_off = align(vocab_off + len(vocab))
    mat = v * dim * 4
    out_off = align(in_off + mat)
    meta_off = out_off + mat
    a = (rng.random((v, dim), dtype=np.float32) - 0.5) / dim
    b = (rng.random((v, dim), dtype=np.float32) - 0.5) / dim
    ab, bb = a.astype("<f4").tobytes(), b.astype("<f4").tobytes()
    model_crc = zlib.crc32(bb, zlib.crc32(ab))
    data_crc = model_crc
    vm_crc = zlib.crc32(meta, zlib.crc32(vocab))
    h = b"DESMW2V\0" + struct.pack("<II", 1, 1) + struct.pack("<10Q", dim, v, 0, vocab_off, len(vocab),
                                                             in_off, out_off, 0, meta_off, len(meta))
    h += struct.pack("<III", model_crc, data_crc, vm_crc)
    h += struct.pack("<I", zlib.crc32(h))
    h += b"\0" * (128 - len(h))
    with open(path, "wb") as f:
        f.write(h); f.write(vocab)
        f.write(b"\0" * (in_off - 128 - len(vocab))); f.write(ab)
        f.write(b"\0" * (out_off - in_off - mat)); f.write(bb)
        f.write(meta)

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
