"""The page of `desm serve` in a real browser (Chromium through Selenium): both columns fill,
the shaded words carry the cosines the API gives, changing a column's scorer changes the
column, the query is in the URL, and the page stacks its columns on a narrow window."""
import os
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from page_support import ROOT, get_json

QUERY = "heart disease"


def wait_done(driver):
    WebDriverWait(driver, 60).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") in ("done", "error"))
    assert driver.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "done", driver.find_element(By.ID, "status").text


def column_docnos(driver, side):
    return [li.get_attribute("data-docno") for li in driver.find_elements(By.CSS_SELECTOR, f"#col-{side} li.result")]


def test_page_runs_the_query_in_its_url_and_shades_with_the_apis_cosines(server, browser):
    browser.get(server + "?" + urllib.parse.urlencode({"q": QUERY}))
    wait_done(browser)
    assert browser.find_element(By.ID, "q").get_attribute("value") == QUERY
    for side, scorer in (("left", "bm25"), ("right", "in-out")):
        docnos = column_docnos(browser, side)
        api = get_json(server + "api/search?" + urllib.parse.urlencode({"q": QUERY, "scorer": scorer, "k": 10}))
        assert docnos == [r["docno"] for r in api["results"]], side
        assert len(docnos) == 10
        # Every shaded word of the first three results: the word and cosine the API gives.
        for docno in docnos[:3]:
            doc = get_json(server + "api/document/" + urllib.parse.quote(docno, safe="") + "?" + urllib.parse.urlencode({"q": QUERY}))
            expected = [(s["text"], s["cosine"]) for s in doc["segments"] if s.get("cosine") is not None]
            spans = browser.find_elements(By.CSS_SELECTOR, f'#col-{side} li.result[data-docno="{docno}"] span.w[data-cosine]')
            shown = [(s.text, float(s.get_attribute("data-cosine"))) for s in spans]
            assert shown == expected, docno
            assert len(shown) > 10
            query_words = browser.find_elements(By.CSS_SELECTOR, f'#col-{side} li.result[data-docno="{docno}"] span.w.query')
            assert {w.get_attribute("data-word") for w in query_words} <= {"heart", "disease"}
    # Shading: the highest cosine is the darkest, words below the median unshaded; the legend says so.
    assert browser.find_element(By.ID, "legend").is_displayed()
    assert "median" in browser.find_element(By.ID, "legend-lo").text
    spans = browser.find_elements(By.CSS_SELECTOR, "span.w[data-cosine]")
    top = max(spans, key=lambda s: float(s.get_attribute("data-cosine")))
    assert top.value_of_css_property("background-color").startswith("rgba(31, 95, 191, 0.8")
    # The neighbours panel: each query word with its IN-IN and IN-OUT neighbours.
    boxes = browser.find_elements(By.CSS_SELECTOR, "#neighbours .nb")
    assert [b.get_attribute("data-word") for b in boxes] == ["heart", "disease"]
    for b in boxes:
        lists = b.find_elements(By.CSS_SELECTOR, "ol")
        assert len(lists) == 2 and all(len(l.find_elements(By.TAG_NAME, "li")) == 8 for l in lists)
    shot = os.environ.get("DESM_SCREENSHOT", os.path.join(ROOT, ".build", "serve-page.png"))
    browser.save_screenshot(shot)
    assert os.path.getsize(shot) > 10000


def test_changing_a_columns_scorer_changes_that_column(server, browser):
    browser.get(server + "?" + urllib.parse.urlencode({"q": QUERY, "left": "bm25", "right": "in-out"}))
    wait_done(browser)
    left_before, right_before = column_docnos(browser, "left"), column_docnos(browser, "right")
    Select(browser.find_element(By.ID, "right")).select_by_value("in-in")
    WebDriverWait(browser, 60).until(lambda d: d.find_element(By.ID, "col-right").get_attribute("data-scorer") == "in-in"
                                     and d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "done")
    right_after = column_docnos(browser, "right")
    api = get_json(server + "api/search?" + urllib.parse.urlencode({"q": QUERY, "scorer": "in-in", "k": 10}))
    assert right_after == [r["docno"] for r in api["results"]]
    assert right_after != right_before
    assert column_docnos(browser, "left") == left_before
    assert "desm-in-in" in browser.find_element(By.CSS_SELECTOR, "#col-right h2").text
    assert "right=in-in" in browser.current_url


def test_narrow_window_stacks_the_columns(server, browser):
    browser.set_window_size(480, 900)
    try:
        browser.get(server + "?" + urllib.parse.urlencode({"q": QUERY}))
        wait_done(browser)
        left = browser.find_element(By.ID, "col-left").rect
        right = browser.find_element(By.ID, "col-right").rect
        assert right["y"] >= left["y"] + left["height"]
        assert right["width"] <= 480
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 480
    finally:
        browser.set_window_size(1300, 1000)


def test_an_error_is_shown_not_swallowed(server, browser):
    browser.get(server + "?" + urllib.parse.urlencode({"q": "x" * 1001}))
    WebDriverWait(browser, 60).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "error")
    assert "limited to 1000" in browser.find_element(By.ID, "status").text
