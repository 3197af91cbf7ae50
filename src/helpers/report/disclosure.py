"""What a run may publish: statistics of small cells withheld, extremes on request.

Every output of a run is an aggregate, but an aggregate of a few people can
still say something about each of them: a median of two people's scores, a
count of 3 men, a Wilcoxon W when one group holds a single person (W is then
that person's rank). A run therefore *withholds* every statistic computed
from fewer than ``min_cell_size`` people (default
:data:`helpers.design.MIN_CELL_SIZE`, the common small-cell threshold):

- a **count** of 1 to ``min_cell_size - 1`` people, and any percentage of it;
  a rate (``n`` of ``total``) also when the people it does not count are that
  few, since ``total - n`` is then a small count too; zero reveals nobody and
  stays;
- a **statistic of a group** (a mean, an SD, a median, a test, a coefficient)
  when the group has 1 to ``min_cell_size - 1`` people; a statistic that
  compares groups (a rank-sum test, a Dunn or Tukey pair, a Kruskal–Wallis
  H, an ANOVA, a dummy's coefficient) when *any* group it compares has.

A minimum or a maximum is a single person's value however large the group;
the paper prints them (age 18 to 78, for example), so a replication shows them
unless ``withhold_extremes`` is set.

A withheld number is NaN, exactly as a statistic the data cannot support
(:mod:`helpers.stats.notes`), and its note says why: ``withheld because ...``.
The note never says how many people the cell has. ``estimates.csv`` writes it
with an empty value and that note, the notebooks' sentences say it in words,
tables show a dash, figures leave the cell out, and the scorecard's verdict is
*withheld*.

Cells are withheld one by one: complementary cells are not suppressed, so a
withheld count can still be the difference of two that are shown (the
README's privacy section says what an output can reveal).

Examples
--------
>>> disclosure = Disclosure(min_cell_size=5)
>>> disclosure.reason(female=1200, male=3)
'withheld because fewer than 5 people are in male (min_cell_size)'
>>> disclosure.count(3)["note"]
'withheld because it counts fewer than 5 people (min_cell_size)'
>>> disclosure.shown(3), disclosure.shown(1234)
('fewer than 5', '1,234')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from helpers.design import MIN_CELL_SIZE, WITHHOLD_EXTREMES
from helpers.pipeline.results import WITHHELD
from helpers.stats.notes import NOTE, joined, listed

__all__ = ["DEFAULT", "EXTREMES", "WITHHELD", "Disclosure", "withheld"]

#: The fields (Series entries, key endings) that hold a single person's value.
EXTREMES = ("min", "max")
_EXTREMES_REASON = (
    f"{WITHHELD} because a minimum or maximum is one person's value (withhold_extremes)"
)


def withheld(note: object) -> bool:
    """Whether ``note`` says a number was withheld (rather than not estimable).

    Examples
    --------
    >>> withheld("withheld because it counts fewer than 5 people (min_cell_size)")
    True
    >>> withheld("not estimable: nobody in this group"), withheld(None)
    (False, False)
    """
    return isinstance(note, str) and note.startswith(WITHHELD)


@dataclass(frozen=True)
class Disclosure:
    """The run's disclosure rule: the smallest cell it publishes, and whether extremes are shown.

    Parameters
    ----------
    min_cell_size : int, default :data:`helpers.design.MIN_CELL_SIZE`
        The fewest people a published statistic may describe; 1 withholds nothing.
    withhold_extremes : bool, default :data:`helpers.design.WITHHOLD_EXTREMES` (False)
        Withhold minima and maxima, each a single person's value.

    Raises
    ------
    ValueError
        If ``min_cell_size`` is not a whole number of at least 1, or
        ``withhold_extremes`` not True or False.
    """

    min_cell_size: int = MIN_CELL_SIZE
    withhold_extremes: bool = WITHHOLD_EXTREMES

    def __post_init__(self) -> None:
        size = self.min_cell_size
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"min_cell_size must be a whole number of at least 1, got {size!r}")
        if not isinstance(self.withhold_extremes, bool):
            raise ValueError(
                f"withhold_extremes must be True or False, got {self.withhold_extremes!r}"
            )

    # --- the rule ----------------------------------------------------------------------

    def small(self, n: float) -> bool:
        """Whether ``n`` people is a small cell: at least one, fewer than ``min_cell_size``.

        Examples
        --------
        >>> rule = Disclosure(5)
        >>> rule.small(0), rule.small(4), rule.small(5), rule.small(float("nan"))
        (False, True, False, False)
        """
        return not (n is None or math.isnan(float(n))) and 0 < float(n) < self.min_cell_size

    def reason(self, **sizes: float) -> str:
        """Why a statistic of groups of these ``sizes`` is withheld; "" when it is not.

        Name the groups as keywords (``female=1200, male=3``); a single group of
        people can be given as ``people=n``.
        """
        small = [name for name, n in sizes.items() if self.small(n)]
        if not small:
            return ""
        fewer = f"fewer than {self.min_cell_size} people"
        if list(sizes) == ["people"]:
            return f"{WITHHELD} because it describes {fewer} (min_cell_size)"
        return f"{WITHHELD} because {fewer} are in {listed(small)} (min_cell_size)"

    def shown(self, n: float) -> str:
        """A count for prose and labels: ``"1,234"``, or ``"fewer than 5"`` when withheld."""
        return f"fewer than {self.min_cell_size}" if self.small(n) else f"{n:,.0f}"

    # --- results of helpers.stats ----------------------------------------------------------

    def result(self, result: pd.Series, **sizes: float) -> pd.Series:
        """``result`` with every number withheld when a group of ``sizes`` is small.

        Otherwise, with ``withhold_extremes``, its ``min`` and ``max`` are withheld.
        A withheld result's note is the reason alone: its own note (e.g. "only
        one value") could say how many people it has.
        """
        why = self.reason(**sizes)
        if why:
            return _blank(result, [f for f in result.index if f != NOTE], why)
        extremes = [f for f in EXTREMES if f in result.index]
        if self.withhold_extremes and extremes:
            return _blank(result, extremes, joined([_EXTREMES_REASON, _note(result)]))
        return result

    def comparison(self, result: pd.Series, first: str, second: str) -> pd.Series:
        """A two-group result (``n_first``, ``n_second``) with each small group's numbers withheld.

        Fields ending ``_first`` describe the first group only and are withheld
        when it is small, ``_second`` likewise; every other field compares both,
        and is withheld when either is small.
        """
        sizes = {first: result["n_first"], second: result["n_second"]}
        why = self.reason(**sizes)
        if not why:
            return result
        fields = [
            field
            for field in result.index
            if field != NOTE
            and not (field.endswith("_first") and not self.small(sizes[first]))
            and not (field.endswith("_second") and not self.small(sizes[second]))
        ]
        return _blank(result, fields, why)

    def count(self, n: float) -> pd.Series:
        """A count as a result (``n``, ``note``): withheld when it is small.

        Examples
        --------
        >>> Disclosure(5).count(0)["n"], Disclosure(5).count(12)["n"]
        (0.0, 12.0)
        """
        if self.small(n):
            return pd.Series({"n": math.nan, NOTE: self.count_reason})
        return pd.Series({"n": float(n), NOTE: ""})

    @property
    def count_reason(self) -> str:
        """Why a small count (and any percentage of it) is withheld."""
        return (
            f"{WITHHELD} because it counts fewer than {self.min_cell_size} people (min_cell_size)"
        )

    @property
    def extremes_reason(self) -> str:
        """Why a minimum or maximum is withheld (``withhold_extremes``)."""
        return _EXTREMES_REASON

    def rate(self, result: pd.Series) -> pd.Series:
        """A rate (``n`` of ``total``, ``pct``), withheld when ``n``, ``total - n`` or ``total``
        is a small count.

        Examples
        --------
        >>> rate = pd.Series({"n": 97.0, "total": 100.0, "pct": 97.0, "note": ""})
        >>> Disclosure(5).rate(rate)["note"]
        'withheld because it counts, or leaves out, fewer than 5 people (min_cell_size)'
        """
        n, total = result["n"], result["total"]
        if not any(self.small(count) for count in (n, total - n, total)):
            return result
        why = (
            f"{WITHHELD} because it counts, or leaves out, fewer than {self.min_cell_size} "
            "people (min_cell_size)"
        )
        return _blank(result, [f for f in result.index if f != NOTE], why)

    def rows(self, table: pd.DataFrame, sizes: Sequence[Mapping[str, float]]) -> pd.DataFrame:
        """A result table with each row's numbers withheld when a group of its ``sizes`` is small.

        Parameters
        ----------
        table : pandas.DataFrame
            One result per row (a Dunn or Tukey pair, a coefficient, a group's change).
        sizes : sequence of mappings
            For each row, in order, its groups and their sizes.
        """
        if len(sizes) != len(table):
            raise ValueError(f"disclosure: {len(sizes)} sizes for a table of {len(table)} rows")
        table = table.copy()
        if NOTE not in table.columns:
            table[NOTE] = ""
        numbers = [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]
        for position, groups in enumerate(sizes):
            why = self.reason(**groups)
            if why:
                table.iloc[position, [table.columns.get_loc(c) for c in numbers]] = math.nan
                table.iloc[position, table.columns.get_loc(NOTE)] = why
        return table

    def pairs(
        self,
        table: pd.DataFrame,
        sizes: Mapping[str, float],
        first: str = "first",
        second: str = "second",
    ) -> pd.DataFrame:
        """Pairwise comparisons (``first``, ``second``), a pair with a small group withheld."""
        return self.rows(
            table,
            [
                {a: sizes.get(a, 0), b: sizes.get(b, 0)}
                for a, b in zip(table[first], table[second], strict=True)
            ],
        )

    def groups(self, table: pd.DataFrame, n: str = "n") -> pd.DataFrame:
        """A table indexed by group, its sizes in column ``n``, with the small groups withheld."""
        return self.rows(table, [{str(group): size} for group, size in table[n].items()])


#: The rule of a run with the default parameters (``min_cell_size`` 5, extremes shown).
DEFAULT = Disclosure()


def _note(result: pd.Series) -> str:
    note = result.get(NOTE, "")
    return note if isinstance(note, str) else ""


def _blank(result: pd.Series, fields: list[str], why: str) -> pd.Series:
    """``result`` with ``fields`` NaN and its note ``why``."""
    out = result.copy().astype(object)
    for field in fields:
        out[field] = math.nan
    out[NOTE] = why
    return out
