#!/usr/bin/env bash
# desm's build helper: everything a fresh Debian machine with the Swift toolchain needs.
#   ./build.sh demo [ARGS]   install system libraries if missing, build (release), run `desm demo`
#                            with the report in eval/results and the model and index cached in eval/cache
#   ./build.sh test          install system libraries if missing, run the whole test suite: the Swift
#                            tests, then the Python ones (desm serve's page in Chromium, the Spark
#                            tests) when pytest is importable (.ci/run installs what they need)
#   ./build.sh build         install system libraries if missing, build the release binary
#   ./build.sh serve [ARGS]  build desm and desm-serve (the HTTP server: the package in serve/, so that
#                            the demo never fetches or builds it), run `desm serve ARGS` (no ARGS: the
#                            built-in sample)
# The release binaries are .build/release/desm and .build/release/desm-serve (a link to
# serve/.build/release/desm-serve, where `desm serve` finds it).
set -euo pipefail
cd "$(dirname "$0")"

system_libraries() {
    local missing=()
    for pkg in zlib1g-dev libxml2-dev libopenblas-dev pkg-config; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "build.sh: installing ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# The Python test suites, run by the python3 first on the PATH (.ci/run's virtual environment):
# Tests/Browser (desm serve's page in Chromium) and spark/tests (sharded runs equal single-index
# runs, Spark in local mode). Without pytest, or for the Spark tests without pyspark or Java,
# they are skipped, saying so, except under CI=true, where they must run.
python_tests() {
    local ci=""
    if [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; then ci=1; fi
    if ! python3 -c "import pytest" 2>/dev/null; then
        [ -n "$ci" ] && { echo "build.sh: pytest is not importable: CI must run the Python suites (see .ci/run)" >&2; exit 1; }
        echo "build.sh: pytest is not installed: Tests/Browser and spark/tests skipped (.ci/run installs what they need)" >&2
        return
    fi
    local suites=(Tests/Browser)
    if [ -n "$ci" ] || { python3 -c "import pyspark" 2>/dev/null && java -version >/dev/null 2>&1; }; then
        suites+=(spark/tests)
    else
        echo "build.sh: pyspark or Java 17 is missing: spark/tests skipped (.ci/run installs them)" >&2
    fi
    DESM_SERVE="$PWD/.build/release/desm-serve" DESM_BINARY="$PWD/.build/release/desm" \
        PYSPARK_PYTHON="$(command -v python3)" python3 -m pytest -q -p no:cacheprovider "${suites[@]}"
}

# desm-serve beside desm, where `desm serve` runs it from.
link_server() {
    ln -sfn "$PWD/serve/.build/release/desm-serve" "$PWD/.build/release/desm-serve"
}

case "${1:-}" in
    demo)
        shift
        system_libraries
        swift build -c release --product desm
        exec .build/release/desm demo --out eval/results --cache eval/cache "$@"
        ;;
    test)
        system_libraries
        # Release build with testing enabled: the suite trains and indexes real data, which
        # a debug build would make slow. The CLI tests run the desm binary built beside it.
        swift test -c release -Xswiftc -enable-testing --disable-swift-testing
        # The search service's package (serve/) and its tests, then the Python suites.
        swift build --package-path serve -c release -Xswiftc -enable-testing --build-tests
        link_server
        swift test --package-path serve -c release -Xswiftc -enable-testing --disable-swift-testing --skip-build
        python_tests
        ;;
    serve)
        shift
        system_libraries
        swift build -c release --product desm
        swift build --package-path serve -c release --product desm-serve
        link_server
        exec .build/release/desm serve "$@"
        ;;
    build)
        system_libraries
        exec swift build -c release --product desm
        ;;
    *)
        echo "usage: ./build.sh demo|test|build|serve" >&2
        exit 2
        ;;
esac
