"""Small or odd data: no number where R gives NA, no crash where a statistic is not estimable.

Each scenario edits a generated SYNTHETIC raw directory (``helpers.synthetic``, sample
mode, seed 3, 400 registrants) so that some statistics cannot be estimated, runs the four
analysis notebooks on it with papermill (``min_cell_size`` 1: nothing is withheld), and
checks that the run completes; that every registered claim is written, the affected ones
with an empty value and a note ``not estimable: <reason>``; that no sentence says "nan" or
"inf" and the affected ones say why in words; and that the scorecard calls such a
published claim "not estimable on these data". Nobody eligible is the one situation that
stops the run, after showing the flow.

The situations (issue item 11): one "both" user in aim 3 (the utilization moderation is
rank-deficient), a constant age (Spearman), constant WHO-5 changes (paired t-test, ANOVA),
no "both" users, coaches only, no men, twelve registrants, nobody eligible.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest

from helpers import claims
from helpers.data.cohort import derive_cohort
from helpers.data.rawdata import load_raw
from helpers.pipeline.results import assemble
from helpers.report import scorecard
from helpers.report.published import load_published
from helpers.synthetic import write_raw
from locations import SMALL
from scenarios import (
    MANIFEST,
    NOT_A_NUMBER,
    WHO5_ITEMS,
    Tables,
    execute,
    generated_copy,
    outputs,
    without,
)

#: Publish every cell, however small: these scenarios are about what the data cannot
#: support, not about what a run withholds (``test_small_cells.py``).
ALL_CELLS = {"min_cell_size": 1}


def one_both_user(tmp: Path) -> Tables:
    """Every "both" user but one analysed, screened-positive woman or man."""
    tables, plan = generated_copy()
    both = plan[plan["utilization"] == "both"]
    keep = both[
        (both["fate"] == "analysed")
        & both["sex"].isin(["female", "male"])
        & (both["who5_baseline"] <= 28)
    ]["participant_id"].iloc[0]
    return without(tables, both.loc[both["participant_id"] != keep, "participant_id"])


def constant_age(tmp: Path) -> Tables:
    tables, _ = generated_copy()
    tables["participants"]["age"] = 40
    return tables


def constant_change(tmp: Path) -> Tables:
    """Each analysed person's follow-up WHO-5 is their baseline plus 8 (two items up by one)."""
    tables, _ = generated_copy()
    write_raw(tables, tmp / "unedited", MANIFEST)
    people = derive_cohort(load_raw(tmp / "unedited")).participants
    who5 = tables["who5_assessments"]
    dates = pd.to_datetime(who5["assessed_on"])
    for person in people.itertuples():
        mine = who5["participant_id"] == person.participant_id
        items = who5.loc[mine & (dates == person.baseline_on), WHO5_ITEMS].iloc[0].to_numpy().copy()
        raised = [i for i in range(5) if items[i] < 5][:2]
        if len(raised) == 2:
            items[raised] += 1
            who5.loc[mine & (dates == person.followup_on), WHO5_ITEMS] = items
    return tables


def no_both_users(tmp: Path) -> Tables:
    tables, plan = generated_copy()
    return without(tables, plan.loc[plan["utilization"] == "both", "participant_id"])


def coaches_only(tmp: Path) -> Tables:
    tables, plan = generated_copy()
    return without(
        tables, plan.loc[plan["utilization"].isin(["therapy", "both"]), "participant_id"]
    )


def no_men(tmp: Path) -> Tables:
    tables, _ = generated_copy()
    sex = tables["participants"]["sex"]
    tables["participants"]["sex"] = sex.where(sex != "male", "female")
    return tables


def twelve_registrants(tmp: Path) -> Tables:
    return generated_copy(registrants=12)[0]


#: scenario -> (how to make its raw data, claims written as missing: (key, group, reason),
#: claims still numbers, a sentence that says why in words)
SCENARIOS: dict[str, tuple[Callable[[Path], Tables], list, list, str]] = {
    "one both user": (
        one_both_user,
        [
            (f"aim3.moderation.utilization.both.{field}", "moderation", "linear combination")
            for field in claims.MODERATION_FIELDS
        ],
        [("aim3.moderation.utilization.coaching.p", "moderation"), ("table1.n", "both")],
        "alliance_score:both could not be estimated: alliance_score:both is a linear "
        "combination of the terms before it",
    ),
    "constant age": (
        constant_age,
        [
            ("aim1.age.spearman.rho", "all", "the standard deviation of age is zero"),
            ("aim1.age.spearman.p", "all", "the standard deviation of age is zero"),
            ("aim3.age.b", "full model", "age does not vary"),
            ("aim3.moderation.sessions.p", "moderation", "the standard deviation of age is zero"),
        ],
        [("aim3.alliance.b", "full model"), ("table1.age.mean", "total")],
        "Age and alliance could not be correlated: the standard deviation of age is zero.",
    ),
    "constant change": (
        constant_change,
        [
            *(
                (f"aim2.change.{field}", "screened_positive", "data are essentially constant")
                for field in ("t", "p", "df", "ci_low", "ci_high", "cohen_d_z")
            ),
            ("aim2.anova.F", "utilization", "every value is the same"),
            ("aim2.anova.p", "utilization", "every value is the same"),
        ],
        [("aim2.change.mean", "screened_positive"), ("aim2.change.cohen_d", "screened_positive")],
        "The change could not be tested: data are essentially constant",
    ),
    "no both users": (
        no_both_users,
        [
            ("table1.age.mean", "both", "nobody in this group"),
            ("aim1.utilization.median", "both", "no values"),
            ("aim1.utilization.dunn.z", "coaching vs both", "no values in group 'both'"),
            ("aim2.change.mean", "both", "nobody in this group"),
            ("aim2.tukey.p", "both vs therapy", "no values in group 'both'"),
            ("aim3.moderation.utilization.both.beta", "moderation", "does not vary"),
        ],
        [("table1.n", "both"), ("aim1.utilization.kruskal.p", "all")],
        "nobody used both",
    ),
    "coaches only": (
        coaches_only,
        [
            ("aim1.utilization.kruskal.H", "all", "all observations are in the same group"),
            ("aim1.utilization.dunn.z", "coaching vs therapy", "no values in group 'therapy'"),
            ("aim2.anova.F", "utilization", "all observations are in the same group (coaching)"),
            ("aim2.tukey.p", "therapy vs coaching", "all observations are in the same group"),
            ("table1.age.mean", "therapy", "nobody in this group"),
        ],
        [("aim1.utilization.median", "coaching"), ("table1.n", "therapy")],
        "Provider type could not be compared: all observations are in the same group (coaching).",
    ),
    "no men": (
        no_men,
        [
            ("aim1.sex.mwu.W", "female vs male", "the male group is empty"),
            ("aim1.sex.mwu.p", "female vs male", "the male group is empty"),
            ("aim1.sex.median", "male", "the male group is empty"),
            ("aim3.sex_male.b", "full model", "male does not vary"),
        ],
        [("aim1.sex.median", "female"), ("aim3.alliance.p", "full model")],
        "Women's and men's alliance could not be compared: the male group is empty.",
    ),
    "twelve registrants": (
        twelve_registrants,
        [
            ("aim2.change.p", "screened_positive", "not enough observations"),
            ("aim3.alliance.b", "full model", "aliased"),
            ("aim3.alliance.p", "full model", "aliased"),
            ("aim3.moderation.sessions.p", "moderation", "fewer than two complete cases"),
        ],
        [("aim3.n", "screened_positive"), ("aim2.change.mean", "screened_positive")],
        "The change could not be tested: not enough observations",
    ),
}


@pytest.fixture(scope="module", params=list(SCENARIOS))
def scenario(request, tmp_path_factory):
    """Run the four analysis notebooks on one scenario's raw data."""
    root = tmp_path_factory.mktemp(request.param.replace(" ", "_"))
    make, missing, numbers, words = SCENARIOS[request.param]
    raw = write_raw(make(root), root / "raw", MANIFEST)
    output = root / "out"
    for notebook in claims.NOTEBOOKS:  # a failure raises: the run must complete
        execute(notebook, raw, output, ALL_CELLS)
    estimates = pd.read_csv(assemble(output), keep_default_na=False)
    return output, estimates, missing, numbers, words


def test_the_run_completes_and_writes_every_registered_claim(scenario):
    output, estimates, *_ = scenario
    assert not outputs(output, "error")
    written = set(zip(estimates["key"], estimates["group"], strict=True))
    registered = {(key, group) for key, item in claims.REGISTRY.items() for group in item.groups}
    assert written == registered  # each one a number, or missing with a reason


def test_what_cannot_be_estimated_is_written_empty_with_a_reason(scenario):
    _, estimates, missing, numbers, _ = scenario
    rows = estimates.set_index(["key", "group"])
    for key, group, reason in missing:
        assert rows.loc[(key, group), "value"] == "", (key, group)
        note = rows.loc[(key, group), "note"]
        assert note.startswith("not estimable: ") and reason in note, (key, group, note)
    for key, group in numbers:
        assert rows.loc[(key, group), "value"] != "", (key, group)
    # every empty value says why; no number is NaN or infinite
    empty = rows[rows["value"] == ""]
    assert empty["note"].str.startswith("not estimable: ").all()
    assert not rows["value"].str.contains(NOT_A_NUMBER).any()


def test_the_prose_says_why_in_words_never_nan(scenario):
    output, _, _, _, words = scenario
    prose = "\n".join(outputs(output, "text/markdown"))
    assert words in prose
    assert not NOT_A_NUMBER.search(prose), NOT_A_NUMBER.search(prose)
    assert "RuntimeWarning" not in "".join(outputs(output, "stream"))


def test_the_scorecard_says_not_estimable_on_these_data(scenario):
    output, estimates, missing, _, _ = scenario
    card = scorecard.scorecard(estimates, load_published(), scorecard.notebook_of(output))
    verdicts = dict(zip(zip(card["key"], card["group"], strict=True), card["verdict"], strict=True))
    assert scorecard.NOT_COMPUTED not in verdicts.values()  # every claim was written
    published = [(key, group) for key, group, _ in missing if (key, group) in verdicts]
    assert published
    for claim in published:
        assert verdicts[claim] == scorecard.NOT_ESTIMABLE, claim
    assert scorecard.counts(card, "aim").loc["All", scorecard.NOT_ESTIMABLE] >= len(published)


# --- nobody eligible: the one situation that stops the run -------------------------------


def _nobody(tmp_path: Path, parameters: dict) -> tuple[str, Path]:
    output = tmp_path / "out"
    with pytest.raises(pm.PapermillExecutionError) as stopped:
        execute("01_cohort", SMALL, output, parameters)
    return str(stopped.value), output


def _flow_shown_before_stopping(output: Path) -> bool:
    executed = nbformat.read(output / "notebooks" / "01_cohort.ipynb", as_version=4)
    flow = next(cell for cell in executed.cells if cell.source.startswith("flow_table("))
    shown = "".join(str(out.get("data", {})) for out in flow.get("outputs", []))
    return "registered" in shown and "rated" in shown


def test_nobody_eligible_stops_after_showing_the_flow(tmp_path):
    """Everyone leaves at the follow-up step: a clear error naming the step and the flow."""
    message, output = _nobody(tmp_path, {"min_followup_days": 100000})
    assert "ValueError" in message
    assert "nobody is eligible: everyone left at step 'followup'" in message
    assert "13 of 13 were excluded" in message
    assert "Eligibility flow: registered 18 -> adult 16" in message
    assert _flow_shown_before_stopping(output)
    assert not (output / "estimates").exists()  # nothing half-written


def test_nobody_old_enough_stops_after_showing_the_flow(tmp_path):
    message, output = _nobody(tmp_path, {"min_age": 200})
    assert "nobody is eligible: everyone left at step 'adult'" in message
    assert _flow_shown_before_stopping(output)
