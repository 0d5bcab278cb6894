// Entry points: libFuzzer's callback when built with -DFUZZING, a replay/seed tool otherwise.
import DesmIndex
import DesmText
import DesmWord2Vec
import Foundation
import Glibc

/// The target libFuzzer runs, from DESM_FUZZ_TARGET (read once).
let selectedTarget: ([UInt8]) throws -> Void = {
    let name = ProcessInfo.processInfo.environment["DESM_FUZZ_TARGET"] ?? ""
    guard let t = fuzzTargets[name] else {
        fputs("desm-fuzz: set DESM_FUZZ_TARGET to one of \(fuzzTargets.keys.sorted().joined(separator: ", "))\n", stderr)
        exit(2)
    }
    return t
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    if let message = runOne(selectedTarget, bytes), message.hasPrefix("non-DesmError") {
        // The readers promise DesmError for bad input: anything else is a finding.
        fputs("desm-fuzz: \(message)\n", stderr)
        abort()
    }
    return 0
}

#if FUZZING
// SwiftPM links an executable target with `main` defined as `<module>_main`, which would
// hide libFuzzer's own `main`: provide that symbol and hand over to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@_cdecl("desm_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var c = argc
    var v = argv
    _ = selectedTarget   // fail fast on a missing DESM_FUZZ_TARGET
    return LLVMFuzzerRunDriver(&c, &v) { data, size in fuzzOneInput(data, size) }
}
#else
@main
struct Replay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        if args.count == 3, args[0] == "--read" { exit(readMain(args[1], args[2])) }
        guard args.count >= 2, let target = fuzzTargets[args[0]] else {
            fputs("""
                usage: desm-fuzz TARGET FILE...        replay inputs (prints the outcome of each)
                       desm-fuzz TARGET --seeds DIR    write TARGET's seed corpus into DIR
                       desm-fuzz --read READER PATH    run one reader on PATH, print the outcome
                targets: \(fuzzTargets.keys.sorted().joined(separator: ", "))

                """, stderr)
            exit(2)
        }
        if args[1] == "--seeds", args.count == 3 {
            do { try writeSeeds(args[0], to: args[2]) } catch {
                fputs("desm-fuzz: \(error)\n", stderr); exit(1)
            }
            return
        }
        var failures = 0
        for file in args.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else {
                fputs("desm-fuzz: cannot read \(file)\n", stderr); exit(2)
            }
            let outcome = runOne(target, Array(data))
            if let o = outcome, o.hasPrefix("non-DesmError") { failures += 1 }
            print("\(file): \(outcome.map { "error: \($0)" } ?? "ok")")
        }
        exit(failures == 0 ? 0 : 1)
    }
}
#endif
