"""Integers with a printed mean, SD, median, minimum and maximum, all at once (matched mode).

Table 1 prints five numbers per variable and group: mean, SD, median, minimum
and maximum. :func:`integers_with_moments` turns a drawn sample (the shape)
into integers that hit all five at their printed precision, in two stages.

1. **Shape.** The sorted draw :math:`t_{(1)} \\le \\dots \\le t_{(n)}` is mapped
   monotonically onto the printed bounds, with the middle rank(s) at the
   median: below the median :math:`y = M - (M - L)\\,u^{q}`, above it
   :math:`y = M + (H - M)\\,v^{p}`, where :math:`u, v \\in [0, 1]` are the
   draw's distances from its own median, scaled to its extremes. The
   exponent :math:`q` is found by bisection so that the sum hits
   :math:`n\\bar x`, and for each trial :math:`p` the exponent :math:`q`; the
   sum of squares falls as :math:`p` grows, so a second bisection on
   :math:`p` hits :math:`(n-1)s^2 + (n\\bar x)^2/n`.
2. **Integers.** The values are rounded and clipped to each element's own
   bounds (e.g. a follow-up period is at least the time in care), the
   extremes are pinned, the median fixed by moving the fewest values onto it,
   and then vectorised passes move values one unit: single moves until the
   sum is :math:`\\operatorname{round}(n\\bar x)`, then pairs (one up, one down,
   sum kept) whose change of the sum of squares, :math:`2(a - b) + 2` for
   raising :math:`a` and lowering :math:`b`, adds up to the gap. No move
   crosses the median or an element's bounds.

Every loop runs at most a named, fixed number of times (:data:`SHAPE_STEPS`,
:data:`MOMENT_PASSES`), so the result is a function of the random generator.
The cost is :math:`O(n)` per step, :math:`O(n \\log n)` overall.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from helpers.synthetic.model import Moments

__all__ = [
    "MOMENT_PASSES",
    "PRINTED_MARGIN",
    "SD_MARGIN",
    "SHAPE_STEPS",
    "integers_with_moments",
    "joint_targets",
]

#: Steps of each bisection on a log exponent over [-6, 6]: 2**-30 of the bracket is far
#: below a unit of any Table 1 variable; the integer passes absorb the rest.
SHAPE_STEPS = 30
#: Most passes of single and paired unit moves. Each pass moves as many values as the gap
#: needs (at most all movable ones), so the bundled data set needs fewer than ten per
#: variable and group; the cap only ends a case that the bounds lock.
MOMENT_PASSES = 200
#: The integer passes accept an SD within this distance of their target. The target itself
#: may sit up to :data:`PRINTED_MARGIN` - SD_MARGIN from the printed SD (:func:`joint_targets`).
SD_MARGIN = 0.001
#: A mean or SD printed to two decimals stands for an interval of half-width 0.005; targets
#: stay this far inside it, so that floating point never rounds them out of it.
PRINTED_MARGIN = 0.0049
_LOG_EXPONENT = 6.0  # exponents from e**-6 to e**6: from all at the bound to all at the median


def integers_with_moments(
    rng: np.random.Generator,
    x: np.ndarray,
    target: Moments,
    floor: np.ndarray | None = None,
    ceiling: np.ndarray | None = None,
) -> np.ndarray:
    """Integers ordered like ``x`` with ``target``'s mean, SD, median, minimum and maximum.

    Parameters
    ----------
    rng : numpy.random.Generator
        Seeds (with one draw) the generator that chooses which values move.
    x : numpy.ndarray
        The drawn sample; only its order and shape are kept.
    target : Moments
        The printed mean, SD, bounds and (optional) median. Without a median
        only the other four are hit.
    floor, ceiling : numpy.ndarray, optional
        Per-element bounds within the target's (default: the target's). An
        element whose floor equals its ceiling is fixed at that value.

    Returns
    -------
    numpy.ndarray
        ``int64`` values. Where the bounds leave no room the closest reachable
        values are returned; the caller's statistics then show the miss.

    Raises
    ------
    ValueError
        If an element's floor is above its ceiling, or ``x`` has fewer than
        three values.
    """
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 3:
        raise ValueError(f"integers_with_moments: need at least 3 values, got {n}")
    # the passes draw from a child generator seeded by one draw, so the caller's later
    # draws do not depend on how many passes this call needed
    rng = np.random.default_rng(rng.integers(2**63))
    low, high = int(target.low), int(target.high)
    floor = np.full(n, low) if floor is None else np.maximum(np.asarray(floor), low)
    ceiling = np.full(n, high) if ceiling is None else np.minimum(np.asarray(ceiling), high)
    floor, ceiling = floor.astype(np.int64), ceiling.astype(np.int64)
    if np.any(floor > ceiling):
        raise ValueError("integers_with_moments: an element's floor is above its ceiling")
    total = round(target.mean * n)
    squares = target.sd**2 * (n - 1) + total**2 / n
    fixed = floor == ceiling
    values = floor.copy()
    free = np.flatnonzero(~fixed)
    median = None if target.median is None else round(target.median)
    if len(free):
        y = _shape(
            x[free],
            low,
            high,
            median,
            n_below_fixed=int(np.sum(fixed & (floor < (median if median is not None else low)))),
            n=n,
            total=total - int(values[fixed].sum()),
            squares=squares - float(np.sum(values[fixed].astype(float) ** 2)),
        )
        values[free] = np.clip(np.round(y), floor[free], ceiling[free])
    frozen = fixed.copy()
    for bound, pick in ((low, np.argmin), (high, np.argmax)):
        if not np.any(values == bound):  # the printed extreme must occur once
            allowed = np.flatnonzero(~frozen & (floor <= bound) & (ceiling >= bound))
            if len(allowed):
                holder = allowed[pick(x[allowed])]
                values[holder] = bound
        holders = np.flatnonzero((values == bound) & ~frozen)
        if len(holders):
            frozen[holders[0]] = True
    if median is not None:
        _fix_median(values, median, frozen, floor, ceiling)
    sd_low = (max(target.sd - SD_MARGIN, 0.0) ** 2) * (n - 1)
    sd_high = (target.sd + SD_MARGIN) ** 2 * (n - 1)
    for _ in range(MOMENT_PASSES):
        centre = median if median is not None else high + 1  # no median: nothing is held
        up = np.flatnonzero(~frozen & (values < ceiling) & (values != centre))
        down = np.flatnonzero(~frozen & (values > floor) & (values != centre))
        gap = total - int(values.sum())
        if gap:
            movable = up if gap > 0 else down
            if len(movable) == 0:
                break
            chosen = rng.choice(movable, size=min(abs(gap), len(movable)), replace=False)
            values[chosen] += 1 if gap > 0 else -1
            continue
        spread = float(np.sum(values.astype(float) ** 2)) - total**2 / n
        if sd_low <= spread <= sd_high:
            break
        if not _pair_moves(rng, values, up, down, squares - total**2 / n - spread):
            break
    return values


def _shape(t, low, high, median, n_below_fixed, n, total, squares) -> np.ndarray:
    """Stage 1: the monotone power map of the sorted draw ``t`` (see the module docstring)."""
    m = len(t)
    order = np.argsort(t, kind="stable")
    ts = t[order]
    if median is None:
        first, last = (m - 1) // 2, m // 2
        median = float(np.clip(np.round((ts[first] + ts[last]) / 2), low, high))
    else:  # the free positions of the middle rank(s) of all n values
        first = int(np.clip((n - 1) // 2 - n_below_fixed, 0, m - 1))
        last = int(np.clip(n // 2 - n_below_fixed, 0, m - 1))
    below, above = ts[:first], ts[last + 1 :]
    with np.errstate(divide="ignore"):
        log_u = np.log((ts[first] - below) / max(ts[first] - ts[0], 1e-12))
        log_v = np.log((above - ts[last]) / max(ts[-1] - ts[last], 1e-12))
    if len(log_u):
        log_u[0] = 0.0  # the smallest value sits on the minimum
    if len(log_v):
        log_v[-1] = 0.0  # the largest on the maximum
    middle = (last - first + 1) * median

    def lower(log_q):
        return median - (median - low) * np.exp(np.exp(log_q) * log_u)

    def upper(log_p):
        return median + (high - median) * np.exp(np.exp(log_p) * log_v)

    def lower_for(log_p):
        """The lower piece whose sum completes ``total`` with ``upper(log_p)``."""
        wanted = total - middle - upper(log_p).sum()
        a, b = -_LOG_EXPONENT, _LOG_EXPONENT
        for _ in range(SHAPE_STEPS):  # the lower sum rises with q
            mid = (a + b) / 2
            if lower(mid).sum() < wanted:
                a = mid
            else:
                b = mid
        return lower((a + b) / 2)

    a, b = -_LOG_EXPONENT, _LOG_EXPONENT
    for _ in range(SHAPE_STEPS):  # the sum of squares falls as p rises
        mid = (a + b) / 2
        trial = np.concatenate([lower_for(mid), upper(mid)])
        if np.sum(trial**2) + (last - first + 1) * median**2 > squares:
            a = mid
        else:
            b = mid
    log_p = (a + b) / 2
    y = np.empty(m)
    y[order] = np.concatenate([lower_for(log_p), np.full(last - first + 1, median), upper(log_p)])
    return y


def _fix_median(values, median, frozen, floor, ceiling) -> None:
    """Move the fewest values onto ``median`` so that it is the sample median (in place)."""
    n = len(values)
    most = (n - 1) // 2  # at most this many strictly below, and as many strictly above
    for side in (-1, 1):
        beyond = np.flatnonzero(
            ((values < median) if side < 0 else (values > median))
            & ~frozen
            & (floor <= median)
            & (ceiling >= median)
        )
        excess = int(np.sum(values < median) if side < 0 else np.sum(values > median)) - most
        if excess > 0:
            nearest = beyond[np.argsort(np.abs(values[beyond] - median), kind="stable")[:excess]]
            values[nearest] = median


def _pair_moves(rng, values, up, down, need) -> bool:
    """Raise some values by one and lower as many others, to change the sum of squares by ``need``.

    Raising :math:`a` and lowering :math:`b` changes it by :math:`2(a - b) + 2`.
    Random disjoint pairs are taken in turn while their changes add up to at
    most ``need``. Returns whether anything moved.
    """
    candidates = rng.permutation(np.union1d(up, down))
    half = len(candidates) // 2
    raise_, lower_ = candidates[:half], candidates[half : 2 * half]
    ok = np.isin(raise_, up) & np.isin(lower_, down)
    raise_, lower_ = raise_[ok], lower_[ok]
    change = 2.0 * (values[raise_] - values[lower_]) + 2.0
    keep = change > 0 if need > 0 else change < 0
    raise_, lower_, change = raise_[keep], lower_[keep], change[keep]
    taken = np.abs(np.cumsum(change)) <= abs(need)
    if not taken.any():
        smallest = np.argmin(np.abs(change)) if len(change) else None
        if smallest is None:
            return False
        taken = np.zeros(len(change), dtype=bool)
        taken[smallest] = True  # one step past the target; the next pass comes back
    values[raise_[taken]] += 1
    values[lower_[taken]] -= 1
    return True


def joint_targets(
    groups: dict[str, Moments], sizes: dict[str, int], total: Moments
) -> dict[str, Moments]:
    r"""Group targets, each within its printed rounding, whose pooled mean and SD are ``total``'s.

    Table 1 prints each group's mean and SD and the whole cohort's, all to two
    decimals. Hitting each group's printed value exactly can pool to a total
    that rounds differently (51.887 against a printed 51.88), so each group's
    sum is chosen among the integers its printed mean allows,
    :math:`S_g \in [n_g(m_g - \epsilon), n_g(m_g + \epsilon)]` with
    :math:`\epsilon` = :data:`PRINTED_MARGIN`, to bring :math:`\sum_g S_g / N`
    inside the total's interval; then one shift :math:`\delta` of every group's
    SD, :math:`|\delta| \le \epsilon -` :data:`SD_MARGIN`, brings the pooled SD
    :math:`\sqrt{(\sum_g [(n_g - 1)(s_g + \delta)^2 + S_g^2 / n_g] - S^2/N) / (N - 1)}`
    to the printed total's, by bisection. Where the printed numbers leave no
    such choice (the audit's "total mean from group means" then fails), the
    closest choice is kept.

    Parameters
    ----------
    groups : dict of str to Moments
        Each group's printed moments.
    sizes : dict of str to int
        Each group's size in the data being generated.
    total : Moments
        The printed total's moments (mean and SD are used).

    Returns
    -------
    dict of str to Moments
        The groups' moments with ``mean`` = :math:`S_g / n_g` and the shifted SD.
    """
    names = [g for g in groups if sizes.get(g, 0) > 0]
    n = np.array([sizes[g] for g in names], dtype=float)
    mean = np.array([groups[g].mean for g in names])
    sums = np.round(mean * n)
    low = np.ceil(n * (mean - PRINTED_MARGIN))
    high = np.floor(n * (mean + PRINTED_MARGIN))
    size = n.sum()
    wanted_low = np.ceil(size * (total.mean - PRINTED_MARGIN))
    wanted_high = np.floor(size * (total.mean + PRINTED_MARGIN))
    shift = np.clip(sums.sum(), wanted_low, wanted_high) - sums.sum()
    for i in np.argsort(-n, kind="stable"):  # the largest groups first: their means move least
        step = np.clip(shift, low[i] - sums[i], high[i] - sums[i])
        sums[i] += step
        shift -= step
    sd = np.array([groups[g].sd for g in names])
    grand = sums.sum()

    def pooled(delta: float) -> float:
        squares = np.sum((n - 1) * (sd + delta) ** 2 + sums**2 / n) - grand**2 / size
        return float(np.sqrt(squares / (size - 1)))

    a, b = -(PRINTED_MARGIN - SD_MARGIN), PRINTED_MARGIN - SD_MARGIN
    for _ in range(SHAPE_STEPS):  # the pooled SD rises with delta
        middle = (a + b) / 2
        if pooled(middle) < total.sd:
            a = middle
        else:
            b = middle
    delta = (a + b) / 2 if size > len(names) else 0.0
    targets = dict(groups)
    for i, g in enumerate(names):
        targets[g] = dataclasses.replace(groups[g], mean=sums[i] / n[i], sd=groups[g].sd + delta)
    return targets
