"""The book as a reviewer sees it: headless Chromium, 1280 px wide, pages opened from file://.

Uses the session's ``report`` run (tests/conftest.py) and Debian's Chromium driven by
Playwright. Without either, the whole module is skipped and says why.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.pipeline.book import BOOK_TITLE
from helpers.pipeline.run import NOTEBOOKS

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright for Python is not installed: `make setup` installs it (requirements.txt)",
)

CHROMIUM = shutil.which(os.environ.get("CHROMIUM") or "chromium") or shutil.which(
    "/usr/bin/chromium"
)
if CHROMIUM is None:
    pytest.skip(
        "Chromium not found: install Debian's chromium (`apt-get install chromium`) "
        "or set CHROMIUM=/path/to/chromium",
        allow_module_level=True,
    )

WIDTH, HEIGHT = 1280, 1100  # the reviewer's first screen: 1280 px wide, the top 1100 px
REPORT_PAGE = "05_report.html"
#: Console errors whose cause is known, with the fix, so a failure says what to do.
HINTS = {
    "Got invalid theme mode": "pydata-sphinx-theme logs this on a first visit when the book's "
    'conf.py has no html_context = {"default_mode": "auto"} (src/helpers/pipeline/book.py)',
}


class Tab:
    """One browser page that records, while it is open, what a reviewer would not want.

    Console errors, uncaught exceptions, failed requests and any request that leaves
    file:// (the book must work offline) are kept, per page opened, in :attr:`problems`.
    """

    def __init__(self, page: sync_api.Page, site: Path) -> None:
        self.page, self.site = page, site
        self.problems: dict[str, list[str]] = {}
        self._current: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._current.append(f"uncaught exception: {error}"))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)

    def _console(self, message: sync_api.ConsoleMessage) -> None:
        if message.type == "error":
            hint = next((h for text, h in HINTS.items() if text in message.text), "")
            self._current.append(f"console error: {message.text}" + (f" ({hint})" if hint else ""))

    def _failed(self, request: sync_api.Request) -> None:
        self._current.append(f"request failed ({request.failure}): {request.url}")

    def _request(self, request: sync_api.Request) -> None:
        if not request.url.startswith(("file://", "data:", "blob:")):
            self._current.append(f"requested outside file://: {request.url}")

    def open(self, name: str) -> sync_api.Page:
        """Open ``site/name`` (``name`` may carry a #fragment) and wait until it has loaded."""
        self._current = self.problems.setdefault(name, [])
        self.page.goto(self.url(name))
        return self.page

    def url(self, name: str) -> str:
        path, _, fragment = name.partition("#")
        return (self.site / path).as_uri() + (f"#{fragment}" if fragment else "")


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    """One headless Chromium for the whole module."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def tab(browser, report) -> Iterator[Tab]:
    """A first-time visitor (fresh context: no stored theme, no history) with one page."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    yield Tab(context.new_page(), report / "site")
    context.close()


def _pages(site: Path) -> list[str]:
    """The landing page and every notebook page of the site."""
    notebooks = sorted(path.name for path in site.glob("[0-9][0-9]_*.html"))
    assert {Path(name).stem + ".html" for name in NOTEBOOKS} <= set(notebooks)
    return ["index.html", *notebooks]


def _in_viewport(page: sync_api.Page, selector: str) -> bool:
    """Whether the element's box lies within the window (a zero-size anchor counts)."""
    return page.locator(selector).evaluate(
        """element => {
            const box = element.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight
                && box.left >= 0 && box.right <= window.innerWidth;
        }"""
    )


def test_the_index_opens_offline_and_without_errors(tab):
    page = tab.open("index.html")
    assert BOOK_TITLE in page.title()
    assert page.locator("h1").first.inner_text().strip()
    assert tab.problems == {"index.html": []}


def test_the_report_shows_its_verdict_table_on_the_first_screen(tab):
    page = tab.open(REPORT_PAGE)
    table = page.locator(
        "xpath=//p[starts-with(normalize-space(.), 'Of the paper’s')]/following::table[1]"
    )
    box = table.bounding_box()
    assert box is not None, "no visible table after the sentence 'Of the paper’s …'"
    assert 0 <= box["y"] < HEIGHT, f"the verdict table starts at {box['y']:.0f} px"
    assert "matches as printed" in table.inner_text()


def test_a_differing_claim_links_to_the_cell_that_computed_it(tab):
    page = tab.open(REPORT_PAGE)
    link = page.locator('section#the-claims-that-differ a[href*="#claim-"]').first
    href = link.get_attribute("href")
    assert href is not None and re.fullmatch(r"\d\d_\w+\.html#claim-[\w-]+", href), href
    link.click()
    page.wait_for_url(tab.url(href))
    anchor = f'[id="{href.partition("#")[2]}"]'
    assert page.locator(anchor).count() == 1
    assert _in_viewport(page, anchor), (
        f"{href}: the anchor is not scrolled into view "
        f"(top {page.locator(anchor).evaluate('e => e.getBoundingClientRect().top'):.0f} px)"
    )


def test_the_audit_lists_the_anova_finding(tab):
    page = tab.open(REPORT_PAGE)
    audit = page.locator('section[id^="audit-of-the-paper"]').first
    assert "F(2, 832)" in audit.inner_text()  # p = P(F(2, 832) > 4.76) beside aim2.anova.p


def test_code_is_hidden_until_its_summary_is_clicked(tab):
    page = tab.open(REPORT_PAGE)
    cells = page.locator("details.admonition.hide.above-input")
    assert cells.count() >= 5
    assert cells.evaluate_all("cells => cells.filter(cell => cell.open).length") == 0
    assert not any(code.is_visible() for code in cells.locator(".cell_input").all())
    first = cells.first
    first.locator("summary").click()
    assert first.evaluate("cell => cell.open")
    assert first.locator(".cell_input").is_visible()
    assert first.locator("pre").first.inner_text().strip()


def test_no_page_scrolls_sideways_at_1280_px(tab):
    wide = {}
    for name in _pages(tab.site):
        page = tab.open(name)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner + 1:
            wide[name] = f"{scroll} px wide in a {inner} px window"
    assert not wide, wide


def test_no_page_logs_an_error_or_leaves_file_urls(tab):
    for name in _pages(tab.site):
        tab.open(name)
    problems = {name: found for name, found in tab.problems.items() if found}
    assert not problems, problems
