import ArgumentParser
import DesmEval
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation

/// `desm neighbors`: nearest words by cosine in a pairing of IN and OUT.
struct NeighborsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neighbors",
        abstract: "Print a word's nearest neighbours by cosine: IN-IN (typical) or IN-OUT (topical).",
        discussion: """
        The query word's vector comes from the first space, the candidates from the second: \
        in-in compares word vectors with word vectors (words of the same type: yale → harvard, \
        cornell), in-out compares a word vector with output vectors (words that occur around it: \
        yale → faculty, alumni), out-out compares output vectors. IN and OUT point in nearly \
        opposite directions on average, so IN-OUT cosines are small or negative: only their order \
        matters. The word goes through the model's analyzer (lowercased).

        --center subtracts each space's mean vector (count-weighted, as `desm index --center`) \
        before the cosines: the offset that all IN and all OUT vectors share then no longer \
        weighs on them, and IN-OUT cosines spread around 0.

        --plot FILE.svg draws the word and its neighbours, each as an IN point (circle) and an \
        OUT point (square): their unit vectors (mean-centred with --center), each space's \
        points centred on their own mean (so that the IN/OUT offset, otherwise the first \
        principal component, does not split the plot into an IN side and an OUT side), on the \
        first two principal components. Labels stay inside the picture and never overlap.

        Example: desm neighbors text8.model yale --space in-out -k 10 --plot yale.svg
        """
    )

    @Argument(help: "Model file written by `desm train`.")
    var model: String
    @Argument(help: "The word.")
    var word: String
    @Option(name: .long, help: "in-in, in-out or out-out.")
    var space: NeighborSpace = .inIn
    @Option(name: .short, help: "Number of neighbours.")
    var k = 10
    @Option(name: .long, help: "Also draw them on a 2-D PCA projection into this SVG file.")
    var plot: String?
    @Flag(name: .long, help: "Mean-centre the vectors first: subtract each space's count-weighted mean (as desm index --center does).")
    var center = false
    @Flag(name: .long, help: "Report on stderr how long the model took to open and the search to run.")
    var verbose = false

    func validate() throws {
        if k < 1 { throw ValidationError("-k must be at least 1") }
    }

    func run() throws {
        if let plot { try checkOutput(plot, .svg, option: "--plot") }
        let t0 = monotonicSeconds(), c0 = clock()
        let m = try EmbeddingModel.load(path: model)
        let t1 = monotonicSeconds(), c1 = clock()
        let analyzer = Analyzer(m.analyzer.embedding)
        let tokens = analyzer.tokens(word)
        guard tokens.count == 1, let w = tokens.first else {
            throw DesmError("\"\(word)\" is not one word for the model's analyzer (it gives \(tokens))")
        }
        let means = center ? spaceMeans(m) : nil
        let result = try m.neighbors(of: w, space: space, k: k, means: means)
        if verbose {
            printError(String(format: "opened %@ (%d words, dim %d) in %.3f s (%.3f s CPU); search took %.3f s",
                              model, m.vocabulary.count, m.dim, t1 - t0, Double(c1 - c0) / Double(CLOCKS_PER_SEC),
                              monotonicSeconds() - t1))
        }
        for n in result { print(String(format: "%@\t%.4f", n.word, Double(n.cosine))) }
        if let plot {
            try writeFileAtomically(plot, text: NeighbourMap.svg(model: m, wordID: m.vocabulary.id(w)!, neighbours: result, space: space, means: means))
        }
    }

    /// The count-weighted mean of each space (`WordCentring`, as `desm index --center`
    /// subtracts); a model without word counts (imported vectors) gets plain means, and a note.
    func spaceMeans(_ m: EmbeddingModel) -> SpaceMeans {
        let (counts, weighting) = WordCentring.weights(of: m)
        if weighting == .uniform {
            printError("note: \(model) has no word counts (imported vectors): centred on the unweighted mean of each space")
        }
        return SpaceMeans(input: WordCentring.mean(of: m.input, counts: counts),
                          output: m.output.map { WordCentring.mean(of: $0, counts: counts) })
    }
}

extension NeighborSpace: ExpressibleByArgument {}
