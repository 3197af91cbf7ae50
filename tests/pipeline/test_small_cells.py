"""Small cells, end to end: a group of three people is withheld from every output.

The scenario keeps three analysed "both" users (screened positive, sex recorded, so they
reach aim 3) of a generated SYNTHETIC raw directory and runs the four analysis notebooks
with the default ``min_cell_size`` (5). Everything computed from the three is withheld:
empty in ``estimates.csv`` with a note, in words in the prose, "withheld" in the
scorecard; what does not rest on them stays a number. A second run asks for
``withhold_extremes``: every minimum and maximum goes too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import claims
from helpers.pipeline.results import assemble
from helpers.report import scorecard
from helpers.report.published import load_published
from helpers.synthetic import write_raw
from scenarios import MANIFEST, NOT_A_NUMBER, execute, generated_copy, outputs, without

BOTH = "withheld because fewer than 5 people are in both (min_cell_size)"
COUNTED = "withheld because it counts fewer than 5 people (min_cell_size)"
DESCRIBED = "withheld because it describes fewer than 5 people (min_cell_size)"
EXTREMES = "withheld because a minimum or maximum is one person's value (withhold_extremes)"

#: (key, group, note) withheld because the "both" group holds three people
WITHHELD = [
    ("table1.n", "both", COUNTED),
    ("cohort.utilization.both.n", "all", COUNTED),
    ("table1.screened_positive.pct", "both", COUNTED),
    ("table1.age.mean", "both", DESCRIBED),
    ("table1.alliance.median", "both", DESCRIBED),
    ("aim1.utilization.median", "both", BOTH),
    ("aim1.utilization.kruskal.H", "all", BOTH),
    ("aim1.utilization.dunn.z", "coaching vs both", BOTH),
    ("aim2.change.mean", "both", BOTH),
    ("aim2.anova.F", "utilization", BOTH),
    ("aim2.tukey.p", "both vs therapy", BOTH),
    *((f"aim3.moderation.utilization.both.{f}", "moderation", BOTH) for f in ("beta", "p")),
]
#: claims that do not rest on the three: still numbers
NUMBERS = [
    ("table1.n", "coaching"),
    ("table1.age.mean", "total"),
    ("aim1.utilization.median", "coaching"),
    ("aim1.utilization.dunn.z", "coaching vs therapy"),
    ("aim2.change.mean", "therapy"),
    ("aim3.moderation.utilization.coaching.beta", "moderation"),
    ("aim3.alliance.b", "full model"),
    ("cohort.age.min", "all"),
    ("aim1.alliance.max", "all"),
]


def three_both_users() -> dict[str, pd.DataFrame]:
    tables, plan = generated_copy()
    both = plan[plan["utilization"] == "both"]
    reach_aim3 = (
        (both["fate"] == "analysed")
        & both["sex"].isin(["female", "male"])
        & (both["who5_baseline"] <= 28)
    )
    keep = both.loc[reach_aim3, "participant_id"].iloc[:3]
    return without(tables, both.loc[~both["participant_id"].isin(keep), "participant_id"])


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    return write_raw(three_both_users(), tmp_path_factory.mktemp("small_cells") / "raw", MANIFEST)


@pytest.fixture(scope="module")
def run(raw) -> tuple[Path, pd.DataFrame]:
    output = raw.parent / "out"
    for notebook in claims.NOTEBOOKS:
        execute(notebook, raw, output)  # the defaults: min_cell_size 5
    return output, pd.read_csv(assemble(output), keep_default_na=False)


def test_every_statistic_of_the_small_group_is_withheld_with_a_note(run):
    _, estimates = run
    rows = estimates.set_index(["key", "group"])
    for key, group, note in WITHHELD:
        assert rows.loc[(key, group), "value"] == "", (key, group)
        assert rows.loc[(key, group), "note"] == note, (key, group)
    for key, group in NUMBERS:
        assert rows.loc[(key, group), "value"] != "", (key, group)
    written = set(zip(estimates["key"], estimates["group"], strict=True))
    assert written == {(k, g) for k, c in claims.REGISTRY.items() for g in c.groups}


def test_the_prose_says_withheld_and_never_shows_the_small_group(run):
    output, _ = run
    prose = "\n".join(outputs(output, "text/markdown"))
    assert "both: fewer than 5 people (withheld)" in prose
    assert f"Provider type could not be compared: {BOTH}." in prose
    assert "both withheld" in prose  # the mean changes by utilization type
    assert not NOT_A_NUMBER.search(prose)
    assert "(n = 3)" not in "\n".join(outputs(output, "text/plain"))


def test_the_scorecard_calls_the_small_groups_claims_withheld(run):
    output, estimates = run
    card = scorecard.scorecard(estimates, load_published(), scorecard.notebook_of(output))
    verdicts = dict(zip(zip(card["key"], card["group"], strict=True), card["verdict"], strict=True))
    assert verdicts[("cohort.utilization.both.n", "all")] == scorecard.WITHHELD
    assert verdicts[("aim1.utilization.kruskal.H", "all")] == scorecard.WITHHELD
    assert verdicts[("cohort.utilization.coaching.n", "all")] != scorecard.WITHHELD


def test_withhold_extremes_withholds_every_minimum_and_maximum(raw):
    output = raw.parent / "extremes"
    for notebook in claims.NOTEBOOKS[:2]:  # the two that show minima and maxima
        execute(notebook, raw, output, {"withhold_extremes": True})
    estimates = pd.read_csv(assemble(output), keep_default_na=False)
    extremes = estimates[estimates["key"].str.endswith((".min", ".max"))]
    assert len(extremes) > 10
    assert (extremes["value"] == "").all()
    large = extremes[extremes["group"] != "both"]
    assert (large["note"] == EXTREMES).all()
    rows = estimates.set_index(["key", "group"])
    assert rows.loc[("aim1.alliance.median", "all"), "value"] != ""
    prose = "\n".join(outputs(output, "text/markdown"))
    assert f"No range: {EXTREMES}." in prose
