// swift-tools-version:6.1
// desm serve: the search service (a JSON API and a page) over Hummingbird 2, a package of its
// own so that building desm (and `./build.sh demo`) neither fetches nor builds the HTTP
// server's packages. `./build.sh serve` builds it and links desm-serve beside desm, which
// `desm serve` runs.
//   DesmServe         SearchService (the API without HTTP), ServerApplication (routes), the page
//   desm-serve        the executable (Sources/DesmServeTool)
import PackageDescription

let optimise: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

let package = Package(
    name: "desm-serve",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "desm-serve", targets: ["desm-serve"]),
    ],
    dependencies: [
        .package(name: "desm", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Its optional traits (swift-configuration, full Foundation) are not used.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        .target(name: "DesmServe", dependencies: [
            .product(name: "DesmText", package: "desm"), .product(name: "DesmWord2Vec", package: "desm"),
            .product(name: "DesmIndex", package: "desm"), .product(name: "DesmEval", package: "desm"),
            .product(name: "DesmSample", package: "desm"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ], swiftSettings: optimise),
        .executableTarget(name: "desm-serve", dependencies: [
            "DesmServe",
            .product(name: "DesmText", package: "desm"), .product(name: "DesmIndex", package: "desm"),
            .product(name: "DesmWord2Vec", package: "desm"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/DesmServeTool", swiftSettings: optimise),
        .testTarget(name: "ServeTests", dependencies: [
            "DesmServe",
            .product(name: "DesmIndex", package: "desm"), .product(name: "DesmWord2Vec", package: "desm"),
            .product(name: "DesmText", package: "desm"), .product(name: "DesmTestSupport", package: "desm"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
