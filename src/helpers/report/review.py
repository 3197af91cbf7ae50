"""What the report shows a reviewer: the verdict first, then the claims that differ.

The scorecard (:mod:`helpers.report.scorecard`) judges every printed number; this
module lays it out for reading. The report opens with :func:`verdict_sentence`
and :func:`verdict_table`; then :func:`differing`, the claims that differ, in
words, grouped by aim, most serious first, each linked to the exact notebook cell
that computed it (:func:`helpers.claims.anchor`); then every claim, grouped by
aim (:func:`claims_html`). Verdicts show as a word on a coloured ground, never
as colour alone.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from helpers import claims, formatting
from helpers.report.scorecard import (
    DIFFERS,
    MATCH,
    NOT_COMPUTED,
    NOT_ESTIMABLE,
    VERDICTS,
    WITHHELD,
    WITHIN,
)
from helpers.report.verdicts import parse_printed

__all__ = [
    "VERDICT_COLOURS",
    "claims_html",
    "differing",
    "link",
    "verdict_sentence",
    "verdict_table",
]

#: The ground each verdict is shown on (the word is always there too).
VERDICT_COLOURS = {
    MATCH: "#dafbe1",
    WITHIN: "#fff8c5",
    DIFFERS: "#ffebe9",
    NOT_ESTIMABLE: "#fbefff",
    WITHHELD: "#ddf4ff",
    NOT_COMPUTED: "#eaeef2",
}
#: The aims in the order of the paper.
_AIMS = ("Cohort", "Aim 1", "Aim 2", "Aim 3")


def _count(card: pd.DataFrame, verdict: str) -> int:
    return int((card["verdict"] == verdict).sum())


def verdict_sentence(card: pd.DataFrame) -> str:
    """The verdict in words: how many printed numbers hold up, and the p-value decisions.

    Examples
    --------
    >>> card = pd.DataFrame({"verdict": ["matches as printed", "differs"],
    ...                      "statistic": ["p", "p"], "same_decision": [True, False]})
    >>> print(verdict_sentence(card))  # doctest: +NORMALIZE_WHITESPACE
    Of the paper's 2 printed numbers, 1 matches as printed, 0 lie within sampling
    tolerance and 1 differs. Of its 2 printed p-values, the replication reaches the
    same decision at .05 for 1.
    """
    n = len(card)
    matches, within, differs = (_count(card, v) for v in (MATCH, WITHIN, DIFFERS))
    text = (
        f"Of the paper's {n:,} printed numbers, {matches:,} "
        f"{'matches' if matches == 1 else 'match'} as printed, {within:,} "
        f"{'lies' if within == 1 else 'lie'} within sampling tolerance and {differs:,} "
        f"{'differs' if differs == 1 else 'differ'}."
    )
    rest = [
        f"{_count(card, verdict):,} {words}"
        for verdict, words in (
            (NOT_ESTIMABLE, "cannot be estimated on these data"),
            (WITHHELD, "are withheld because they describe fewer than min_cell_size people"),
            (NOT_COMPUTED, "were not computed"),
        )
        if _count(card, verdict)
    ]
    if rest:
        text += " " + "; ".join(rest).capitalize() + "."
    pvalues = card[card["statistic"] == "p"]
    if len(pvalues):
        same = int(pvalues["same_decision"].fillna(False).astype(bool).sum())
        text += (
            f" Of its {len(pvalues):,} printed p-values, the replication reaches the same "
            f"decision at .05 for {same:,}."
        )
    return text


def verdict_table(card: pd.DataFrame) -> pd.DataFrame:
    """Claims checked, then the number with each verdict (every verdict, zeros included)."""
    rows = [("claims checked", len(card))]
    rows += [(verdict, _count(card, verdict)) for verdict in VERDICTS]
    return pd.DataFrame(rows, columns=["verdict", "claims"])


def _distance(row: pd.Series) -> float:
    """How far a differing claim lies from the printed number: in tolerances, else relative."""
    difference = row["difference"]
    if difference is None or pd.isna(difference):
        return 0.0
    tolerance = row["tolerance"]
    if tolerance is not None and pd.notna(tolerance) and tolerance > 0:
        return abs(difference) / tolerance
    printed = abs(float(row["replicated"]) - float(difference))
    return abs(difference) / printed if printed else abs(difference)


def differing(card: pd.DataFrame) -> pd.DataFrame:
    """The claims that differ, by aim, most serious first.

    Most serious: a p-value on the other side of .05 from the printed one; then
    the farthest from the printed number, in sampling tolerances where the claim
    has one, else relative to the printed value.
    """
    frame = card[card["verdict"] == DIFFERS].copy()
    frame["_aim"] = frame["aim"].map({aim: i for i, aim in enumerate(_AIMS)}).fillna(len(_AIMS))
    frame["_flip"] = frame["same_decision"].map(lambda same: same is False)
    frame["_distance"] = frame.apply(_distance, axis=1) if len(frame) else []
    frame = frame.sort_values(["_aim", "_flip", "_distance"], ascending=[True, False, False])
    return frame.drop(columns=["_aim", "_flip", "_distance"]).reset_index(drop=True)


def link(row: pd.Series) -> str:
    """The claim's label, linked to the cell that computed it (``<notebook>.html#<anchor>``)."""
    label = html.escape(row["label"])
    if not row.get("notebook"):
        return label
    target = f"{row['notebook']}.html#{claims.anchor(row['key'], row['group'])}"
    return f'<a href="{html.escape(target)}">{label}</a>'


def _shown(value: object, decimals: int | None, statistic: str = "") -> str:
    """A replicated value as a paper prints it: p-values APA style, counts with separators,
    other numbers to the printed precision plus two decimals; "" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if statistic == "p":
        return formatting.p_value(min(max(float(value), 0.0), 1.0))
    if statistic == "n" and float(value).is_integer():
        return formatting.count(abs(float(value))) if float(value) >= 0 else f"{value:,.0f}"
    places = 3 if decimals is None else decimals + 2
    return formatting.number(float(value), places, thousands=True)


def _rows(card: pd.DataFrame) -> str:
    rows = []
    for _, row in card.iterrows():
        decimals = parse_printed(row["printed"]).decimals
        statistic = row.get("statistic", "")
        tolerance = row["tolerance"]
        shown_tolerance = (
            "" if tolerance is None or pd.isna(tolerance) else "±" + _shown(tolerance, decimals)
        )
        verdict = html.escape(row["verdict"])
        ground = VERDICT_COLOURS[row["verdict"]]
        cells = [
            ("left", link(row)),
            ("right", html.escape(row["printed"])),
            ("right", _shown(row["replicated"], decimals, statistic)),
            ("right", _shown(row["difference"], decimals, "difference")),
            ("right", shown_tolerance),
            ("left", f'<span style="background:{ground};white-space:nowrap">{verdict}</span>'),
        ]
        rows.append(
            "<tr>"
            + "".join(f'<td style="text-align:{align}">{cell}</td>' for align, cell in cells)
            + "</tr>"
        )
    return "".join(rows)


_HEADER = ("claim", "printed", "replicated", "difference", "tolerance", "verdict")


def claims_html(card: pd.DataFrame, heading_level: int = 4) -> str:
    """Claims as HTML tables, one per aim in the paper's order, each claim in words and linked.

    Numbers show to the printed precision plus two decimals; the difference is
    replicated minus printed; the tolerance is the sampling tolerance, where the
    claim has one.
    """
    head = "".join(
        f'<th style="text-align:{"left" if name in ("claim", "verdict") else "right"}">{name}</th>'
        for name in _HEADER
    )
    parts = []
    for aim in [*_AIMS, *sorted(set(card["aim"]) - set(_AIMS))]:
        rows = card[card["aim"] == aim]
        if rows.empty:
            continue
        parts.append(
            f"<h{heading_level}>{html.escape(aim)} ({len(rows):,})</h{heading_level}>"
            f'<table class="scorecard"><thead><tr>{head}</tr></thead>'
            f"<tbody>{_rows(rows)}</tbody></table>"
        )
    return "".join(parts) or "<p>None.</p>"
