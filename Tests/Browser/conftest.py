"""Shared set-up of the browser tests: desm-serve on the built-in sample, on a free port."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from page_support import ROOT, need  # noqa: E402


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("DESM_SERVE", os.path.join(ROOT, ".build", "release", "desm-serve"))
    need(os.access(binary, os.X_OK), f"{binary} is not built (./build.sh serve)")
    cache = tempfile.mkdtemp(prefix="desm-browser-")
    proc = subprocess.Popen([binary, "--port", "0", "--quiet", "--cache", cache],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # printed once listening (after the sample is built)
    m = re.search(r"listening on (http://127\.0\.0\.1:\d+/)", line)
    if not m:
        proc.kill()
        raise RuntimeError("desm-serve did not start: " + line + proc.stderr.read())
    yield m.group(1)
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    shutil.rmtree(cache, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        need(False, "selenium is not installed (pip install selenium)")
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    need(os.access(driver_path, os.X_OK), "chromedriver is not installed (Debian: chromium-driver)")
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1300,1000"):
        options.add_argument(arg)
    chromium = shutil.which("chromium")
    if chromium:
        options.binary_location = chromium
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()
