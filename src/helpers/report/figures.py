"""Figures: each returns a matplotlib Figure; :func:`save` writes it under a telling name.

A figure is drawn once: :func:`save` renders the PNG, writes it, and returns it as a
:class:`SavedFigure`, which a notebook displays from those same bytes (no second
drawing for the screen).

Figures show aggregates only (counts, distributions, estimates), never a
participant-level point that could be traced back to a person's row, and
nothing of a group smaller than the run's ``min_cell_size``
(:mod:`helpers.report.disclosure`): its bar, histogram or cell is left out and
labelled as withheld.

Colours carry one meaning across all figures: each utilization type keeps its
own colour (:data:`UTILIZATION_COLOURS`); ordered levels (a continuous
moderator's −1 SD, mean and +1 SD, or the true effects of a power curve) are
shades of one hue, light to dark, that no group uses; marks that stand for no
group are grey. :data:`CAPTIONS` says, for each saved figure, what to look at.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex
from matplotlib.ticker import MaxNLocator

from helpers.design import UTILIZATION_TYPES, WHO5_CUTOFF, WHO5_STEP
from helpers.report.disclosure import DEFAULT, Disclosure, withheld

__all__ = [
    "CAPTIONS",
    "UTILIZATION_COLOURS",
    "SavedFigure",
    "alliance_by_utilization",
    "caption",
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

#: One fixed colour per utilization type, the same in every figure (Okabe–Ito, colour-blind safe).
UTILIZATION_COLOURS: dict[str, str] = dict(
    zip(UTILIZATION_TYPES, ("#0072B2", "#009E73", "#CC79A7"), strict=True)
)
#: Marks that stand for no group (the flow's bars, Table 2's estimates).
NEUTRAL = "#595959"
#: Ordered levels are shades of this colormap, light to dark; no group's colour is among them.
ORDERED = "Oranges"
#: The bar of alliance scores of exactly 5 (the ceiling).
CEILING = "#E69F00"
#: The dashed screening cut-off of the WHO-5 heatmap.
CUTOFF = "#c44e52"

#: What a reviewer should look at in each figure, by the name it is saved under (:func:`save`).
CAPTIONS: dict[str, str] = {
    "cohort_eligibility_flow": (
        "Each bar is the number of people still in the cohort after an eligibility step, "
        "applied from top to bottom, and the number in brackets how many that step excluded. "
        "Look for the steps that lose the most people: the analysed cohort is the bottom bar."
    ),
    "aim1_alliance_distribution_by_utilization": (
        "One panel per utilization type: the share of people at each alliance score, the orange "
        "bar being exactly 5 (the top of the scale) and the black line the median. Look at how "
        "much of each group sits at the ceiling, which leaves little room to tell groups apart."
    ),
    "aim2_who5_baseline_vs_followup": (
        "Each cell counts people by their baseline and follow-up WHO-5 total; cells above the "
        "grey diagonal improved, and blank cells hold too few people to show. The dashed lines "
        "mark the screening cut-off: at or below it a person screens positive, so cells above "
        "the horizontal dashed line no longer do."
    ),
    "aim2_who5_change_by_utilization": (
        "Mean WHO-5 change from baseline to follow-up with its 95% CI, per utilization type, "
        "among people screened positive; the dashed line is a 10-point change. Look at whether "
        "each interval lies above 0 and reaches 10, and whether the intervals overlap."
    ),
    "aim3_table2_coefficients": (
        "Standardized coefficients (beta) with 95% CIs of the full Table 2 model of follow-up "
        "WHO-5; an interval crossing the grey line at 0 is compatible with no association. "
        "Look at the alliance row and compare its size with that of baseline WHO-5."
    ),
    "aim3_moderation_simple_slopes": (
        "Predicted follow-up WHO-5 against alliance, one line per level of each moderator "
        "(provider type in its own colours; −1 SD, mean and +1 SD of a continuous moderator "
        "in shades from light to dark). Parallel lines mean the alliance slope does not depend "
        "on the moderator; look for lines that fan out or cross."
    ),
    "whatif_aim3_power_by_sample_size": (
        "Power to detect the alliance coefficient against sample size, one line per true "
        "effect (darker: larger), with Monte Carlo 95% error bars; the dashed line is the "
        "target power and the black line the paper's sample size. Read where the black line "
        "crosses the curve of the paper's effect."
    ),
    "whatif_aim3_type_m_by_sample_size": (
        "How much a significant estimate of the alliance coefficient overstates what the "
        "model estimates in the population (the estimand), on average, against sample size, "
        "one line per true effect (darker: larger). "
        "The dashed line at 1 is no exaggeration: the higher a curve at a sample size, the less "
        "a significant result there can be taken at face value."
    ),
    "whatif_aim1_power_provider_type": (
        "Power of the Kruskal-Wallis test of alliance by provider type against sample size, "
        "one line per share of the generator's group differences kept (darker: larger); the "
        "dashed line is the target power and the black line the paper's sample size. Read how "
        "large a difference the paper's sample could detect reliably."
    ),
    "whatif_aim1_power_sex": (
        "Power of the rank-sum test of alliance by sex against sample size, one line per "
        "share of the generator's difference kept (darker: larger); the dashed line is the "
        "target power and the black line the paper's sample size. Read how large a difference "
        "the paper's sample could detect reliably."
    ),
    "whatif_multiverse_agreement": (
        "For each of the paper's conclusions, how many of the analysis specifications agree "
        "with it; green: the paper's own specification agrees, red: it does not. A short bar "
        "means the conclusion depends on analysis choices."
    ),
}


@dataclass(frozen=True)
class SavedFigure:
    """A figure as :func:`save` wrote it: its file, and the same PNG to display.

    Displayed in a notebook (``display(saved)``), it shows the saved bytes at the
    size the figure has on screen (its ``figure.dpi``), with the figure's usual
    text (``<Figure size 800x460 with 1 Axes>``) for plain-text front ends.
    """

    name: str
    path: Path
    png: bytes = field(repr=False)
    width: int  # on screen, in CSS pixels
    text: str

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        """The PNG and the text, as IPython's ``display`` asks for them."""
        data = {
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": self.text,
        }
        return data, {"image/png": {"width": self.width}}


def _png_width(png: bytes) -> int:
    """The width in pixels of a PNG, from its header (the IHDR chunk)."""
    return int.from_bytes(png[16:20], "big")


def save(figure: plt.Figure, output_dir: str | Path, name: str) -> SavedFigure:
    """Save ``figure`` as ``<output_dir>/figures/<name>.png``, without a time stamp.

    The figure is drawn once, closed, and returned as the bytes written, to
    display. No software or date metadata is written, so two runs give the same
    bytes.

    Returns
    -------
    SavedFigure
        The file and its PNG; ``display`` it to show the figure.
    """
    if not name or "/" in name or name.endswith(".png"):
        raise ValueError(
            f"figure name {name!r}: give a plain name such as 'cohort_eligibility_flow'"
        )
    directory = Path(output_dir) / "figures"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    png = buffer.getvalue()
    path.write_bytes(png)
    dpi = plt.rcParams["savefig.dpi"]
    scale = 1.0 if dpi == "figure" else figure.dpi / dpi
    saved = SavedFigure(
        name=name,
        path=path,
        png=png,
        width=round(_png_width(png) * scale),
        text=repr(figure),
    )
    plt.close(figure)  # drawn once: what the notebook shows is ``saved``
    return saved


def caption(name: str) -> str:
    """What to look at in the figure saved as ``name``, in one or two sentences.

    Parameters
    ----------
    name : str
        The name the figure is saved under (:func:`save`), e.g. ``"cohort_eligibility_flow"``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If no figure is saved under ``name``.

    Examples
    --------
    >>> caption("whatif_multiverse_agreement").startswith("For each of the paper's conclusions")
    True
    """
    try:
        return CAPTIONS[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(CAPTIONS))
        raise ValueError(
            f"no caption for a figure named {name!r}; the figures are: {known}"
        ) from None


def _shades(count: int) -> list[str]:
    """``count`` shades of the :data:`ORDERED` hue, light to dark, for ordered levels."""
    cmap = plt.get_cmap(ORDERED)
    return [to_hex(cmap(x)) for x in np.linspace(0.45, 0.9, count)] if count else []


def _level_colours(levels) -> list[str]:
    """A colour per level: a utilization type's own, else (ordered levels) light to dark shades.

    >>> _level_colours(["coaching", "therapy"]) == [
    ...     UTILIZATION_COLOURS["coaching"], UTILIZATION_COLOURS["therapy"]
    ... ]
    True
    >>> any(c in UTILIZATION_COLOURS.values() for c in _level_colours(["-1 SD", "mean", "+1 SD"]))
    False
    """
    levels = list(levels)
    if any(level in UTILIZATION_COLOURS for level in levels):
        return [UTILIZATION_COLOURS.get(level, NEUTRAL) for level in levels]
    return _shades(len(levels))


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
    axes.barh(list(positions), bars, color=NEUTRAL)
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
        colour = UTILIZATION_COLOURS.get(group, NEUTRAL)
        _, _, patches = axis.hist(
            scores, bins=bins, weights=weights, color=colour, edgecolor="white"
        )
        patches[-1].set_facecolor(CEILING)
        if len(scores):
            ceiling, median = 100 * (scores == 5).mean(), scores.median()
            axis.axvline(median, color="black", linewidth=1.5)
            title = f"n = {len(scores):,}, median {median:.2f}, {ceiling:.0f}% at the ceiling (5)"
        else:
            title = "nobody"
        axis.set_title(f"{group}: {title}", loc="left", fontsize=10)
        axis.set_ylabel("% of people")
    axes[-1].set_xlabel(
        "alliance score (mean of bond and goals items over rated sessions); "
        "orange: exactly 5; black line: median"
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
    cut-off, between the last step at or below it and the first above, and the
    legend says so in numbers (with the default cut-off: ≤ 28 screened positive,
    ≥ 32 not); cells above the diagonal improved. The colour bar counts whole people.

    Parameters
    ----------
    baseline, followup : pandas.Series
        WHO-5 totals (0–100, steps of 4), one pair per person.
    cutoff : float, default :data:`helpers.design.WHO5_CUTOFF`
        The total at or below which a person screens positive.
    disclosure : helpers.report.disclosure.Disclosure
        A cell of fewer than its ``min_cell_size`` people is blank (NaN).
    """
    edges = [step - 2 for step in range(0, 108, 4)]  # centred on 0, 4, ..., 100
    counts, _, _ = np.histogram2d(followup, baseline, bins=[edges, edges])
    shown = np.where(counts >= disclosure.min_cell_size, counts, np.nan)
    figure, axis = plt.subplots(figsize=(6.5, 5.5))
    image = axis.pcolormesh(edges, edges, shown, cmap="Blues", shading="flat")
    figure.colorbar(image, ax=axis, label="people", ticks=MaxNLocator(integer=True))
    axis.plot(
        [-2, 102], [-2, 102], color="grey", linewidth=0.8, label="no change (above: improved)"
    )
    last = WHO5_STEP * (cutoff // WHO5_STEP)  # the last step at or below the cut-off
    line = last + WHO5_STEP / 2  # the cell boundary between it and the next step
    axis.axvline(
        line,
        color=CUTOFF,
        linestyle="--",
        linewidth=1,
        label=f"cut-off: ≤ {cutoff:g} screened positive, ≥ {last + WHO5_STEP:g} not",
    )
    axis.axhline(line, color=CUTOFF, linestyle="--", linewidth=1)
    axis.set_xlim(-2, max(float(np.max(baseline)) + 2, line + 4) if len(baseline) else 102)
    axis.set_ylim(-2, 102)
    axis.set_xlabel("baseline WHO-5 (0–100)")
    axis.set_ylabel("follow-up WHO-5 (0–100)")
    axis.set_title(
        f"Baseline and follow-up well-being (cells of fewer than {disclosure.min_cell_size} "
        "people blank)",
        loc="left",
        fontsize=10,
    )
    axis.legend(
        loc="upper left", bbox_to_anchor=(0, -0.12), fontsize=8, frameon=False, borderaxespad=0
    )
    figure.tight_layout()
    return figure


def _missing_label(value: float, note: object) -> str:
    """A label's suffix: "" for a number, " (withheld)" or " (not estimable)" for NaN."""
    if pd.notna(value):
        return ""
    return " (withheld)" if withheld(note) else " (not estimable)"


def _intervals(estimate, low, high, labels, row_height: float, groups=None):
    """One row per estimate, top to bottom: a point and its interval, with a line at 0.

    With ``groups`` (one name per row), a utilization type's row takes its own colour
    and its interval is labelled with the name; other rows are :data:`NEUTRAL`.
    """
    figure, axis = plt.subplots(figsize=(6.5, row_height * len(labels) + 1.2))
    positions = list(range(len(labels)))[::-1]
    groups = [None] * len(labels) if groups is None else list(groups)
    rows = zip(positions, estimate, low, high, groups, strict=True)
    for position, point, lowest, highest, group in rows:
        axis.errorbar(
            [point],
            [position],
            xerr=[[point - lowest], [highest - point]],
            fmt="o",
            color=UTILIZATION_COLOURS.get(group, NEUTRAL),
            capsize=4,
            label=None if group is None else str(group),
        )
    axis.set_yticks(positions, labels)
    axis.axvline(0, color="grey", linewidth=0.8)
    return figure, axis


def change_by_group(table: pd.DataFrame):
    """Mean WHO-5 change with its 95% CI per group, a utilization type in its own colour.

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
        table["mean_change"],
        table["ci_low"],
        table["ci_high"],
        labels,
        row_height=0.7,
        groups=table.index,
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

    A utilization type's line takes its own colour (:data:`UTILIZATION_COLOURS`); the
    levels of a continuous moderator (−1 SD, mean, +1 SD) are shades of one other
    hue, light to dark, so no colour means two levels.

    Parameters
    ----------
    slopes : dict
        Moderator title to :func:`helpers.stats.regression.simple_slopes` output
        (``level``, ``slope``, ``intercept``, optionally ``note``).
    """
    figure, axes = plt.subplots(1, len(slopes), figsize=(4 * len(slopes), 3.4), sharey=True)
    axes = np.atleast_1d(axes)
    alliance = np.array([-2.0, 1.0])
    for axis, (title, table) in zip(axes, slopes.items(), strict=True):
        colours = _level_colours(table["level"])
        for row, colour in zip(table.itertuples(), colours, strict=True):
            estimated = np.isfinite(row.slope) and np.isfinite(row.intercept)
            shown = _missing_label(np.nan if not estimated else 0.0, getattr(row, "note", ""))
            axis.plot(
                alliance,
                row.intercept + row.slope * alliance,
                color=colour,
                linewidth=2,
                label=f"{row.level}{shown}",
            )
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
    target power. The effects are shades of one hue, darker for larger.
    """
    figure, axis = plt.subplots(figsize=(6.4, 4))
    effects = table.groupby("effect", sort=True)
    for (effect, group), colour in zip(effects, _shades(effects.ngroups), strict=True):
        axis.errorbar(
            group["n"],
            group["power"],
            yerr=1.96 * group["power_se"],
            marker="o",
            markersize=4,
            capsize=2,
            color=colour,
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
    """The exaggeration ratio (type M error) of significant estimates against sample size.

    One line per true effect, shades of one hue, darker for larger.
    """
    figure, axis = plt.subplots(figsize=(6.4, 3.6))
    effects = table.groupby("effect", sort=True)
    for (effect, group), colour in zip(effects, _shades(effects.ngroups), strict=True):
        axis.plot(
            group["n"],
            group["type_m"],
            marker="o",
            markersize=4,
            color=colour,
            label=f"{effect:g}",
        )
    axis.axhline(1, color="grey", linestyle="--", linewidth=1)
    axis.set(
        xlabel="sample size (n)", ylabel="mean |estimate| / estimand, if significant", title=title
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
