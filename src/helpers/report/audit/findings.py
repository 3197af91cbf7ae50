"""The audit as findings a reviewer reads: one sentence per inconsistency, its kind, how serious.

:func:`findings_report` keeps the printed numbers that other printed numbers prove wrong
and says each in one sentence with its arithmetic, naming the claims by their labels in
``data/published_values.csv``. It reuses what each check put in its
:class:`~helpers.report.intervals.Finding` (the recomputed range, the inputs in a paper's
notation, the number they give, the printed numbers read); it redoes no check's arithmetic.

Notes
-----
Each inconsistency is of one kind:

**contradiction**
    The printed numbers cannot all be true: no value that rounds to each input gives
    the printed number, and nothing the paper leaves out could change that.
**omission**
    The numbers do not add up only because something is not printed: counts that fall
    short of their total leave people in a category or group the paper does not print
    (Table 1 prints no row for people with an unknown country).
**cannot tell**
    The arithmetic leaves both readings open; the sentence says what unprinted number
    would explain it.

The rule per check, from what the check computes:

- ``total from its groups`` (the printed number is the whole) and ``categories add up to
  the group`` (it is the first category): parts that fall **short** of the whole are an
  omission (the rest are in a category or group the paper does not print); parts that
  **exceed** it are a contradiction.
- ``percentage from n / N``: a printed percentage **above** n / N cannot tell (a smaller
  denominator the paper does not print, such as the people with a known value, would
  give it); one **below** is a contradiction (it needs more people than the group has).
- ``total mean from group means``: a total mean outside the range of the printed group
  means is a contradiction; inside it, cannot tell (people without a value, whom the
  paper does not count, would change the weights). ``total SD from group means and
  SDs``: cannot tell, for the same reason.
- ``adjusted p from Dunn Z``: cannot tell (the paper does not name its adjustment).
- Every other check (a p from its statistic and df, a CI from b and SE, an estimate from
  its CI, an effect size from its statistic, a total minimum or maximum, ΔR², a number
  printed twice, Cohen's d, the ANOVA and Tukey p from the group means): contradiction.
  A check without a rule here gives cannot tell.

How serious (``serious``, 1 first): 1, a gross p-value inconsistency (the decision at
:data:`~helpers.report.audit.ALPHA` flips); 2, another contradiction; 3, cannot tell;
4, an omission.

:func:`restated` lists the quantities the abstract prints differently from the results.

Examples
--------
>>> from helpers.report.published import load_published
>>> report = findings_report(load_published())
>>> report["kind"].tolist()
['contradiction', 'contradiction', 'omission', 'omission', 'omission']
>>> print(report["sentence"].iloc[0])
Change by provider type: ANOVA p — F(2, 832) = 4.76 gives p = .0088; the paper prints p < .001.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pandas as pd

from helpers.report.audit._checks import run_checks
from helpers.report.audit._shared import ALPHA, count
from helpers.report.audit._wording import Labels, as_printed, names, number, p_number, quantity
from helpers.report.intervals import Finding, Paper
from helpers.report.verdicts import parse_printed

__all__ = ["KINDS", "findings_markdown", "findings_report", "restated"]

CONTRADICTION, OMISSION, CANNOT_TELL = "contradiction", "omission", "cannot tell"
#: The kinds, in order of seriousness after a gross p-value inconsistency.
KINDS = (CONTRADICTION, CANNOT_TELL, OMISSION)

#: Sums whose shortfall is an omission: whether the printed number is the whole or a part.
_SUMS = {"total from its groups": "whole", "categories add up to the group": "part"}
_REPEATED = "same number printed twice"
_UNCOUNTED = (
    "; people without a value, whom the paper does not count, would weigh the groups "
    "differently, so this cannot tell an error from an omission"
)
_CANNOT_TELL = {
    "total SD from group means and SDs": _UNCOUNTED,
    "adjusted p from Dunn Z": "; the paper does not name its adjustment, so this cannot tell "
    "an error from an adjustment not tried",
}
_CONTRADICTIONS = frozenset(
    {
        "p from F",
        "p from chi-square",
        "effect size from H",
        "H from Dunn Z",
        "p from Wilcoxon W (no-ties bound)",
        "p from effect size r",
        "effect size r from W (no-ties bound)",
        "p from Spearman rho",
        "p from b / SE",
        "CI from b and SE",
        "estimate from its CI",
        "p from t (t from CI)",
        "Cohen's d variant",
        "F from group means and the SD of change",
        "Tukey p from group means",
        "p from R2",
        "delta R2 from the R2 of both steps",
        "delta R2 from the added coefficient's t",
        "p of delta R2 from F-change",
        "p of delta R2 from the added coefficient's t",
        "total min from group mins",
        "total max from group maxs",
        _REPEATED,
    }
)
#: A recomputed range is worth a mention when wider than this share of its value.
_WIDE = 0.1
_COLUMNS = [
    "serious", "kind", "claim", "key", "group", "printed", "source", "checks", "gross",
    "sentence",
]  # fmt: skip


# --- one finding in words -----------------------------------------------------------


def _claim(item: Finding) -> tuple[str, str]:
    match = re.fullmatch(r"(.+) \[(.*)\]", item.claim)
    if match is None:
        raise ValueError(f"findings: cannot read the claim {item.claim!r} as 'key [group]'")
    return match.group(1), match.group(2)


def _kind(item: Finding, paper: Paper) -> tuple[str, str]:
    """The kind of an inconsistent finding, and what its sentence adds (empty if nothing)."""
    printed = parse_printed(item.printed)
    if item.check in _CONTRADICTIONS:
        return CONTRADICTION, ""
    if item.check in _SUMS:
        whole = _SUMS[item.check] == "whole"
        short = printed.low > item.high if whole else printed.high < item.low
        return (OMISSION if short else CONTRADICTION), ""
    if item.check == "percentage from n / N":
        if printed.low > item.high:
            return CANNOT_TELL, (
                "; a smaller denominator the paper does not print (such as the people with a "
                "known value) would give it, so this cannot tell an error from an omission"
            )
        return CONTRADICTION, ""
    if item.check == "total mean from group means" and item.inputs:
        boxes = [paper.box(*cell) for cell in item.inputs]
        low, high = min(b[0] for b in boxes), max(b[1] for b in boxes)
        if printed.high < low or printed.low > high:
            return CONTRADICTION, "; no weighting of the group means gives it"
        return CANNOT_TELL, _UNCOUNTED
    if item.check in _CANNOT_TELL:
        return CANNOT_TELL, _CANNOT_TELL[item.check]
    return CANNOT_TELL, (
        f"; the audit has no rule saying whether something unprinted could explain '{item.check}'"
    )


def _sum_sentence(item: Finding, paper: Paper, labels: Labels, kind: str) -> str:
    """A count that does not add up: the parts, their sum, and the whole it misses."""
    claim = _claim(item)
    whole_printed = _SUMS[item.check] == "whole"
    parts = list(item.inputs) if whole_printed else [claim, *item.inputs[1:]]
    whole = claim if whole_printed else item.inputs[0]
    values = [paper.value(*cell) for cell in parts]
    named = names([labels.label(*cell) for cell in parts])
    text = " + ".join(f"{count(v)} ({n})" for v, n in zip(values, named, strict=True))
    total, size = sum(values), paper.value(*whole)
    if whole_printed:
        if kind == OMISSION:
            return (
                f"{text} = {count(total)}, {count(size - total)} short of the {count(size)} "
                f"printed: the other {count(size - total)} must be in a group the paper does "
                "not print"
            )
        return (
            f"{text} = {count(total)}, more than the {count(size)} printed: these counts "
            "cannot all be right"
        )
    where = f"{count(size)} ({names([labels.label(*whole)])[0]})"
    if kind == OMISSION:
        return (
            f"{text} = {count(total)} of {where}: the other {count(size - total)} must be in a "
            "category the paper does not print, such as a missing value"
        )
    return f"{text} = {count(total)}, more than {where}: these counts cannot all be right"


def _clause(item: Finding, statistic: str) -> str:
    """``"F(2, 832) = 4.76 gives p = .0088"``, with the range when rounding widens it."""
    if not item.premise:  # the check's own arithmetic, and its range if it gives one
        if math.isnan(item.low):
            return item.arithmetic
        return f"{item.arithmetic}, so the other printed numbers allow {item.recomputed}"
    if math.isnan(item.value):
        return item.premise
    bound = "bound" in item.check  # the check gives a one-sided range
    relation = "="
    if bound:
        relation = "≤" if item.high - item.value <= item.value - item.low else "≥"
    if statistic == "p":
        shown, figure = p_number(item.value, None if bound else item.printed)
        relation = "<" if shown == "<" else relation
        ends = [p_number(end)[1] for end in (item.low, item.high) if end >= 0.001]
    else:
        figure = number(item.value, item.printed)
        ends = [number(end, item.printed) for end in (item.low, item.high)]
    clause = f"{item.premise} gives {quantity(statistic, relation, figure)}"
    wide = item.high - item.low > _WIDE * abs(item.value)  # rounding matters to the point
    if not bound and wide and len(ends) == 2 and ends[0] != ends[1]:
        clause += f" ({ends[0]} to {ends[1]} as the printed numbers round)"
    return clause


def _row(items: list[Finding], paper: Paper, labels: Labels) -> dict[str, object]:
    """One inconsistent printed number: all its findings in one sentence."""
    key, group = _claim(items[0])
    label, statistic = labels.label(key, group), labels.statistic(key, group)
    kinds = [_kind(item, paper) for item in items]
    ranks = [
        1 if item.gross else 2 + KINDS.index(kind)
        for item, (kind, _) in zip(items, kinds, strict=True)
    ]
    serious = min(ranks)
    pieces, clauses, notes = [], [], []
    for item, (kind, note), rank in zip(items, kinds, ranks, strict=True):
        if item.check in _SUMS:
            pieces.append(_sum_sentence(item, paper, labels, kind))
        elif item.check == _REPEATED and item.inputs:
            other = item.inputs[0]
            pieces.append(
                f"the paper prints {as_printed(item.printed, statistic)} here but "
                f"{as_printed(paper.text(*other), statistic)} for the same quantity elsewhere "
                f"({labels.label(*other)})"
            )
        else:
            clauses.append(_clause(item, statistic))
            if note and note not in notes and rank == serious:  # a proven error needs no caveat
                notes.append(note)
    if clauses:
        side = f", on the other side of {str(ALPHA).removeprefix('0')}" if serious == 1 else ""
        prints = as_printed(items[0].printed, statistic)
        pieces.insert(0, f"{', and '.join(clauses)}; the paper prints {prints}{side}")
    return {
        "serious": serious,
        "kind": (CONTRADICTION, *KINDS)[serious - 1],
        "claim": label,
        "key": key,
        "group": group,
        "printed": items[0].printed,
        "source": labels.get(key, group, "source"),
        "checks": "; ".join(dict.fromkeys(item.check for item in items)),
        "gross": serious == 1,
        "sentence": f"{label} — {'; '.join(pieces)}{''.join(notes)}.",
    }


def findings_report(
    paper: pd.DataFrame | Paper, findings: Iterable[Finding] | None = None
) -> pd.DataFrame:
    """The inconsistencies the printed numbers prove, one sentence each, most serious first.

    Parameters
    ----------
    paper : pandas.DataFrame or Paper
        The published values (:func:`helpers.report.published.load_published`): ``key``,
        ``group``, ``reported``, and ``label``, ``statistic``, ``source`` when present. A
        :class:`Paper` carries no labels: claims are then named by key and group.
    findings : iterable of Finding, optional
        The checks' findings on ``paper``; all of :func:`~helpers.report.audit.audit`'s
        checks when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per inconsistent printed number (its findings merged), ordered by
        ``serious`` and then as the paper runs: ``serious`` (1 a gross p, 2 another
        contradiction, 3 cannot tell, 4 an omission), ``kind`` (``"contradiction"``,
        ``"omission"``, ``"cannot tell"``; the rule per check is in the module's docstring),
        ``claim`` (its label), ``key``, ``group``, ``printed``, ``source`` (where it is
        printed), ``checks``, ``gross``, ``sentence`` (the inconsistency with its arithmetic).

    Raises
    ------
    ValueError
        If ``findings`` is a table rather than :class:`Finding` objects, or a number a
        check or a sentence needs is not printed.
    """
    published = paper if isinstance(paper, pd.DataFrame) else None
    paper = Paper(published) if published is not None else paper
    if not isinstance(paper, Paper):
        raise ValueError(f"findings_report: expected published values or a Paper, got {paper!r}")
    if isinstance(findings, pd.DataFrame):
        raise ValueError(
            "findings_report: pass the checks' Finding objects, not audit()'s table, which "
            "has no premises or inputs to write sentences from"
        )
    items = run_checks(paper) if findings is None else list(findings)
    strays = [item for item in items if not isinstance(item, Finding)]
    if strays:
        raise ValueError(f"findings_report: expected Finding objects, got {strays[0]!r}")
    grouped: dict[str, list[Finding]] = {}
    for item in items:
        if not item.consistent:
            grouped.setdefault(item.claim, []).append(item)
    labels = Labels(published)
    rows = [_row(group, paper, labels) for group in grouped.values()]
    report = pd.DataFrame(rows, columns=_COLUMNS)
    return report.sort_values("serious", kind="stable").reset_index(drop=True)


def restated(published: pd.DataFrame) -> pd.DataFrame:
    """Where the abstract prints a quantity differently from the results.

    Read from the ``note`` column: ``"abstract reports P = .01"`` says the abstract
    prints the quantity as ``P = .01`` where ``reported`` has the results' value.

    Parameters
    ----------
    published : pandas.DataFrame
        The published values: ``key``, ``group``, ``label``, ``reported``, ``note``, and
        ``statistic`` and ``source`` when present.

    Returns
    -------
    pandas.DataFrame
        One row per quantity the abstract restates: ``key``, ``group``, ``label``,
        ``abstract`` (as the abstract prints it), ``results`` (as the results print it),
        ``sentence``.

    Raises
    ------
    ValueError
        If a column is missing.

    Examples
    --------
    >>> from helpers.report.published import load_published
    >>> print(restated(load_published())["sentence"].iloc[0])
    Women vs men: Mann–Whitney p — the abstract prints p = .01, the results p = .005.
    """
    missing = {"key", "group", "label", "reported", "note"} - set(published.columns)
    if missing:
        raise ValueError(f"published values: missing column(s) {sorted(missing)}")
    labels = Labels(published)
    rows = []
    for row in published.to_dict("records"):
        match = re.search(r"abstract reports\s+([^;]+)", str(row["note"]), re.IGNORECASE)
        if match is None:
            continue
        key, group = str(row["key"]), str(row["group"])
        abstract = re.sub(r"^P\b", "p", match.group(1).strip())
        results = as_printed(str(row["reported"]), labels.statistic(key, group))
        places = [
            "the results" if place.lower().startswith("results") else place
            for place in (part.strip() for part in labels.get(key, group, "source").split(";"))
            if place and not place.lower().startswith("abstract")
        ]
        where = " and ".join(places) or "the results"
        sentence = f"{row['label']} — the abstract prints {abstract}, {where} {results}."
        rows.append(
            {
                "key": key,
                "group": group,
                "label": row["label"],
                "abstract": abstract,
                "results": results,
                "sentence": sentence,
            }
        )
    columns = ["key", "group", "label", "abstract", "results", "sentence"]
    return pd.DataFrame(rows, columns=columns)


#: Each kind as a heading, with what it means.
_KIND_HEADINGS = {
    CONTRADICTION: "Contradictions: the printed numbers cannot all be true",
    CANNOT_TELL: "Cannot tell: an error, or a number the paper does not print",
    OMISSION: "Omissions: the numbers add up only with something the paper does not print",
}


def findings_markdown(report: pd.DataFrame, restatements: pd.DataFrame) -> str:
    """The audit's findings as Markdown: a list per kind, most serious first, then the
    numbers the abstract prints differently from the results.

    Parameters
    ----------
    report : pandas.DataFrame
        :func:`findings_report` output.
    restatements : pandas.DataFrame
        :func:`restated` output.
    """
    parts = []
    for kind in KINDS:
        rows = report[report["kind"] == kind]
        if rows.empty:
            continue
        items = "\n".join(
            f"- {'**Gross:** ' if gross else ''}{sentence}"
            for sentence, gross in zip(rows["sentence"], rows["gross"], strict=True)
        )
        parts.append(f"**{_KIND_HEADINGS[kind]}** ({len(rows)})\n\n{items}")
    if not parts:
        parts.append("No printed number contradicts another.")
    if len(restatements):
        items = "\n".join(f"- {sentence}" for sentence in restatements["sentence"])
        parts.append(
            "**Printed twice, differently: the abstract and the results** "
            f"({len(restatements)})\n\n{items}"
        )
    return "\n\n".join(parts)
