#!/usr/bin/env bash
# The Spark tests (spark/tests: sharded runs equal single-index runs), against the release
# binary that `./build.sh test` built. Installs what they need: a Java 17 runtime (Debian's
# openjdk-17-jre-headless) when `java -version` fails, and a virtual environment .venv-spark
# with pyspark and pytest from PyPI (installed again unless both import: a pip run cut short
# is retried next time). Spark runs in local mode (local[2,2]); SciFact tests skip, saying
# so, without ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
if ! java -version >/dev/null 2>&1; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
venv=.venv-spark
if [ ! -x "$venv/bin/python3" ]; then
    if ! python3 -m venv "$venv" 2>/dev/null; then
        rm -rf "$venv"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv python3-pip >/dev/null
        python3 -m venv "$venv"
    fi
fi
if ! "$venv/bin/python3" -c "import pyspark, pytest" 2>/dev/null; then
    "$venv/bin/pip" install -q --disable-pip-version-check pyspark pytest
fi
if [ ! -x .build/release/desm ]; then
    echo "spark/ci.sh: .build/release/desm is missing: run ./build.sh build (or ./build.sh test) first" >&2
    exit 1
fi
export PATH="$PWD/$venv/bin:$PATH" PYSPARK_PYTHON="$PWD/$venv/bin/python3" DESM_BINARY="$PWD/.build/release/desm"
exec "$venv/bin/python3" -m pytest -q -p no:cacheprovider spark/tests
