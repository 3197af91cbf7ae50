"""Figures: each returns a matplotlib Figure; :func:`save` writes it under a telling name.

Figures show aggregates only (counts, distributions, estimates), never a
participant-level point that could be traced back to a person's row.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

__all__ = ["alliance_by_utilization", "eligibility_flow", "save"]

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


def eligibility_flow(flow: pd.DataFrame) -> plt.Figure:
    """Horizontal bars: people remaining after each eligibility step, with the number excluded.

    Parameters
    ----------
    flow : pandas.DataFrame
        ``Cohort.flow`` (``step``, ``criterion``, ``n``, ``excluded``).
    """
    figure, axes = plt.subplots(figsize=(8, 0.6 * len(flow) + 1))
    positions = range(len(flow))[::-1]
    axes.barh(list(positions), flow["n"], color="#4c72b0")
    for y, (_, row) in zip(positions, flow.iterrows(), strict=True):
        label = f"{row['n']:,}" + (f"  (−{row['excluded']:,})" if row["excluded"] else "")
        axes.text(row["n"], y, "  " + label, va="center", fontsize=9)
    axes.set_yticks(list(positions), flow["criterion"], fontsize=9)
    axes.set_xlabel("people remaining")
    axes.set_xlim(0, flow["n"].max() * 1.25)
    axes.set_title("Eligibility flow: from registrants to the analysed cohort", loc="left")
    figure.tight_layout()
    return figure


def alliance_by_utilization(participants: pd.DataFrame, groups=("therapy", "coaching", "both")):
    """Histogram of alliance scores per utilization type, with the share at the ceiling (5.0).

    Parameters
    ----------
    participants : pandas.DataFrame
        ``Cohort.participants`` (``utilization``, ``alliance_score``).
    """
    figure, axes = plt.subplots(len(groups), 1, figsize=(7, 2.1 * len(groups)), sharex=True)
    # quarter-point bins below 5, and one bar of its own for exactly 5: the ceiling
    bins = [1 + 0.25 * k for k in range(16)] + [5 - 1e-9, 5.25]
    for axis, group in zip(axes, groups, strict=True):
        scores = participants.loc[participants["utilization"] == group, "alliance_score"]
        weights = [100 / len(scores)] * len(scores) if len(scores) else None
        _, _, patches = axis.hist(
            scores, bins=bins, weights=weights, color="#4c72b0", edgecolor="white"
        )
        patches[-1].set_facecolor("#dd8452")
        ceiling = 100 * (scores == 5).mean() if len(scores) else 0.0
        median = scores.median() if len(scores) else float("nan")
        axis.axvline(median, color="#c44e52", linewidth=1.5)
        axis.set_title(
            f"{group}: n = {len(scores):,}, median {median:.2f}, {ceiling:.0f}% at the ceiling (5)",
            loc="left",
            fontsize=10,
        )
        axis.set_ylabel("% of people")
    axes[-1].set_xlabel(
        "alliance score (mean of bond and goals items over rated sessions); orange: exactly 5"
    )
    figure.suptitle("Alliance ratings pile up at the top of the scale", x=0.01, ha="left")
    figure.tight_layout()
    return figure
