import ArgumentParser
import DesmEval
import DesmIndex
import DesmText
import Foundation

/// `desm run`: ranks an index for every topic of a topic file and writes one TREC run.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Rank an index for a set of topics and write a TREC run file (qid Q0 docno rank score tag).",
        discussion: """
        Topics are read with the evaluation harness's readers (TREC XML via libxml2, classic \
        TREC SGML, BEIR queries.jsonl, TSV qid<TAB>text); --field picks the element(s) that \
        form the query text (repeat it to join several). The run is written atomically; \
        within a topic documents are ordered by score, ties by docno, and written scores are \
        strictly decreasing so that trec_eval cannot reorder them. The tag (default: one that \
        states the scorer and every parameter) is the run's sixth column.

        Examples:
          desm run scifact.idx --topics topics.xml --scorer in-out --rerank 100 --out in-out.run
          desm run scifact.idx --topics topics.xml --scorer mixture --norm zscore --alpha 0.3 --out mix.run
          desm run dl.idx --topics topics-dl19.xml --field query --scorer bm25 --depth 1000 --out bm25.run
          desm run scifact.idx --topics new-topics.xml --recipe results/scifact.json --out recommended.run
        """
    )

    @Argument(help: "Index directory written by `desm index`.")
    var index: String

    @Option(name: .long, help: "Topic file (XML, SGML, JSONL or TSV).")
    var topics: String

    @Option(name: .long, help: "Topic field(s) forming the query; repeat to join several (JSONL/TSV topics have one field, query).")
    var field: [String] = ["query"]

    @Option(name: .long, help: "Run file to write (- for standard output). An existing file is replaced only if it is a run.")
    var out: String?

    @Option(name: .long, help: "Run tag (default: derived from the scorer and its parameters).")
    var tag: String?

    @Option(name: .long, help: "Documents per topic. (default: 1000, or the --recipe's)")
    var depth: Int?

    @OptionGroup var ranking: RankingArguments

    @OptionGroup(title: "One shard of a collection (spark/desm_spark.py)") var shard: ShardRunArguments

    @Flag(name: .long, help: "No progress display or notes.")
    var quiet = false

    func validate() throws {
        if let depth, depth < 1 { throw ValidationError("--depth must be at least 1") }
        try shard.check(try ranking.options(readingStoplist: false), out: out)
    }

    func run() throws {
        let options = try ranking.options()
        let depth = try self.depth ?? ranking.loadedRecipe()?.depth ?? 1000
        if shard.any {
            let ranker = try ranking.openRanker(index: index)
            let topicList = try loadTopics(path: topics)
            let started = monotonicSeconds()
            let line = try shard.write(ranker: ranker, topicIDs: topicList.map(\.id), queries: try topicList.map { try $0.text(fields: field) },
                                       options: options, depth: depth, tag: tag ?? ranker.tag(for: options), out: out)
            if ranking.timing { printError(ranking.timingLine(queries: topicList.count, seconds: monotonicSeconds() - started, threads: ranker.threads)) }
            if !quiet { printError(line) }
            return
        }
        let out = self.out!
        if out != "-" { try checkOutput(out, .run, option: "--out") }
        let ranker = try ranking.openRanker(index: index)
        try ranker.index.requireWholeCollection(for: "desm run without --hits or --write-moments")
        if let problem = ShardTopicContext.missingInput(options, index: ranker.index, hasCandidates: false,
                                                        hasNormalisation: false, reportsMoments: false) {
            throw DesmError(problem, path: index)
        }
        let topicList = try loadTopics(path: topics)
        let queries = try topicList.map { try $0.text(fields: field) }
        let runTag = tag ?? ranker.tag(for: options)
        let writer = try out == "-" ? RunWriter(standardOutputWithTag: runTag) : RunWriter(path: out, tag: runTag)
        let started = monotonicSeconds()
        let stats = try writeRun(ranker: ranker, topicIDs: topicList.map(\.id), queries: queries,
                                 options: options, depth: depth, to: writer)
        try writer.commit()
        if ranking.timing { printError(ranking.timingLine(queries: queries.count, seconds: monotonicSeconds() - started, threads: ranker.threads)) }
        if !quiet {
            for note in stats.notes { printError("note: \(note)") }
            printError("wrote \(out == "-" ? "standard output" : out): \(topicList.count) topics, \(stats.lines) lines, tag \(writer.tag)")
        }
    }
}
