"""Compare a synthetic cohort's statistics with the published values (calibration).

Used by tests/synthetic/test_synthetic.py and runnable on its own to print the table:

    python tests/synthetic/calibration.py            # bundled data set
    python tests/synthetic/calibration.py DATA_DIR   # any raw data directory

This is test code: it reads data/published_values.csv to judge the
generator. No analysis code reads that file.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from helpers.claims import table2_key
from helpers.data.cohort import Cohort, derive_cohort
from helpers.data.rawdata import load_raw
from helpers.data.scoring import cronbach_alpha
from helpers.design import TABLE2_FOCAL, TABLE2_TERMS, UTILIZATION_TYPES
from helpers.paths import PUBLISHED_VALUES, SYNTHETIC_DATA
from helpers.report.tables import flow_estimates, table1_estimates


def cohort_statistics(cohort: Cohort) -> pd.DataFrame:
    """Every published statistic the cohort determines, keyed as the published values file."""
    people = cohort.participants
    rows: list[tuple[str, str, float]] = []
    add = lambda key, group, value: rows.append((key, group, float(value)))  # noqa: E731
    for frame in (table1_estimates(people), flow_estimates(cohort.flow)):
        rows += list(frame[["key", "group", "value"]].itertuples(index=False, name=None))
    groups = {g: people[people["utilization"] == g] for g in UTILIZATION_TYPES}
    # aim 1
    add("aim1.alliance.median", "all", people["alliance_score"].median())
    add("aim1.alliance.mean", "all", people["alliance_score"].mean())
    add("aim1.alliance.sd", "all", people["alliance_score"].std(ddof=1))
    add("aim1.alliance.cronbach_alpha", "all", cronbach_alpha(people[["bond_mean", "goals_mean"]]))
    for level in ("female", "male"):
        add("aim1.sex.median", level, people.loc[people["sex"] == level, "alliance_score"].median())
    for group in UTILIZATION_TYPES:
        add("aim1.utilization.median", group, groups[group]["alliance_score"].median())
    for level in ("us", "non_us"):
        add(
            "aim1.country.median",
            level,
            people.loc[people["country_group"] == level, "alliance_score"].median(),
        )
    add(
        "aim1.baseline.median",
        "screened_positive",
        people.loc[people["screened_positive"], "alliance_score"].median(),
    )
    add(
        "aim1.baseline.median",
        "screened_negative",
        people.loc[~people["screened_positive"], "alliance_score"].median(),
    )
    female = people.loc[people["sex"] == "female", "alliance_score"]
    male = people.loc[people["sex"] == "male", "alliance_score"]
    add("aim1.sex.mwu.W", "female vs male", stats.mannwhitneyu(female, male).statistic)
    add(
        "aim1.utilization.kruskal.H",
        "all",
        stats.kruskal(*(groups[g]["alliance_score"] for g in UTILIZATION_TYPES)).statistic,
    )
    add("aim1.age.spearman.rho", "all", stats.spearmanr(people["age"], people["alliance_score"])[0])
    # aim 2
    positive = people[people["screened_positive"]]
    change = positive["who5_change"]
    add("aim2.n", "screened_positive", len(positive))
    add("aim2.change.mean", "screened_positive", change.mean())
    half = stats.t.ppf(0.975, len(change) - 1) * change.std(ddof=1) / np.sqrt(len(change))
    add("aim2.change.ci_low", "screened_positive", change.mean() - half)
    add("aim2.change.ci_high", "screened_positive", change.mean() + half)
    pooled = np.sqrt((positive["who5_baseline"].var() + positive["who5_followup"].var()) / 2)
    add("aim2.change.cohen_d", "screened_positive", change.mean() / pooled)
    add(
        "aim2.change.pct_improvement",
        "screened_positive",
        100 * change.mean() / positive["who5_baseline"].mean(),
    )
    for group in UTILIZATION_TYPES:
        add("aim2.change.mean", group, change[positive["utilization"] == group].mean())
    add(
        "aim2.anova.F",
        "utilization",
        stats.f_oneway(*(change[positive["utilization"] == g] for g in UTILIZATION_TYPES))[0],
    )
    add("aim2.recovery.n", "screened_positive", positive["recovered"].sum())
    add("aim2.recovery.pct", "screened_positive", 100 * positive["recovered"].mean())
    add("aim2.improvement.n", "screened_positive", positive["improved"].sum())
    add("aim2.improvement.pct", "screened_positive", 100 * positive["improved"].mean())
    # aim 3 (Table 2)
    complete = positive[positive["sex"].notna()].assign(
        male=lambda f: (f["sex"] == "male").astype("float64")
    )
    add("aim3.n", "screened_positive", len(complete))
    fit = smf.ols(
        "who5_followup ~ age + male + time_in_care_days + who5_baseline + alliance_score", complete
    ).fit()
    for term in TABLE2_TERMS:  # the model columns; the registry names their keys
        add(table2_key(term, "b"), "full model", fit.params[term])
        add(table2_key(term, "se"), "full model", fit.bse[term])
    add(table2_key(TABLE2_FOCAL, "p"), "full model", fit.pvalues[TABLE2_FOCAL])
    add("aim3.full.r2", "full model", fit.rsquared)
    return pd.DataFrame(rows, columns=["key", "group", "synthetic"])


def calibration_table(cohort: Cohort) -> pd.DataFrame:
    """The cohort's statistics beside the published ones, with the relative difference."""
    published = pd.read_csv(PUBLISHED_VALUES, dtype=str)
    published = published[~published["reported"].str.startswith("<")]
    published = published.assign(published=published["reported"].astype(float))
    table = cohort_statistics(cohort).merge(
        published[["key", "group", "published"]], on=["key", "group"], how="inner"
    )
    scale = table["published"].abs().where(table["published"] != 0, 1.0)
    table["relative_difference"] = (table["synthetic"] - table["published"]) / scale
    return table


if __name__ == "__main__":
    directory = sys.argv[1] if len(sys.argv) > 1 else SYNTHETIC_DATA
    pd.set_option("display.width", 160, "display.max_rows", 400)
    table = calibration_table(derive_cohort(load_raw(directory)))
    print(table.to_string(float_format=lambda x: f"{x:.4g}"))
