"""The paper's Results re-run: coverage of the printed numbers, rendering, escaping."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest

from helpers.paths import NOTEBOOK_DIR
from helpers.report import rerun
from helpers.report.published import load_published
from helpers.report.scorecard import NOT_COMPUTED, NOT_ESTIMABLE, VERDICTS, WITHHELD
from helpers.report.verdicts import DIFFERS, MATCH, WITHIN

PAPER_PARTS = ("Results", "Table 1", "Table 2")
SEX_MEDIAN = ("aim1.sex.median", "female")  # printed 4.88
NAN = re.compile(r"\bnan\b", re.IGNORECASE)


def _card(rows: list[dict]) -> pd.DataFrame:
    """A hand-built scorecard: one row per dict, with the columns the page reads."""
    base = {"label": "a claim", "replicated": math.nan}
    columns = ["key", "group", "label", "printed", "replicated", "verdict"]
    return pd.DataFrame([{**base, **row} for row in rows], columns=columns)


def _row(verdict: str, replicated: float = math.nan, **extra) -> dict:
    key, group = SEX_MEDIAN
    return {
        "key": key,
        "group": group,
        "printed": "4.88",
        "replicated": replicated,
        "verdict": verdict,
        **extra,
    }


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return load_published()


@pytest.fixture(scope="module")
def full_card(published) -> pd.DataFrame:
    """Every published claim, each with a replicated value and a verdict, cycling the verdicts."""
    rows = []
    for i, row in enumerate(published.itertuples(index=False)):
        verdict = VERDICTS[i % len(VERDICTS)]
        scored = verdict in (MATCH, WITHIN, DIFFERS)
        rows.append(
            {
                "key": row.key,
                "group": row.group,
                "label": row.label,
                "printed": row.reported,
                "replicated": 1.0 + i / 7 if scored else math.nan,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


def _pages(card: pd.DataFrame) -> list[str]:
    return [rerun.render_section(card, part.name) for part in rerun.SECTIONS] + [
        rerun.render_table(card, tab.name) for tab in rerun.TABLES
    ]


def test_every_printed_number_of_the_results_and_tables_is_on_the_page(published):
    printed = {
        (key, group)
        for key, group, source in zip(
            published["key"], published["group"], published["source"], strict=True
        )
        if any(part in source for part in PAPER_PARTS)
    }
    assert printed - rerun.claims_on_page() == set()


def test_only_abstract_and_methods_claims_are_left_out(published):
    every = set(zip(published["key"], published["group"], strict=True))
    left_out = every - rerun.claims_on_page()
    assert left_out == set(rerun.NOT_ON_PAGE)
    claims = zip(published["key"], published["group"], strict=True)
    sources = dict(zip(claims, published["source"], strict=True))
    for claim in left_out:
        assert not any(part in sources[claim] for part in PAPER_PARTS)
    assert "aim1.alliance.cronbach_alpha" in rerun.not_on_page()


def test_every_placeholder_names_a_published_claim():
    for part in rerun.SECTIONS:
        for sentence in part.sentences:
            rerun.validate(sentence)
    for tab in rerun.TABLES:
        for text in (*tab.header, tab.note, *(cell for row in tab.rows for cell in row)):
            rerun.validate(text)


def test_an_unknown_placeholder_raises_naming_it(full_card):
    with pytest.raises(ValueError, match=r"aim9\.nothing\|all"):
        rerun.validate("see {aim9.nothing|all}")
    with pytest.raises(ValueError, match=r"aim1\.sex\.median\|everyone"):
        rerun.render_sentence("median {aim1.sex.median|everyone}", full_card)
    with pytest.raises(ValueError, match="malformed placeholder"):
        rerun.render_sentence("median {aim1.sex.median}", full_card)


@pytest.mark.parametrize(
    ("verdict", "replicated", "shown"),
    [
        (MATCH, 4.8812, "4.881"),
        (WITHIN, 4.84, "4.840"),
        (DIFFERS, 4.8, "4.800"),
        (NOT_ESTIMABLE, math.nan, None),
        (WITHHELD, math.nan, None),
        (NOT_COMPUTED, math.nan, None),
    ],
)
def test_a_sentence_shows_printed_replicated_and_verdict(verdict, replicated, shown):
    card = _card([_row(verdict, replicated)])
    rendered = rerun.render_sentence("Women: {aim1.sex.median|female}.", card)
    assert rendered.startswith('Women: <span class="claim ')
    assert ">4.88 <small>" in rendered
    assert verdict in rendered  # the word, not only the colour
    assert "background:" in rendered
    if shown is None:
        assert f"(this run: {verdict})" in rendered
    else:
        assert f"(this run: {shown} · {verdict})" in rendered
    assert not NAN.search(rendered)


def test_each_verdict_has_its_own_class_and_colour():
    styles = set()
    for verdict in VERDICTS:
        scored = verdict in (MATCH, WITHIN, DIFFERS)
        card = _card([_row(verdict, 4.8 if scored else math.nan)])
        rendered = rerun.render_claim(*SEX_MEDIAN, card)
        styles.add(re.search(r'class="claim ([^"]+)" style="([^"]+)"', rendered).groups())
    assert len({css for css, _ in styles}) == len(VERDICTS)
    assert len({style for _, style in styles}) == len(VERDICTS)


def test_a_claim_the_scorecard_lacks_is_not_computed():
    card = _card([_row(MATCH, 4.88)])
    rendered = rerun.render_sentence("{aim1.sex.median|male}", card)
    assert ">4.67 <small>(this run: not computed)</small>" in rendered


def test_replicated_values_use_the_printed_precision_plus_one_decimal():
    assert rerun.format_replicated(4.8812, "4.88") == "4.881"
    assert rerun.format_replicated(35.530288, "35.53") == "35.530"
    assert rerun.format_replicated(58.3233, "58") == "58.3"
    assert rerun.format_replicated(494.0, "485") == "494"  # whole beside whole
    assert rerun.format_replicated(0.0149, "<0.001") == "0.0149"
    assert rerun.format_replicated(0.04005, "<0.03") == "0.040"
    assert rerun.format_replicated(1.9e-9, "0.004") == "< 0.0001"
    assert rerun.format_replicated(-1e-7, "-0.001") == "> -0.0001"
    assert rerun.format_replicated(0.0, "0.002") == "0.0000"
    for missing in (math.nan, None, ""):
        with pytest.raises(ValueError, match="not a finite number"):
            rerun.format_replicated(missing, "4.88")


def test_no_page_contains_nan(full_card):
    for page in _pages(full_card):
        assert not NAN.search(page)
    empty = full_card.assign(replicated=math.nan, verdict=NOT_ESTIMABLE)
    for page in _pages(empty):
        assert not NAN.search(page)
        assert "not estimable on these data" in page


def test_text_from_the_data_is_escaped():
    card = _card(
        [
            _row(MATCH, 4.88, label='<script>alert("x")</script>'),
            {
                "key": "aim2.change.p",
                "group": "screened_positive",
                "printed": "<0.001",
                "replicated": 0.0004,
                "verdict": MATCH,
            },
        ]
    )
    rendered = rerun.render_sentence(
        "{aim1.sex.median|female}, P {aim2.change.p|screened_positive}", card
    )
    assert "<script>" not in rendered
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in rendered
    assert "&lt; 0.001 <small>(this run: 0.0004 · matches as printed)</small>" in rendered
    assert "<0.001" not in rendered
    # the sentence's own text is escaped as well
    assert rerun.render_sentence("a < b & c", card) == "a &lt; b &amp; c"


def test_a_malformed_scorecard_is_refused():
    with pytest.raises(ValueError, match="lacks column"):
        rerun.render_sentence("x", pd.DataFrame({"key": []}))
    with pytest.raises(ValueError, match="expected one of"):
        rerun.render_sentence("x", _card([_row("fine")]))
    with pytest.raises(ValueError, match="no replicated value"):
        rerun.render_sentence("x", _card([_row(MATCH)]))
    with pytest.raises(ValueError, match="twice"):
        rerun.render_sentence("x", _card([_row(MATCH, 4.9), _row(MATCH, 4.9)]))
    with pytest.raises(ValueError, match="no section"):
        rerun.render_section(_card([]), "aim4")
    with pytest.raises(ValueError, match="no table"):
        rerun.render_table(_card([]), "table3")


def test_sections_follow_the_paper_and_tally_their_claims(full_card):
    assert [part.name for part in rerun.SECTIONS] == ["participants", "aim1", "aim2", "aim3"]
    html = rerun.render_section(full_card, "aim1")
    assert html.count("<li>") == len(rerun.section("aim1").sentences)
    distinct = set()
    for sentence in rerun.section("aim1").sentences:
        distinct |= set(rerun.placeholders(sentence))
    assert f"{len(distinct)} printed numbers beside this run&#x27;s" in html


def test_p_values_read_as_written():
    """A bound such as "<0.001" follows "P", an exact p-value follows "P =", never both."""
    card = _card([])
    for page in _pages(card):
        assert "= &lt;" not in page and "= &gt;" not in page
        assert not re.search(r"P <span[^>]*>\d", page)


def test_tables_are_laid_out_as_printed(full_card):
    table1 = rerun.render_table(full_card, "table1")
    assert table1.count("<tr>") == len(rerun.table("table1").rows) + 1
    assert "Median [min, max]" in table1 and "Within USA, n (%)" in table1
    table2 = rerun.render_table(full_card, "table2")
    header = re.findall(r"<th [^>]*>([^<]*)</th>", table2)
    assert header == ["Predictors", "b", "β", "SE", "95% CI", "P", "R²", "ΔR²"]


def test_unlisted_printed_numbers_are_marked_not_scored():
    rendered = rerun.render_section(_card([]), "participants")
    assert "18% <small>(not in the published values: not scored)</small>" in rendered


def test_a_percent_sign_goes_with_its_number():
    card = _card(
        [
            {
                "key": "cohort.sex.female.pct",
                "group": "all",
                "printed": "54.1",
                "replicated": 54.0725,
                "verdict": MATCH,
            }
        ]
    )
    rendered = rerun.render_sentence("{cohort.sex.female.pct|all}% female", card)
    assert ">54.1% <small>(this run: 54.07% · matches as printed)</small></span> female" in rendered
    assert rerun.placeholders("{cohort.sex.female.pct|all}%") == [("cohort.sex.female.pct", "all")]


def test_load_scorecard_keeps_printed_text(tmp_path):
    card = _card([_row(DIFFERS, 4.8), {**_row(WITHHELD), "group": "male", "printed": "4.67"}])
    card.to_csv(tmp_path / "scorecard.csv", index=False)
    loaded = rerun.load_scorecard(tmp_path)
    assert list(loaded["printed"]) == ["4.88", "4.67"]
    assert loaded["replicated"].iloc[0] == 4.8 and math.isnan(loaded["replicated"].iloc[1])
    with pytest.raises(ValueError, match="no scorecard"):
        rerun.load_scorecard(tmp_path / "elsewhere")


def test_the_notebook_has_a_heading_and_a_cell_per_section():
    notebook = json.loads((NOTEBOOK_DIR / "07_paper_rerun.ipynb").read_text(encoding="utf-8"))
    markdown = "\n".join(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    )
    code = "\n".join(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"
    )
    assert markdown.startswith("# The paper's results, re-run")
    for part in rerun.SECTIONS:
        assert f"## {part.title}" in markdown
        assert f'rerun.render_section(card, "{part.name}")' in code
    for tab in rerun.TABLES:
        assert f'rerun.render_table(card, "{tab.name}")' in code
    tagged = [
        cell for cell in notebook["cells"] if "parameters" in cell["metadata"].get("tags", [])
    ]
    assert len(tagged) == 1
