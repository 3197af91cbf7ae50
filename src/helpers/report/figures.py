"""Figures: each returns a matplotlib Figure; :func:`save` writes it under a telling name.

Figures show aggregates only (counts, distributions, estimates), never a
participant-level point that could be traced back to a person's row, and
nothing of a group smaller than the run's ``min_cell_size``
(:mod:`helpers.report.disclosure`): its bar, histogram or cell is left out and
labelled as withheld.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.design import UTILIZATION_TYPES, WHO5_CUTOFF
from helpers.report.disclosure import DEFAULT, Disclosure, withheld

__all__ = [
    "alliance_by_utilization",
    "change_by_group",
    "coefficient_plot",
    "eligibility_flow",
    "save",
    "simple_slopes_plot",
    "who5_before_after",
]

plt.rcParams.update(
    {"figure.dpi": 100, "savefig.dpi": 150, "axes.spines.top": False, "axes.spines.right": False}
)


def save(figure: plt.Figure, output_dir: str | Path, name: str) -> Path:
    """Save ``figure`` as ``<output_dir>/figures/<name>.png``, without a time stamp.

    No software or date metadata is written, so two runs give the same bytes.
    """
    if not name or "/" in name or name.endswith(".png"):
        raise ValueError(
            f"figure name {name!r}: give a plain name such as 'cohort_eligibility_flow'"
        )
    directory = Path(output_dir) / "figures"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    figure.savefig(path, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)  # shown once, where the notebook displays it
    return path


def eligibility_flow(flow: pd.DataFrame, disclosure: Disclosure = DEFAULT) -> plt.Figure:
    """Horizontal bars: people remaining after each eligibility step, with the number excluded.

    Parameters
    ----------
    flow : pandas.DataFrame
        ``Cohort.flow`` (``step``, ``criterion``, ``n``, ``excluded``).
    disclosure : helpers.report.disclosure.Disclosure
        A count below its ``min_cell_size`` is labelled in words, without a bar.
    """
    figure, axes = plt.subplots(figsize=(8, 0.6 * len(flow) + 1))
    positions = range(len(flow))[::-1]
    bars = [0 if disclosure.small(n) else n for n in flow["n"]]
    axes.barh(list(positions), bars, color="#4c72b0")
    for y, bar, (_, row) in zip(positions, bars, flow.iterrows(), strict=True):
        excluded = f"  (−{disclosure.shown(row['excluded'])})" if row["excluded"] else ""
        axes.text(bar, y, f"  {disclosure.shown(row['n'])}{excluded}", va="center", fontsize=9)
    axes.set_yticks(list(positions), flow["criterion"], fontsize=9)
    axes.set_xlabel("people remaining")
    axes.set_xlim(0, flow["n"].max() * 1.25)
    axes.set_title("Eligibility flow: from registrants to the analysed cohort", loc="left")
    figure.tight_layout()
    return figure


def alliance_by_utilization(
    participants: pd.DataFrame, groups=UTILIZATION_TYPES, disclosure: Disclosure = DEFAULT
):
    """Histogram of alliance scores per utilization type, with the share at the ceiling (5.0).

    Parameters
    ----------
    participants : pandas.DataFrame
        ``Cohort.participants`` (``utilization``, ``alliance_score``).
    groups : sequence of str
    disclosure : helpers.report.disclosure.Disclosure
        A group below its ``min_cell_size`` gets an empty panel, labelled withheld.
    """
    figure, axes = plt.subplots(len(groups), 1, figsize=(7, 2.1 * len(groups)), sharex=True)
    # quarter-point bins below 5, and one bar of its own for exactly 5: the ceiling
    bins = [1 + 0.25 * k for k in range(16)] + [5 - 1e-9, 5.25]
    for axis, group in zip(axes, groups, strict=True):
        scores = participants.loc[participants["utilization"] == group, "alliance_score"]
        if disclosure.small(len(scores)):
            axis.set_title(
                f"{group}: {disclosure.reason(people=len(scores))}", loc="left", fontsize=10
            )
            axis.set_ylabel("% of people")
            continue
        weights = [100 / len(scores)] * len(scores) if len(scores) else None
        _, _, patches = axis.hist(
            scores, bins=bins, weights=weights, color="#4c72b0", edgecolor="white"
        )
        patches[-1].set_facecolor("#dd8452")
        if len(scores):
            ceiling, median = 100 * (scores == 5).mean(), scores.median()
            axis.axvline(median, color="#c44e52", linewidth=1.5)
            title = f"n = {len(scores):,}, median {median:.2f}, {ceiling:.0f}% at the ceiling (5)"
        else:
            title = "nobody"
        axis.set_title(f"{group}: {title}", loc="left", fontsize=10)
        axis.set_ylabel("% of people")
    axes[-1].set_xlabel(
        "alliance score (mean of bond and goals items over rated sessions); orange: exactly 5"
    )
    figure.suptitle("Alliance ratings pile up at the top of the scale", x=0.01, ha="left")
    figure.tight_layout()
    return figure


def who5_before_after(
    baseline: pd.Series,
    followup: pd.Series,
    cutoff: float = WHO5_CUTOFF,
    disclosure: Disclosure = DEFAULT,
):
    """Counts of people by baseline and follow-up WHO-5 (a heatmap, not points), with the cut-off.

    Each cell counts the people with that pair of totals (WHO-5 moves in
    steps of 4, one cell per step); cells with fewer than the ``disclosure``'s
    ``min_cell_size`` people are left blank so no small group stands out. Dashed lines mark the
    cut-off, between the last step at or below it and the first above; cells
    above the diagonal improved.
    """
    edges = [step - 2 for step in range(0, 108, 4)]  # centred on 0, 4, ..., 100
    counts, _, _ = np.histogram2d(followup, baseline, bins=[edges, edges])
    shown = np.where(counts >= disclosure.min_cell_size, counts, np.nan)
    figure, axis = plt.subplots(figsize=(6.5, 5.5))
    image = axis.pcolormesh(edges, edges, shown, cmap="Blues", shading="flat")
    figure.colorbar(image, ax=axis, label="people")
    axis.plot([-2, 102], [-2, 102], color="grey", linewidth=0.8)
    line = 4 * (cutoff // 4) + 2  # between the last step at or below the cut-off and the next
    axis.axvline(line, color="#c44e52", linestyle="--", linewidth=1)
    axis.axhline(line, color="#c44e52", linestyle="--", linewidth=1)
    axis.set_xlim(-2, max(float(np.max(baseline)) + 2, line + 4) if len(baseline) else 102)
    axis.set_ylim(-2, 102)
    axis.set_xlabel("baseline WHO-5 (0–100)")
    axis.set_ylabel("follow-up WHO-5 (0–100)")
    axis.set_title(
        f"Baseline and follow-up well-being (cut-off {cutoff:g}; "
        f"cells < {disclosure.min_cell_size} blank)",
        loc="left",
        fontsize=10,
    )
    figure.tight_layout()
    return figure


def _missing_label(value: float, note: object) -> str:
    """A label's suffix: "" for a number, " (withheld)" or " (not estimable)" for NaN."""
    if pd.notna(value):
        return ""
    return " (withheld)" if withheld(note) else " (not estimable)"


def _intervals(estimate, low, high, labels, row_height: float):
    """One row per estimate, top to bottom: a point and its interval, with a line at 0."""
    figure, axis = plt.subplots(figsize=(6.5, row_height * len(labels) + 1.2))
    positions = list(range(len(labels)))[::-1]
    axis.errorbar(
        estimate,
        positions,
        xerr=[estimate - low, high - estimate],
        fmt="o",
        color="#4c72b0",
        capsize=4,
    )
    axis.set_yticks(positions, labels)
    axis.axvline(0, color="grey", linewidth=0.8)
    return figure, axis


def change_by_group(table: pd.DataFrame):
    """Mean WHO-5 change with its 95% CI per group.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by group, with ``mean_change``, ``ci_low``, ``ci_high``, ``n`` and
        ``note``; groups without people are left out, withheld groups labelled so.
    """
    kept = table["n"] > 0
    if "note" in table.columns:
        kept |= table["note"].map(withheld)
    table = table[kept]
    labels = [
        f"{group} (withheld)" if pd.isna(row.n) else f"{group} (n = {row.n:,.0f})"
        for group, row in table.iterrows()
    ]
    figure, axis = _intervals(
        table["mean_change"], table["ci_low"], table["ci_high"], labels, row_height=0.7
    )
    axis.axvline(10, color="#c44e52", linestyle="--", linewidth=1)
    axis.set_xlabel("mean WHO-5 change, follow-up minus baseline (95% CI); dashed: 10 points")
    axis.set_title("Well-being change among people screened positive", loc="left", fontsize=10)
    figure.tight_layout()
    return figure


def coefficient_plot(coefficients: pd.DataFrame, labels: dict[str, str]):
    """Standardized coefficients (beta) with 95% CIs, one row per predictor (no intercept).

    Parameters
    ----------
    coefficients : pandas.DataFrame
        A step of :func:`helpers.stats.regression.hierarchical_regression` (``term``,
        ``b``, ``ci_low``, ``ci_high``, ``beta``); a term not estimable is labelled so.
    labels : dict
        Term to the label shown.
    """
    table = coefficients[coefficients["term"] != "Intercept"].copy()
    factor = table["beta"] / table["b"]  # beta = b * sd(x) / sd(y): the same factor scales the CI
    table["beta_low"], table["beta_high"] = table["ci_low"] * factor, table["ci_high"] * factor
    figure, axis = _intervals(
        table["beta"],
        table["beta_low"],
        table["beta_high"],
        [
            labels.get(term, term) + _missing_label(beta, note)
            for term, beta, note in zip(
                table["term"], table["beta"], table.get("note", [""] * len(table)), strict=True
            )
        ],
        row_height=0.55,
    )
    axis.set_xlabel("standardized coefficient (beta) with 95% CI")
    axis.set_title("Predictors of follow-up WHO-5 (Table 2, full model)", loc="left", fontsize=10)
    figure.tight_layout()
    return figure


def simple_slopes_plot(slopes: dict[str, pd.DataFrame]):
    """Predicted follow-up WHO-5 (z) against alliance (z), one line per moderator level.

    Parameters
    ----------
    slopes : dict
        Moderator title to :func:`helpers.stats.regression.simple_slopes` output.
    """
    figure, axes = plt.subplots(1, len(slopes), figsize=(4 * len(slopes), 3.4), sharey=True)
    axes = np.atleast_1d(axes)
    alliance = np.array([-2.0, 1.0])
    for axis, (title, table) in zip(axes, slopes.items(), strict=True):
        for row in table.itertuples():
            estimated = np.isfinite(row.slope) and np.isfinite(row.intercept)
            shown = _missing_label(np.nan if not estimated else 0.0, getattr(row, "note", ""))
            axis.plot(alliance, row.intercept + row.slope * alliance, label=f"{row.level}{shown}")
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("alliance (z)")
        axis.legend(fontsize=8, frameon=False)
    axes[0].set_ylabel("predicted follow-up WHO-5 (z)")
    figure.suptitle("Does the alliance slope depend on the moderator?", x=0.01, ha="left")
    figure.tight_layout()
    return figure


def power_curves(
    table: pd.DataFrame,
    title: str,
    paper: tuple[float, float] | None = None,
    target: float = 0.8,
    effect_label: str = "true effect",
):
    """Power against sample size, one line per true effect, with Monte Carlo error bars.

    ``paper`` marks the paper's design as (n, effect); the dashed line is the
    target power.
    """
    figure, axis = plt.subplots(figsize=(6.4, 4))
    for effect, group in table.groupby("effect", sort=True):
        axis.errorbar(
            group["n"],
            group["power"],
            yerr=1.96 * group["power_se"],
            marker="o",
            markersize=4,
            capsize=2,
            label=f"{effect:g}",
        )
    axis.axhline(target, color="grey", linestyle="--", linewidth=1)
    if paper is not None:
        axis.axvline(paper[0], color="black", linewidth=1)
        axis.annotate(
            f"paper: n = {paper[0]:g}",
            (paper[0], 0.03),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=8,
        )
    axis.set(xlabel="sample size (n)", ylabel="power", ylim=(0, 1.02), title=title)
    axis.legend(title=effect_label, fontsize=8, title_fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure


def type_m_curves(table: pd.DataFrame, title: str):
    """The exaggeration ratio (type M error) of significant estimates against sample size."""
    figure, axis = plt.subplots(figsize=(6.4, 3.6))
    for effect, group in table.groupby("effect", sort=True):
        axis.plot(group["n"], group["type_m"], marker="o", markersize=4, label=f"{effect:g}")
    axis.axhline(1, color="grey", linestyle="--", linewidth=1)
    axis.set(
        xlabel="sample size (n)", ylabel="mean |estimate| / truth, if significant", title=title
    )
    axis.legend(title="true effect", fontsize=8, title_fontsize=8)
    figure.tight_layout()
    return figure


def multiverse_agreement(agreement: pd.DataFrame):
    """How many specifications agree with each of the paper's conclusions (horizontal bars)."""
    ordered = agreement.iloc[::-1]
    figure, axis = plt.subplots(figsize=(7.5, 0.45 * len(ordered) + 1))
    total = ordered["specifications"].max()
    colours = ["#2da44e" if paper else "#cf222e" for paper in ordered["paper's specification"]]
    axis.barh(ordered["conclusion"], ordered["agree"], color=colours)
    for y, agree in enumerate(ordered["agree"]):
        axis.annotate(
            f"{agree}/{total}",
            (agree, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    axis.set(xlim=(0, total * 1.12), xlabel="specifications that agree")
    axis.set_title("green: the paper's own specification agrees; red: it does not", fontsize=9)
    figure.tight_layout()
    return figure
