"""The synthetic data generator: faithful rendering, exact flow, calibration, recovery.

The data are SYNTHETIC. Agreement with the paper checks the pipeline, it is
not evidence about the study.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from calibration import calibration_table
from helpers.data.cohort import derive_cohort
from helpers.data.contract import TABLES
from helpers.data.rawdata import load_raw
from helpers.design import UTILIZATION_TYPES, WHO5_CUTOFF, WHO5_STEP
from helpers.paths import PUBLISHED_VALUES, SYNTHETIC_DATA
from helpers.report.published import printed_values
from helpers.report.verdicts import parse_printed
from helpers.synthetic import PopulationModel, generate, make_dataset, write_raw
from helpers.whatif import simulate
from helpers.whatif.estimand import estimand


@pytest.fixture(scope="module")
def bundled_cohort():
    return derive_cohort(load_raw(SYNTHETIC_DATA))


def test_make_data_regenerates_the_bundled_set_byte_for_byte(tmp_path):
    make_dataset(tmp_path / "again")
    for name in [f"{table}.csv" for table in TABLES] + ["SYNTHETIC.json"]:
        assert (tmp_path / "again" / name).read_bytes() == (SYNTHETIC_DATA / name).read_bytes(), (
            name
        )


def test_bundled_data_say_they_are_synthetic():
    manifest = json.loads((SYNTHETIC_DATA / "SYNTHETIC.json").read_text())
    assert manifest["synthetic"] is True
    assert "SYNTHETIC DATA" in manifest["warning"]
    assert (manifest["seed"], manifest["mode"], manifest["registrants"]) == (20221, "matched", 6500)
    assert "SYNTHETIC" in (SYNTHETIC_DATA / "README.md").read_text()


def test_bundled_flow_is_the_papers(bundled_cohort):
    flow = bundled_cohort.flow.set_index("step")["n"]
    assert flow["followup"] == 5985  # received care and completed assessments
    assert flow["rated"] == 3087
    assert list(flow) == sorted(flow, reverse=True) and len(set(flow)) == len(
        flow
    )  # every step excludes someone
    sizes = bundled_cohort.participants["utilization"].value_counts()
    assert (sizes["therapy"], sizes["coaching"], sizes["both"]) == (555, 2003, 529)


@pytest.mark.parametrize("mode", ["matched", "sample"])
def test_deriving_the_cohort_returns_the_plan(tmp_path, mode):
    tables, plan = generate(seed=7, registrants=2000, mode=mode)
    cohort = derive_cohort(load_raw(write_raw(tables, tmp_path / mode, {"synthetic": True})))
    flow = cohort.flow.set_index("step")["n"]
    fates = plan["fate"].value_counts()
    assert flow["rated"] == fates["analysed"]
    assert flow["followup"] == fates["analysed"] + fates["unrated"]
    expected = plan[plan["fate"] == "analysed"].set_index("participant_id")
    derived = cohort.participants.set_index("participant_id")
    expected = expected.loc[derived.index]
    for column in ("utilization", "age", "n_sessions", "time_in_care_days", "followup_days",
                   "who5_baseline", "who5_followup"):  # fmt: skip
        assert (derived[column].to_numpy() == expected[column].to_numpy()).all(), column
    np.testing.assert_allclose(derived["alliance_score"], expected["alliance_score"], rtol=1e-12)


def test_scale_keeps_the_flow_proportions():
    _, plan = generate(seed=3, registrants=13000, mode="sample")
    assert plan["fate"].value_counts()["analysed"] == 2 * 3087


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"mode": "exact"}, "mode"),
        ({"seed": 1.5}, "seed"),
        ({"registrants": 5}, "registrants"),
    ],
)
def test_bad_arguments_are_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        generate(**arguments)


def test_model_checks_its_fates():
    with pytest.raises(ValueError, match="add up"):
        PopulationModel(registrants=10)


# --- the model's printed values --------------------------------------------------


def _printed(key: str, group: str = "all") -> str:
    """The text the paper prints for ``key`` [``group``], read here independently of the model."""
    published = pd.read_csv(PUBLISHED_VALUES, dtype=str, keep_default_na=False)
    row = published[(published["key"] == key) & (published["group"] == group)]
    assert len(row) == 1, f"{key} [{group}]"
    return row["reported"].iloc[0]


def test_the_models_calibration_targets_are_the_papers_printed_values():
    model = PopulationModel()
    number = lambda key, group="all": float(_printed(key, group))  # noqa: E731
    count = lambda key, group="all": int(_printed(key, group))  # noqa: E731
    for group in UTILIZATION_TYPES:
        g = model.groups[group]
        n = count(f"cohort.utilization.{group}.n")
        assert g.share == n / count("cohort.analyzed"), group
        assert g.sex == tuple(
            count(f"table1.sex.{level}.n", group) / n for level in ("female", "male", "missing")
        ), group
        us, non_us = count("table1.country.us.n", group), count("table1.country.non_us.n", group)
        assert g.country == (us / n, non_us / n, (n - us - non_us) / n), group
        assert (g.age.mean, g.age.sd) == (
            number("table1.age.mean", group),
            number("table1.age.sd", group),
        ), group
        assert (g.age.low, g.age.high) == (count("cohort.age.min"), count("cohort.age.max"))
        for moments, stem in (
            (g.sessions, "sessions"),
            (g.time_in_care, "time_in_care_days"),
            (g.followup_days, "followup_days"),
        ):
            assert (moments.mean, moments.sd) == (
                number(f"table1.{stem}.mean", group),
                number(f"table1.{stem}.sd", group),
            ), (group, stem)
            assert (moments.low, moments.high) == (
                count(f"table1.{stem}.min", group),
                count(f"table1.{stem}.max", group),
            ), (group, stem)
        assert g.screened_positive == count("table1.screened_positive.n", group) / n, group
        assert g.alliance_min == count("table1.alliance.min", group), group
        assert g.alliance_mean == number("table1.alliance.mean", group), group
        assert g.change == number("aim2.change.mean", group), group
    completed, analysed = count("cohort.completed_assessments"), count("cohort.analyzed")
    assert (model.fates["unrated"], model.fates["analysed"]) == (completed - analysed, analysed)
    assert model.registrants == sum(model.fates.values())
    positives, complete = count("aim2.n", "screened_positive"), count("aim3.n", "screened_positive")
    assert model.screened_sex_missing == (positives - complete) / positives
    for field, key in (
        ("followup_intercept", "aim3.intercept.b"),
        ("followup_age", "aim3.age.b"),
        ("followup_male", "aim3.sex_male.b"),
        ("followup_time_in_care", "aim3.time_in_care.b"),
        ("followup_baseline", "aim3.baseline_who5.b"),
        ("followup_alliance", "aim3.alliance.b"),
        ("followup_alliance_se", "aim3.alliance.se"),
    ):
        assert getattr(model, field) == number(key, "full model"), field
    assert model.followup_cohen_d == number("aim2.change.cohen_d", "screened_positive")


def test_the_baseline_mean_is_the_one_the_paper_implies():
    # 20.42 is not printed: it is aim 2's mean change over its percentage improvement
    change = _printed("aim2.change.mean", "screened_positive")
    percent = _printed("aim2.change.pct_improvement", "screened_positive")
    baseline = PopulationModel().baseline_positive_mean_raw * WHO5_STEP
    assert round(baseline, 2) == round(100 * float(change) / float(percent), 2)
    # and within what the printed values allow, given their rounding
    change, percent = parse_printed(change), parse_printed(percent)
    assert 100 * change.low / percent.high <= baseline <= 100 * change.high / percent.low


def test_changing_a_printed_value_changes_the_model(monkeypatch):
    key = ("table1.age.mean", "therapy")
    monkeypatch.setitem(printed_values(), key, "40.00")
    assert PopulationModel().groups["therapy"].age.mean == 40.0
    monkeypatch.setitem(printed_values(), key, "oops")
    with pytest.raises(ValueError):
        PopulationModel()


# --- calibration ----------------------------------------------------------------
#
# Tolerance per statistic: (key pattern, group pattern, kind, tolerance). "abs"
# is an absolute difference, "rel" relative to the published value. Matched
# mode hits counts and most means exactly; SDs, medians and test statistics
# follow from the population model and get wider tolerances. Known gaps are
# marked: they are where the model and the paper's numbers still disagree.
TOLERANCES = [
    (r"cohort\.(completed_assessments|analyzed)", ".*", "abs", 0),
    (r"cohort\.(sex\..*|utilization\..*)\.n", ".*", "abs", 0),
    (r"(cohort|table1)\.age\.(min|max)", ".*", "abs", 0),
    (r"(cohort|table1)\.age\.mean", ".*", "abs", 0.005),
    (r"(cohort|table1)\.age\.sd", ".*", "rel", 0.03),
    (r"table1\.(sex\..*|country\..*|screened_positive)\.n", ".*", "abs", 0),
    (r"(cohort|table1)\.(sex\..*|country\..*|screened_positive)\.pct", ".*", "abs", 0.05),
    (r"(table1|aim1)\.alliance\.mean", ".*", "abs", 0.005),
    (r"(table1|aim1)\.alliance\.sd", ".*", "abs", 0.02),  # matched mode fits them
    (r"(table1|aim1)\.alliance\.median", ".*", "abs", 0.1),  # one step of the discrete score
    (r"table1\.alliance\.(min|max)", ".*", "abs", 0),
    (r"table1\.(sessions|time_in_care_days|followup_days)\.mean", ".*", "rel", 0.001),
    (r"table1\.(sessions|time_in_care_days|followup_days)\.sd", ".*", "rel", 0.08),
    (r"table1\.(sessions|time_in_care_days|followup_days)\.median", ".*", "rel", 0.20),
    (r"table1\.(sessions|time_in_care_days|followup_days)\.max", ".*", "abs", 0),
    (r"table1\.(sessions|time_in_care_days|followup_days)\.min", ".*", "abs", 5),
    (r"aim1\.alliance\.cronbach_alpha", ".*", "abs", 0.03),
    (r"aim1\.(sex|utilization|country|baseline)\.median", ".*", "abs", 0.15),
    (r"aim1\.sex\.mwu\.W", ".*", "rel", 0.08),
    (r"aim1\.utilization\.kruskal\.H", ".*", "abs", 0.5),  # fitted through Dunn's Z
    (r"aim1\.age\.spearman\.rho", ".*", "abs", 0.05),
    (r"aim2\.n", ".*", "abs", 0),
    (r"aim2\.change\.mean", ".*", "abs", 0.005),
    (r"aim2\.change\.ci_(low|high)", ".*", "abs", 0.1),
    (r"aim2\.change\.cohen_d", ".*", "abs", 0.03),
    (r"aim2\.change\.pct_improvement", ".*", "abs", 2.0),
    (r"aim2\.anova\.F", ".*", "rel", 0.15),
    (r"aim2\.(recovery|improvement)\.n", ".*", "rel", 0.05),
    (r"aim2\.(recovery|improvement)\.pct", ".*", "abs", 3.0),
    (r"aim3\.n", ".*", "abs", 0),
    # coefficients: a twentieth of the published standard error
    (r"aim3\.intercept\.b", ".*", "abs", 0.05 * 5.83),
    (r"aim3\.age\.b", ".*", "abs", 0.05 * 0.08),
    (r"aim3\.sex_male\.b", ".*", "abs", 0.05 * 1.50),
    (r"aim3\.time_in_care\.b", ".*", "abs", 0.005),  # printed -0.01: -0.015 to -0.005
    (r"aim3\.baseline_who5\.b", ".*", "abs", 0.05 * 0.10),
    (r"aim3\.alliance\.b", ".*", "abs", 0.05 * 0.99),
    (r"aim3\..*\.se", ".*", "rel", 0.20),
    (r"aim3\.alliance\.p", ".*", "abs", 0.005),  # the paper's key result: p = .04
    (r"aim3\.full\.r2", ".*", "abs", 0.02),
]


def _tolerance(key: str, group: str) -> tuple[str, float]:
    for key_pattern, group_pattern, kind, tolerance in TOLERANCES:
        if re.fullmatch(key_pattern, key) and re.fullmatch(group_pattern, group):
            return kind, tolerance
    raise KeyError(f"no calibration tolerance for {key} [{group}]")


def test_bundled_data_are_calibrated_to_the_paper(bundled_cohort):
    table = calibration_table(bundled_cohort)
    assert len(table) >= 180
    rules = [
        _tolerance(key, group) for key, group in zip(table["key"], table["group"], strict=True)
    ]
    table["kind"] = [kind for kind, _ in rules]
    table["tolerance"] = [tolerance for _, tolerance in rules]
    difference = (table["synthetic"] - table["published"]).abs()
    allowed = np.where(
        table["kind"] == "rel", table["tolerance"] * table["published"].abs(), table["tolerance"]
    )
    outside = table[difference > allowed + 1e-9]
    assert outside.empty, "outside tolerance:\n" + outside.to_string()


def test_the_papers_aim_1_conclusions_hold_in_the_bundled_data(bundled_cohort):
    people = bundled_cohort.participants
    by_group = {g: people.loc[people["utilization"] == g, "alliance_score"] for g in
                UTILIZATION_TYPES}  # fmt: skip
    ranks = people["alliance_score"].rank()
    mean_rank = ranks.groupby(people["utilization"].to_numpy()).mean()
    assert mean_rank.idxmax() == "coaching"  # coaching above therapy and both
    assert stats.kruskal(*by_group.values()).pvalue < 0.05
    female = people.loc[people["sex"] == "female", "alliance_score"]
    male = people.loc[people["sex"] == "male", "alliance_score"]
    assert female.mean() > male.mean()  # women above men
    assert abs(stats.spearmanr(people["age"], people["alliance_score"])[0]) < 0.05  # no age effect


# --- recovery of the planted effect (sample mode) ---------------------------------


def _table2_alliance(plan: pd.DataFrame) -> tuple[float, float, int]:
    people = plan[
        (plan["fate"] == "analysed") & (plan["who5_baseline"] <= WHO5_CUTOFF) & plan["sex"].notna()
    ]
    design = np.column_stack(
        [np.ones(len(people)), people["age"], people["sex"] == "male",
         people["time_in_care_days"], people["who5_baseline"], people["alliance_score"]]
    ).astype(float)  # fmt: skip
    outcome = people["who5_followup"].to_numpy(float)
    beta, *_ = np.linalg.lstsq(design, outcome, rcond=None)
    residual = outcome - design @ beta
    dof = len(outcome) - design.shape[1]
    se = np.sqrt(residual @ residual / dof * np.linalg.inv(design.T @ design)[5, 5])
    return beta[5], se, dof


#: Cohorts of the recovery test (the issue asks for at least 200). Over 200 cohorts the
#: coverage of a calibrated 95% CI has an SD of 1.5 points, so a 93-97% window fails one
#: block in five by chance: seeds 0-199 cover 98.0%, 0-399 97.3%, 0-599 96.0%, 0-799
#: 95.5% (SD of the estimates 0.885, mean SE 0.914). 600 cohorts take about 45 s.
RECOVERY_COHORTS = 600


def test_sample_mode_recovers_the_planted_alliance_effect():
    # The truth is what Table 2's regression estimates on the population
    # (helpers.whatif.estimand, as the what-if notebook uses it): about 1.95 for the
    # planted b = 2.04, because Table 2 omits the provider-type shifts and WHO-5 has a
    # floor at 0.
    model = PopulationModel()
    truth = estimand(simulate.population(seed=20221, scale=10), model.followup_alliance)
    estimates, covered = [], []
    for seed in range(RECOVERY_COHORTS):
        _, plan = generate(seed=seed, mode="sample")
        estimate, se, dof = _table2_alliance(plan)
        half = stats.t.ppf(0.975, dof) * se
        estimates.append(estimate)
        covered.append(estimate - half <= truth.value <= estimate + half)
    summary = (
        f"estimand {truth.value:.3f}, mean {np.mean(estimates):.3f}, SD {np.std(estimates):.3f}"
    )
    assert abs(np.mean(estimates) - truth.value) <= 0.10 * truth.value, summary
    assert 0.93 <= np.mean(covered) <= 0.97, f"coverage {np.mean(covered):.3f}; {summary}"
