"""The paper's printed numbers, for side-by-side display (``data/published_values.csv``).

Only comparison code uses this module (the cohort notebook's "does our cohort
match the paper?" table, the replication report). The analysis itself never
reads the published values, so it cannot be tuned to them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.paths import PUBLISHED_VALUES
from helpers.report.verdicts import printed_number

__all__ = ["data_banner", "load_published", "printed", "published_table1", "side_by_side"]


def load_published(path: str | Path = PUBLISHED_VALUES) -> pd.DataFrame:
    """The published values, ``reported`` kept as printed (text)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def printed(key: str, group: str, published: pd.DataFrame | None = None) -> float:
    """The number the paper prints for one claim (a bound such as ``<0.001`` gives 0.001).

    For prose and figures that name the paper's design (its sample sizes, its
    estimates); the analysis itself never reads it.

    Examples
    --------
    >>> printed("aim3.n", "screened_positive")
    675.0
    """
    published = load_published() if published is None else published
    row = published[(published["key"] == key) & (published["group"] == group)]
    if len(row) != 1:
        raise ValueError(f"published values: no printed value for {key} [{group}]")
    return printed_number(row["reported"].iloc[0])


def published_table1() -> pd.DataFrame:
    """The paper's Table 1 as numeric ``key``, ``group``, ``value`` rows (for ``table1_display``).

    Group sizes (``table1.n``) come from the utilization counts the paper prints.
    """
    published = load_published()
    table = published[published["key"].str.startswith("table1.")]
    table = table.assign(value=pd.to_numeric(table["reported"], errors="coerce"))
    sizes = published[published["key"].str.match(r"cohort\.(utilization\..*\.n|analyzed)$")]
    rows = [
        ("table1.n", "total" if key == "cohort.analyzed" else key.split(".")[2], float(value))
        for key, value in zip(sizes["key"], sizes["reported"], strict=True)
    ]
    extra = pd.DataFrame(rows, columns=["key", "group", "value"])
    return pd.concat([table[["key", "group", "value"]], extra], ignore_index=True)


def side_by_side(estimates: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """Our estimates beside the printed values, for the keys both have.

    Parameters
    ----------
    estimates : pandas.DataFrame
        ``key``, ``group``, ``value``.
    keys : list of str, optional
        Only these keys (in this order); default all shared keys.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``group``, ``published`` (as printed), ``ours``.
    """
    published = load_published()[["key", "group", "reported"]]
    table = published.merge(estimates[["key", "group", "value"]], on=["key", "group"])
    if keys is not None:
        order = {key: i for i, key in enumerate(keys)}
        table = table[table["key"].isin(order)]
        table = table.assign(_order=table["key"].map(order)).sort_values(["_order"], kind="stable")
        table = table.drop(columns="_order")
    return table.rename(columns={"reported": "published", "value": "ours"}).reset_index(drop=True)


def data_banner(data_dir: str | Path) -> str:
    """A Markdown banner saying whether the raw data directory holds synthetic data."""
    manifest = Path(data_dir) / "SYNTHETIC.json"
    if manifest.exists():
        info = json.loads(manifest.read_text(encoding="utf-8"))
        return (
            "> **SYNTHETIC DATA.** These results come from synthetic data calibrated to the "
            f"paper (generator `{info.get('generator')}`, {info.get('mode')} mode, seed "
            f"{info.get('seed')}). Agreement with the paper checks the pipeline; it is not "
            "evidence about the study's question."
        )
    return (
        "> **Data:** a raw data directory without a synthetic-data manifest, treated as a real "
        "platform export. Outputs are aggregates only."
    )
