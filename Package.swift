// swift-tools-version:6.1
// desm: ranking documents with dual word embeddings (DESM).
// Modules, bottom to top (each depends only on those above it in this list):
//   CZlib, CLibXML2,  system libraries (zlib1g-dev, libxml2-dev, libopenblas-dev)
//   COpenBLAS
//   DesmText          byte sources (plain/gzip), analyzer, collection readers, binary file helpers
//   DesmWord2Vec      vocabulary, trainer (SG/CBOW x NS/HS), model file, vector formats, neighbours
//   DesmIndex         index (IN/OUT centroids, BM25 postings), scorers, ranking, run writer
//   DesmEval          topics, qrels, runs, trec_eval metrics, significance, experiments, reports
//   DesmSample        the built-in sample collection (collections/sample, embedded for `desm demo`)
//   desm              the command-line tool, one file per verb
// The search service (DesmServe, desm-serve: Hummingbird 2) is a package of its own in serve/,
// which depends on this one: building desm (and `./build.sh demo`) neither fetches nor builds
// the HTTP server's packages.
import PackageDescription

let optimise: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

let package = Package(
    name: "desm",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "desm", targets: ["desm"]),
        // The libraries serve/ (the search service) builds on.
        .library(name: "DesmText", targets: ["DesmText"]),
        .library(name: "DesmWord2Vec", targets: ["DesmWord2Vec"]),
        .library(name: "DesmIndex", targets: ["DesmIndex"]),
        .library(name: "DesmEval", targets: ["DesmEval"]),
        .library(name: "DesmSample", targets: ["DesmSample"]),
        .library(name: "DesmTestSupport", targets: ["DesmTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),  // YAML experiment configs
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        // OpenBLAS (Debian's build picks kernels for the running CPU at run time) for DESM's
        // dense products over the whole collection.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "DesmText", dependencies: ["CZlib"], swiftSettings: optimise),
        // __builtin_prefetch for the trainer's randomly chosen rows.
        .target(name: "CPrefetch", path: "Sources/CPrefetch"),
        .target(name: "DesmWord2Vec", dependencies: ["DesmText", "CPrefetch"], swiftSettings: optimise),
        .target(name: "DesmIndex", dependencies: ["DesmText", "DesmWord2Vec", "COpenBLAS"], swiftSettings: optimise),
        .target(name: "DesmEval", dependencies: ["DesmText", "DesmWord2Vec", "DesmIndex", "CLibXML2",
                                                 .product(name: "Yams", package: "Yams")],
                swiftSettings: optimise),
        // collections/sample built into the binary (SampleCollectionData.swift is generated
        // from it by regenerate.sh), so that `desm demo` runs from any directory.
        .target(name: "DesmSample", dependencies: ["DesmText"], exclude: ["regenerate.sh"]),
        .executableTarget(name: "desm", dependencies: [
            "DesmText", "DesmWord2Vec", "DesmIndex", "DesmEval", "DesmSample",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimise),
        // libFuzzer targets over every reader (see eval/fuzz/run.sh); a plain executable that
        // replays files when built without -DFUZZING.
        .executableTarget(name: "desm-fuzz", dependencies: [
            "DesmText", "DesmWord2Vec", "DesmIndex", "DesmEval", "DesmFixtures",
        ], path: "Sources/DesmFuzz"),
        // The tiny model and documents that the fuzz targets and the reliability tests share.
        .target(name: "DesmFixtures", dependencies: ["DesmText", "DesmWord2Vec"]),
        .target(name: "DesmTestSupport", dependencies: ["DesmText"], path: "Tests/Support"),
        .testTarget(name: "DesmTextTests", dependencies: ["DesmText", "DesmTestSupport"],
                    exclude: ["Fixtures"]), // read through packageRoot
        .testTarget(name: "DesmWord2VecTests", dependencies: ["DesmWord2Vec", "DesmTestSupport"]),
        .testTarget(name: "DesmIndexTests", dependencies: ["DesmIndex", "DesmTestSupport"]),
        .testTarget(name: "DesmEvalTests", dependencies: ["DesmEval", "DesmIndex", "DesmWord2Vec", "DesmTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["DesmText", "DesmSample", "DesmTestSupport"]),
        .testTarget(name: "ReliabilityTests", dependencies: [
            "DesmText", "DesmWord2Vec", "DesmIndex", "DesmEval", "DesmFixtures", "DesmTestSupport",
        ]),
    ],
    swiftLanguageModes: [.v5]
)
