"""End to end: ``make replicate`` on the bundled synthetic data gives the report and the site."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pandas as pd

from helpers import claims
from helpers.paths import ROOT, SYNTHETIC_DATA
from helpers.pipeline.book import build_book
from helpers.pipeline.provenance import data_fingerprint, write_provenance
from helpers.pipeline.run import NOTEBOOKS
from helpers.report import audit
from helpers.report.published import load_published
from helpers.report.verdicts import parse_printed


def test_the_scorecard_covers_every_published_number(report):
    card = pd.read_csv(report / "scorecard.csv", keep_default_na=False)
    published = load_published()
    assert list(zip(card["key"], card["group"], strict=True)) == list(
        zip(published["key"], published["group"], strict=True)
    )
    assert "not computed" not in set(card["verdict"])
    assert set(card["notebook"]) == {Path(n).stem for n in NOTEBOOKS[:4]}
    # guard against change, not a reference value: the bundled data's counts
    assert card["verdict"].value_counts().to_dict() == {
        "matches as printed": 243,
        "within sampling tolerance": 21,
        "differs": 3,
    }


def test_each_notebook_writes_exactly_the_claims_registered_to_it(report):
    written = {}
    for part in sorted((report / "estimates").glob("*.csv")):
        frame = pd.read_csv(part, dtype=str, keep_default_na=False)
        written |= dict.fromkeys(zip(frame["key"], frame["group"], strict=True), part.stem)
    registered = {
        (key, group): item.notebook
        for key, item in claims.REGISTRY.items()
        for group in item.groups
    }
    assert written == registered


def test_make_replicate_into_another_folder_gives_the_same_bytes_and_says_what_it_does(
    report, tmp_path
):
    """Spaces in OUTPUT_DIR work; the terminal names each notebook and sums the run up."""
    other = tmp_path / "results with spaces"
    result = subprocess.run(
        ["make", "--no-print-directory", "replicate", f"OUTPUT_DIR={other}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    for name in NOTEBOOKS:
        assert f"running {Path(name).stem}" in result.stdout
    assert "the book built in" in result.stdout
    assert "scorecard: 243 matches as printed" in result.stdout  # guard against change
    assert "parameters that differ from the paper's: none" in result.stdout
    assert "without encryption" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr

    def contents(directory: Path) -> dict[str, bytes]:
        files = (p for p in sorted(directory.rglob("*")) if p.is_file())
        return {p.relative_to(directory).as_posix(): p.read_bytes() for p in files}

    first, second = contents(report), contents(other)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"differ between two runs: {differing}"


def test_the_book_opens_on_the_report_and_links_each_page(report):
    site = report / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"#]+)"', index)
    pages = [Path(name).stem + ".html" for name in NOTEBOOKS]
    assert set(pages) <= set(links)
    shown = [link for link in links if link in pages]
    assert shown[0] == "05_report.html"  # the reviewer's first stop, in the sidebar and the list
    assert {"../scorecard.csv", "../estimates.csv", "../provenance.json"} <= set(links)
    assert (site / "search.html").exists() and (site / "searchindex.js").exists()
    for page in ["index.html", *pages]:
        text = (site / page).read_text(encoding="utf-8")
        assert "SYNTHETIC DATA" in text, page  # the banner on every page
        assert not re.search(r'(?:src|href)="https?://', text), page  # offline
    report_page = (site / "05_report.html").read_text(encoding="utf-8")
    verdict = report_page.index("Of the paper’s 267 printed numbers")
    differ, every = (
        report_page.index(f'<section id="{s}">') for s in ("the-claims-that-differ", "scorecard")
    )
    assert verdict < differ < every  # the verdict first, then what differs, then every claim
    differs = 'href="02_aim1_alliance.html#claim-aim1-sex-mwu-p--female-vs-male"'
    assert differs in report_page  # a claim links to the cell that computed it
    aim1 = (site / "02_aim1_alliance.html").read_text(encoding="utf-8")
    assert 'id="claim-aim1-sex-mwu-p--female-vs-male"' in aim1
    for text in ("Audit of the paper", "Women vs men: Mann–Whitney p", "Change by provider type"):
        assert text in report_page, text
    assert 'rel="next" title="The paper’s results, re-run' in report_page  # previous and next


def test_the_book_folds_code_and_shows_parameters_as_a_table(report):
    cohort = (report / "site" / "01_cohort.html").read_text(encoding="utf-8")
    assert cohort.count('<details class="admonition hide above-input">') >= 5
    assert "Parameters of this run" in cohort
    assert "<td><code>who5_cutoff</code></td><td><code>28</code></td>" in cohort
    report_page = (report / "site" / "05_report.html").read_text(encoding="utf-8")
    assert "01_cohort.ipynb&quot;" not in report_page  # no escaped run_parameters JSON
    assert "# Parameters" not in report_page  # papermill's injected cell is gone


def test_provenance_names_code_data_parameters_and_packages(report):
    record = json.loads((report / "provenance.json").read_text(encoding="utf-8"))
    assert set(record) == {"code_version", "data", "packages", "parameters"}
    assert record["data"]["synthetic"] is True
    assert record["data"]["sha256"] == data_fingerprint(SYNTHETIC_DATA)["sha256"]
    assert set(record["parameters"]) == set(NOTEBOOKS)
    assert record["parameters"]["03_aim2_wellbeing.ipynb"]["who5_cutoff"] == 28
    assert record["parameters"]["05_report.ipynb"]["data_dir"] == "$DATA_DIR"  # no machine path
    assert {"pandas", "statsmodels", "pingouin", "python"} <= set(record["packages"])


def test_site_and_provenance_are_the_same_bytes_when_rebuilt(report, tmp_path):
    def contents(site: Path) -> dict[str, bytes]:
        return {
            p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()
        }

    before = contents(report / "site")
    build_book(report)
    assert contents(report / "site") == before
    record = json.loads((report / "provenance.json").read_text(encoding="utf-8"))
    again = write_provenance(tmp_path, SYNTHETIC_DATA, record["parameters"])
    assert again.read_bytes() == (report / "provenance.json").read_bytes()


def _printed_like(published: pd.DataFrame, estimates: pd.DataFrame) -> pd.DataFrame:
    """Our estimates, rounded the way the paper printed each number."""
    values = estimates.set_index(["key", "group"])["value"]
    rows = []
    for key, group, text in zip(published["key"], published["group"], published["reported"],
                                strict=True):  # fmt: skip
        value = values[(key, group)]
        decimals = parse_printed(text).decimals
        if decimals is None:  # a bound: the paper prints small p as "<0.001"
            printed = "<0.001" if value < 0.001 else f"{value:.3f}"
        else:
            printed = f"{value:.{decimals}f}"
        rows.append((key, group, printed))
    return pd.DataFrame(rows, columns=["key", "group", "reported"])


def test_the_audit_raises_no_alarm_on_our_own_rounded_results(report):
    """A consistent source, rounded like the paper: every check must pass.

    The bundled data, like the paper, have 7 people without a country; our
    Table 1 would print them, so the missing row is added.
    """
    estimates = pd.read_csv(report / "estimates.csv")
    printed = _printed_like(load_published(), estimates)
    counts = estimates.set_index(["key", "group"])["value"]
    missing = [
        ("table1.country.missing.n", g,
         str(int(counts["table1.n", g] - counts["table1.country.us.n", g]
                 - counts["table1.country.non_us.n", g])))
        for g in ("therapy", "coaching", "both", "total")
    ]  # fmt: skip
    printed = pd.concat([printed, pd.DataFrame(missing, columns=printed.columns)])
    findings = audit.audit(printed)
    assert findings["consistent"].all(), findings.loc[~findings["consistent"], "claim"].tolist()
