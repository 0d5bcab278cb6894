#!/usr/bin/env bash
# desm's build helper: everything a fresh Debian machine with the Swift toolchain needs.
#   ./build.sh demo [ARGS]   install system libraries if missing, build (release), run `desm demo`
#                            with the report in eval/results and the model and index cached in eval/cache
#   ./build.sh test          install system libraries if missing, run the whole test suite
#   ./build.sh build         install system libraries if missing, build the release binary
# The release binary is .build/release/desm.
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
        exec swift test -c release -Xswiftc -enable-testing --disable-swift-testing
        ;;
    build)
        system_libraries
        exec swift build -c release --product desm
        ;;
    *)
        echo "usage: ./build.sh demo|test|build" >&2
        exit 2
        ;;
esac
