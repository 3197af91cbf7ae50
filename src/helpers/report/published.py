"""The paper's printed numbers, for side-by-side display (``data/published_values.csv``).

Only comparison code uses this module (the cohort notebook's "does our cohort
match the paper?" table, what each aim notebook says the paper printed, the
replication report, the what-if notebook's design point) and the synthetic
generator, which is calibrated to the paper.
The analysis itself never reads the published values, so it cannot be tuned
to them.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pandas as pd

from helpers.formatting import count, number
from helpers.paths import PUBLISHED_VALUES, SYNTHETIC_MANIFEST
from helpers.report.verdicts import parse_printed, printed_number

__all__ = [
    "PLACEHOLDER",
    "data_banner",
    "load_published",
    "paper_printed",
    "printed",
    "printed_count",
    "printed_values",
    "published_table1",
    "side_by_side",
]


def load_published(path: str | Path = PUBLISHED_VALUES) -> pd.DataFrame:
    """The published values, ``reported`` kept as printed (text)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@functools.cache
def printed_values() -> dict[tuple[str, str], str]:
    """Every printed value's text by ``(key, group)``, read once from the project's copy."""
    table = load_published()
    return dict(zip(zip(table["key"], table["group"], strict=True), table["reported"], strict=True))


def printed(key: str, group: str = "all") -> float:
    """The number the paper prints for one claim (a bound such as ``<0.001`` gives 0.001).

    For prose and figures that name the paper's design (its sample sizes, its
    estimates) and for the synthetic generator's calibration; the analysis
    itself never reads it. ``"35.11"`` gives exactly the float ``35.11``.

    Examples
    --------
    >>> printed("aim3.alliance.b", "full model")
    2.04
    """
    try:
        text = printed_values()[key, group]
    except KeyError:
        raise ValueError(f"published values: no printed value for {key} [{group}]") from None
    return printed_number(text)


def printed_count(key: str, group: str = "all") -> int:
    """A whole number the paper prints (a count, a minimum, a maximum), as an ``int``.

    Examples
    --------
    >>> printed_count("cohort.analyzed")
    3087
    """
    value = printed(key, group)
    if not value.is_integer():
        raise ValueError(f"{key} [{group}]: expected a whole number, the paper prints {value}")
    return int(value)


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
    """Our estimates beside the printed values, for the claims both have, in words.

    Parameters
    ----------
    estimates : pandas.DataFrame
        ``key``, ``group``, ``value``.
    keys : list of str, optional
        Only these keys (in this order); default all shared keys.

    Returns
    -------
    pandas.DataFrame
        ``claim`` (its label), ``published`` (as printed) and ``ours``: our value
        as text, to the printed precision plus one decimal (whole numbers with
        thousands separators), never in scientific notation.

    Examples
    --------
    >>> ours = pd.DataFrame({"key": ["cohort.analyzed", "cohort.age.mean"],
    ...                      "group": ["all", "all"], "value": [3087.0, 35.530288]})
    >>> side_by_side(ours).values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Analysed (at least one alliance rating): n', '3087', '3,087'],
     ['Cohort: age, mean', '35.53', '35.530']]
    """
    published = load_published()[["key", "label", "group", "reported"]]
    table = published.merge(estimates[["key", "group", "value"]], on=["key", "group"])
    if keys is not None:
        order = {key: i for i, key in enumerate(keys)}
        table = table[table["key"].isin(order)]
        table = table.assign(_order=table["key"].map(order)).sort_values(["_order"], kind="stable")
    ours = [
        _as_printed(value, reported)
        for value, reported in zip(table["value"], table["reported"], strict=True)
    ]
    return pd.DataFrame(
        {"claim": table["label"].to_list(), "published": table["reported"].to_list(), "ours": ours}
    )


def _as_printed(value: float, reported: str) -> str:
    """Our value to the printed number's precision plus one decimal (whole numbers whole)."""
    decimals = parse_printed(reported).decimals
    if decimals == 0 and not pd.isna(value) and float(value).is_integer():
        return count(float(value))
    return number(value, 2 if decimals is None else decimals + 1, thousands=True)


def is_synthetic(data_dir: str | Path) -> bool:
    """Whether a raw data directory holds synthetic data (it has the generator's manifest)."""
    return (Path(data_dir) / SYNTHETIC_MANIFEST).is_file()


def data_banner(data_dir: str | Path) -> str:
    """A Markdown banner saying whether the raw data directory holds synthetic data."""
    manifest = Path(data_dir) / SYNTHETIC_MANIFEST
    if is_synthetic(data_dir):
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


#: A printed claim in a text: ``{key|group}`` (a row of the published values), or
#: ``{=text}`` (a number the paper prints that the published values do not list),
#: either optionally followed by ``%``, shown with the number.
PLACEHOLDER = re.compile(
    r"\{(?:=(?P<unscored>[^{}]*)|(?P<key>[^{}|]+)\|(?P<group>[^{}|]+))\}(?P<unit>%?)"
)


def paper_printed(template: str) -> str:
    """What the paper printed, to end a sentence with: ``template`` with each claim as printed.

    Parameters
    ----------
    template : str
        Text with :data:`PLACEHOLDER` claims, e.g.
        ``"W = {aim1.sex.mwu.W|female vs male}, p = {aim1.sex.mwu.p|female vs male}"``.

    Returns
    -------
    str
        ``" The paper printed <text>."``, each claim as the paper prints it (a bound
        written ``< 0.001``).

    Raises
    ------
    ValueError
        If a placeholder names a claim the published values do not hold.

    Examples
    --------
    >>> paper_printed("p = {aim1.sex.mwu.p|female vs male}, {aim2.recovery.pct|screened_positive}%")
    ' The paper printed p = 0.005, 58%.'
    >>> paper_printed("p {aim2.change.p|screened_positive}")
    ' The paper printed p < 0.001.'
    """
    values = printed_values()

    def printed_text(match: re.Match) -> str:
        if match["key"] is None:
            return match["unscored"] + match["unit"]
        claim = (match["key"], match["group"])
        if claim not in values:
            raise ValueError(f"paper_printed: the paper prints no {claim[0]} [{claim[1]}]")
        return re.sub(r"^([<>])(?=\d)", r"\1 ", values[claim]) + match["unit"]

    return f" The paper printed {PLACEHOLDER.sub(printed_text, template)}."
