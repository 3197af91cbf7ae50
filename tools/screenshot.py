"""Photograph a rendered book's reviewer pages, whole, in headless Chromium (``make screenshot``).

Usage::

    python tools/screenshot.py OUTPUT_DIR [--chromium PATH]

Opens ``OUTPUT_DIR/site/index.html``, ``05_report.html`` and, when the run has it,
``07_paper_rerun.html`` from file:// in a 1280 px wide window and saves each as a
full-page PNG (top to bottom, not just the first screen) in ``OUTPUT_DIR.screenshots/``.

Chromium is Debian's (Playwright's own browsers are not used): ``--chromium``, else
``$CHROMIUM``, else ``/usr/bin/chromium``; a bare name is looked up on ``PATH``. When
Chromium, Playwright or the site is missing, one line says so and the exit status is 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

WIDTH, HEIGHT = 1280, 1100
#: The pages photographed, in order, and whether a site must have them.
PAGES = (("index", True), ("05_report", True), ("07_paper_rerun", False))


def _fail(message: str) -> int:
    print(f"screenshot: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path, help="a run's output directory (holds site/)")
    parser.add_argument(
        "--chromium",
        default=os.environ.get("CHROMIUM") or "/usr/bin/chromium",
        help="the Chromium executable (default: $CHROMIUM, else /usr/bin/chromium)",
    )
    args = parser.parse_args(argv)

    chromium = shutil.which(args.chromium)
    if chromium is None:
        return _fail(
            f"Chromium not found at {args.chromium!r} "
            "(Debian: apt-get install chromium; or set CHROMIUM=/path/to/chromium)"
        )
    output = args.output_dir.resolve()
    site = output / "site"
    missing = [
        f"{name}.html" for name, needed in PAGES if needed and not (site / f"{name}.html").is_file()
    ]
    if missing:
        return _fail(f"{site} has no {' or '.join(missing)} (run `make replicate` first)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return _fail("Playwright for Python is not installed (`make setup` installs it)")

    shots = output.with_name(output.name + ".screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        for name, _ in PAGES:
            source = site / f"{name}.html"
            if not source.is_file():
                continue
            page.goto(source.as_uri())
            page.screenshot(path=shots / f"{name}.png", full_page=True)
            print(f"  {name}.png")
        browser.close()
    print(f"screenshots in {shots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
