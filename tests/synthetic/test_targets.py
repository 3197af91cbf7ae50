"""Matched mode's regression targets: the estimates that keep a coefficient's printed claims."""

from __future__ import annotations

import pytest
from scipy import stats

from helpers.design import CONF_LEVEL
from helpers.synthetic.targets import coefficient_target, printed_interval, se_matches

_TABLE2 = "full model"
_DF = 669  # Table 2's residual df: 675 complete cases, 6 terms


def _within(value: float, key: str, group: str = _TABLE2) -> bool:
    low, high = printed_interval(key, group)
    return low <= value <= high


def _keeps(prefix: str, group: str, estimate: str, value: float, se: float, claim: str) -> bool:
    t = stats.t.ppf(0.5 + CONF_LEVEL / 2, _DF)
    if claim == "p":
        return _within(2 * stats.t.sf(abs(value) / se, _DF), f"{prefix}.p", group)
    if claim == "ci_low":
        return _within(value - t * se, f"{prefix}.ci_low", group)
    if claim == "ci_high":
        return _within(value + t * se, f"{prefix}.ci_high", group)
    return _within(value, f"{prefix}.{estimate}", group)


@pytest.mark.parametrize(
    ("prefix", "group", "estimate", "se"),
    [
        ("aim3.alliance", _TABLE2, "b", 0.9931),
        ("aim3.age", _TABLE2, "b", 0.0754),
        ("aim3.sex_male", _TABLE2, "b", 1.5045),
        ("aim3.baseline_who5", _TABLE2, "b", 0.0991),
        ("aim3.moderation.baseline_who5", "moderation", "beta", 0.0395),
    ],
)
def test_every_value_of_the_interval_keeps_the_claims_it_reports(prefix, group, estimate, se):
    target = coefficient_target(prefix, group, estimate, se, _DF)
    assert target.claims[0] == estimate and target.half >= 0
    inside = 0.999 * target.half  # the interval's own ends are where rounding flips
    for value in (target.value - inside, target.value, target.value + inside):
        for claim in target.claims:
            assert _keeps(prefix, group, estimate, value, se, claim), (claim, value)


def test_a_claim_the_se_cannot_keep_is_dropped_and_the_estimate_comes_first():
    # with half the printed SE, a b within its printed rounding has p far below .04
    target = coefficient_target("aim3.alliance", _TABLE2, "b", 0.5, _DF)
    assert "p" not in target.claims and "ci_low" not in target.claims
    assert _within(target.value, "aim3.alliance.b")
    # near the printed SE the p claim is kept, and it narrows what the b claim allows
    near = coefficient_target("aim3.alliance", _TABLE2, "b", 1.0, _DF)
    assert "p" in near.claims and near.half <= target.half
    assert _keeps("aim3.alliance", _TABLE2, "b", near.value, 1.0, "p")


def test_printed_se_intervals_and_errors():
    low, high = printed_interval("aim3.alliance.se", _TABLE2)
    assert se_matches("aim3.alliance.se", _TABLE2, (low + high) / 2)
    assert not se_matches("aim3.alliance.se", _TABLE2, high + 0.01)
    with pytest.raises(ValueError, match="no printed value"):
        printed_interval("aim3.alliance.nonsense", _TABLE2)
    with pytest.raises(ValueError, match="se and df must be positive"):
        coefficient_target("aim3.alliance", _TABLE2, "b", 0.0, _DF)
    with pytest.raises(ValueError, match="se and df must be positive"):
        coefficient_target("aim3.alliance", _TABLE2, "b", 1.0, -1)
