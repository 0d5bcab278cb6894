// Seed corpora: small valid files of each format (and the index template's files), written
// by `desm-fuzz TARGET --seeds DIR` into eval/fuzz/seeds/TARGET.
import DesmFixtures
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

func seedInputs(_ target: String) throws -> [String: [UInt8]] {
    func text(_ s: String) -> [UInt8] { Array(s.utf8) }
    switch target {
    case "gzip":
        return ["plain.txt": text("hello\nworld\n"),
                "member.gz": gzipBytes(text("hello gzip\n")),
                "two-members.gz": gzipBytes(text("a\n")) + gzipBytes(text("b\n"))]
    case "lines":
        return ["lf.txt": text("one\ntwo\n\nthree"), "crlf.txt": text("a\r\nb\r\n"),
                "utf8.txt": text("caf\u{e9} \u{65e5}\u{672c}\n"), "lines.gz": gzipBytes(text("x\ny\n"))]
    case "topics":
        return [
            "covid.xml": text("""
                <topics task="covid" batch="5">
                <topic number="1"><query>coronavirus origin</query><question>what is the origin of COVID-19</question><narrative>seeking range of information</narrative></topic>
                <topic number="2"><query>coronavirus response to weather changes</query><question>how does the coronavirus respond</question><narrative>x &amp; y</narrative></topic>
                </topics>
                """),
            "dtd.xml": text("""
                <?xml version="1.0"?>
                <!DOCTYPE topics [<!ENTITY co "coronavirus">]>
                <topics><topic number="3" type="faceted"><query>&co; vaccine</query><subtopic number="1">a</subtopic><!-- c --><![CDATA[x]]></topic></topics>
                """),
            "robust.sgml": text("""
                <top>
                <num> Number: 301
                <title> International Organized Crime
                <desc> Description:
                Identify organizations that participate in international criminal activity.
                <narr> Narrative:
                A relevant document must as a minimum identify the organization.
                </top>
                """),
            "queries.jsonl": text("{\"_id\": \"1\", \"text\": \"0-dimensional biomaterials\", \"metadata\": {}}\n{\"_id\": 2, \"text\": \"x\"}\n"),
            "queries.tsv": text("1048585\twhat is paula deen's brother\n2\tandrogen receptor define\n"),
        ]
    case "qrels":
        return ["trec.qrels": text("1 0 d1 2\n1 0 d2 0\n2 4.5 x -1\n"),
                "beir.tsv": text("query-id\tcorpus-id\tscore\n1\tdoc1\t1\n2\tdoc2\t2\n"),
                "qrels.gz": gzipBytes(text("q1 Q0 a 1\n"))]
    case "run":
        return ["run.txt": text("1 Q0 d1 1 14.2 bm25\n1 Q0 d2 2 13.9 bm25\n2 Q0 x 1 -0.5 bm25\n"),
                "tabs.txt": text("q1\tQ0\td\t1\t1e-3\ttag\n"),
                "run.gz": gzipBytes(text("q Q0 a 1 1.0 t\n"))]
    case "collection":
        // First byte: 0xFF = detect the format; 0–3 force jsonl/tsv/trec/smart.
        return [
            "corpus.jsonl": [0xFF] + text("{\"_id\": \"4983\", \"title\": \"Micro\", \"text\": \"Alterations of the architecture\"}\n{\"_id\": \"5836\", \"title\": \"\", \"text\": \"caf\\u00e9 \\\"q\\\"\"}\n"),
            "collection.tsv": [0xFF] + text("0\tThe presence of communication amid scientific minds\n1\tThe Manhattan Project\n"),
            "docs.trec": [0xFF] + text("<DOC>\n<DOCNO> FT911-1 </DOCNO>\n<HEADLINE>h</HEADLINE>\n<TEXT>\nsome text &amp; more\n</TEXT>\n</DOC>\n<DOC><DOCNO>FT911-2</DOCNO><TEXT>b</TEXT></DOC>\n"),
            "cran.smart": [0xFF] + text(".I 1\n.T\nexperimental investigation\n.A\nbrenckman,m.\n.B\nj. ae. scs. 25, 1958\n.W\nexperimental investigation of the aerodynamics\n.I 2\n.T\nsimple\n.W\ntext\n"),
            "forced-tsv": [1] + text("a\tb\tc\n"),
            "corpus.jsonl.gz": [0xFF] + gzipBytes(text("{\"_id\": \"1\", \"text\": \"zipped\"}\n")),
        ]
    case "vectors":
        let m = makeTinyModel()
        var out: [String: [UInt8]] = [:]
        let dir = scratch + "/seeds-vectors"
        mkdir(dir, 0o755)
        let small = FloatMatrix(rows: 3, cols: m.dim, values: Array(UnsafeBufferPointer(m.input.buffer).prefix(3 * m.dim)))
        let words = Array(m.vocabulary.words.prefix(3))
        for f in VectorFileFormat.allCases {
            try writeVectors(path: dir + "/v.\(f.rawValue)", words: words, matrix: small, format: f)
            out["vectors.\(f.rawValue)"] = Array(FileManager.default.contents(atPath: dir + "/v.\(f.rawValue)")!)
        }
        out["short.txt"] = text("2 3\nthe 0.1 0.2 0.3\nof -1 2e-3 4\n")
        return out
    case "model", "model-fixcrc":
        let path = scratch + "/seed.model"
        try makeTinyModel().save(to: path)
        return ["tiny.model": Array(FileManager.default.contents(atPath: path)!)]
    case "index":
        let t = IndexTemplate.shared
        var out: [String: [UInt8]] = [:]
        for (i, name) in IndexFiles.all.enumerated() {
            out["\(name).raw"] = [UInt8(i)] + t.files[name]!
            out["\(name).sized"] = [UInt8(i) | 0x80] + t.files[name]!
        }
        out["manifest.json"] = [UInt8(IndexFiles.all.count)] + t.manifest
        return out
    default:
        throw DesmError("no seeds for target \(target)")
    }
}

func writeSeeds(_ target: String, to dir: String) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, bytes) in try seedInputs(target) {
        try writeFileAtomically(dir + "/" + name, bytes)
    }
}

/// gzip-compresses bytes through a temporary file (writeVectors' gzip writer is the only
/// deflate in the package; simpler to shell out to zlib via the `gzip` tool here).
func gzipBytes(_ bytes: [UInt8]) -> [UInt8] {
    let path = inputFile(bytes, name: "to-gzip")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-n", "-f", path]
    try? p.run()
    p.waitUntilExit()
    return Array(FileManager.default.contents(atPath: path + ".gz") ?? Data())
}
