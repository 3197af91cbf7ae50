"""Matched mode's regression targets: the values of b that keep a coefficient's printed claims.

A printed value stands for an interval (:func:`helpers.report.verdicts.parse_printed`):
"0.99" is 0.985 to 0.995. Given a coefficient's standard error :math:`s` and
residual df :math:`\\nu`, each of its printed claims bounds its estimate :math:`b`:

.. math::

    b \\in B, \\qquad b - t_\\nu s \\in L, \\qquad b + t_\\nu s \\in H, \\qquad
    |b| / s \\in \\{ |t| : 2\\,P(T_\\nu > |t|) \\in P \\}

with :math:`t_\\nu` the 97.5% quantile of Student's t, and :math:`B, L, H, P`
the intervals of the printed b, CI bounds and p. :func:`coefficient_target`
intersects them in that order of priority, skipping a claim that would leave
nothing; the generator aims at the middle of what is left. Every interval is
read from ``data/published_values.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from helpers.design import CONF_LEVEL
from helpers.report.published import printed_values
from helpers.report.verdicts import parse_printed

__all__ = ["Target", "coefficient_target", "printed_interval", "se_matches"]


@dataclass(frozen=True)
class Target:
    """Where the generator aims one estimate: ``value``, and how far it may land (``half``)."""

    value: float
    half: float
    claims: tuple[str, ...]  # the printed claims the interval keeps


def printed_interval(key: str, group: str) -> tuple[float, float]:
    """The interval of numbers the printed value of ``key`` (``group``) stands for."""
    values = printed_values()
    if (key, group) not in values:
        raise ValueError(f"printed_interval: no printed value for {key!r} ({group})")
    interval = parse_printed(values[key, group])
    return interval.low, interval.high


def se_matches(key: str, group: str, se: float) -> bool:
    """Whether a standard error rounds to the printed one."""
    low, high = printed_interval(key, group)
    return low <= se <= high


def _abs_t(p_low: float, p_high: float, df: float) -> tuple[float, float]:
    """The |t| whose two-sided p lies in [p_low, p_high] (either bound may be open)."""
    small = stats.t.isf(min(max(p_high, 0.0), 1.0) / 2, df) if p_high < 1 else 0.0
    large = stats.t.isf(p_low / 2, df) if p_low > 0 else np.inf
    return float(small), float(large)


def coefficient_target(prefix: str, group: str, estimate: str, se: float, df: float) -> Target:
    """The estimates that keep the printed estimate, CI bounds and p of one coefficient.

    Parameters
    ----------
    prefix : str
        The claims' common key, e.g. ``"aim3.alliance"``.
    group : str
        Their group (``"full model"``, ``"moderation"``).
    estimate : str
        The field of the estimate (``"b"``; ``"beta"`` for the z-scored moderation models).
    se : float
        The standard error the data will give the coefficient.
    df : float
        Residual degrees of freedom.

    Returns
    -------
    Target
        The middle and half-width of the intersection, and the claims kept.

    Raises
    ------
    ValueError
        If ``se`` or ``df`` is not positive.

    Examples
    --------
    >>> target = coefficient_target("aim3.alliance", "full model", "b", 0.9931, 669)
    >>> round(target.value, 3), target.claims
    (2.04, ('b', 'p', 'ci_low', 'ci_high'))
    """
    if not se > 0 or not df > 0:
        raise ValueError(f"coefficient_target: se and df must be positive, got {se}, {df}")
    t = stats.t.ppf(0.5 + CONF_LEVEL / 2, df)
    low, high = printed_interval(f"{prefix}.{estimate}", group)
    sign = 1.0 if low + high >= 0 else -1.0
    kept = [estimate]
    p_low, p_high = printed_interval(f"{prefix}.p", group)
    t_small, t_large = _abs_t(p_low, p_high, df)
    p_range = (t_small * se, t_large * se) if sign > 0 else (-t_large * se, -t_small * se)
    ci_low = printed_interval(f"{prefix}.ci_low", group)
    ci_high = printed_interval(f"{prefix}.ci_high", group)
    for name, (a, b) in (
        ("p", p_range),
        ("ci_low", (ci_low[0] + t * se, ci_low[1] + t * se)),
        ("ci_high", (ci_high[0] - t * se, ci_high[1] - t * se)),
    ):
        new_low, new_high = max(low, a), min(high, b)
        if new_low <= new_high:
            low, high = new_low, new_high
            kept.append(name)
    return Target(float(low + high) / 2, float(high - low) / 2, tuple(kept))
