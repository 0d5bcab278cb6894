"""What the browser tests share (a module of its own name, so that it never clashes with
another suite's conftest when pytest runs several suites at once)."""
import json
import os
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")


def need(condition, why):
    """Skip saying why, except in CI, where .ci/run installs everything: there it fails."""
    if not condition:
        if IN_CI:
            pytest.fail(why + " (CI installs it: see .ci/run)")
        pytest.skip(why)


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)
