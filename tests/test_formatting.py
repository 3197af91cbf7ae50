"""Numbers as an article prints them (helpers.formatting): exact strings and properties."""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import pandas as hpd

from helpers.formatting import (
    MISSING,
    auto_table,
    count,
    number,
    p_text,
    p_value,
    statistic,
    table,
)

MISSINGS = [None, math.nan, np.nan, np.float32("nan"), pd.NA, pd.NaT]
NOT_NUMBERS = ["0.05", True, np.bool_(False), [0.05], 1j]

finite = st.floats(allow_nan=False, allow_infinity=False)
probability = st.floats(0, 1)
decimals = st.integers(0, 8)


def shown(text: str) -> float:
    """The value a reader takes from a printed p: < .001 as 0, > .999 as 1."""
    bounds = {"< .001": 0.0, "> .999": 1.0}
    return bounds[text] if text in bounds else float(text)


def clean(text: str) -> bool:
    """No scientific notation, NaN or infinity in the text."""
    lower = text.lower()
    return not any(bad in lower for bad in ("e-", "e+", "nan", "inf"))


# --- p-values (by hand) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0, "< .001"),
        (3.481608e-05, "< .001"),
        (0.0000348, "< .001"),
        (0.0009999, "< .001"),
        (0.001, ".001"),
        (0.00149, ".001"),
        (0.00499, ".005"),
        (0.0051, ".005"),
        (0.0045, ".004"),  # stored as 0.00449999...: rounds down, as sprintf does
        (0.05, ".050"),
        (0.18749, ".187"),
        (0.5, ".500"),
        (0.9994, ".999"),
        (0.9996, "> .999"),
        (1.0, "> .999"),
        (1, "> .999"),
        (0, "< .001"),
        (np.float64(0.031), ".031"),
        (np.float32(0.25), ".250"),
        (Fraction(1, 8), ".125"),
    ],
)
def test_p_value_by_hand(p, text):
    assert p_value(p) == text


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.0000348, "p < .001"), (0.005, "p = .005"), (0.05, "p = .050"), (1.0, "p > .999")],
)
def test_p_text_by_hand(p, text):
    assert p_text(p) == text


@pytest.mark.parametrize("missing", MISSINGS)
def test_a_missing_p_is_a_dash(missing):
    assert p_value(missing) == MISSING == "–"
    assert p_text(missing) == "p = –"


@pytest.mark.parametrize("p", [-0.01, 1.0001, math.inf, -math.inf, 2])
def test_a_p_value_outside_zero_to_one_is_refused(p):
    with pytest.raises(ValueError, match="a p-value must be from 0 to 1"):
        p_value(p)
    with pytest.raises(ValueError, match="a p-value must be from 0 to 1"):
        p_text(p)


@pytest.mark.parametrize("p", NOT_NUMBERS)
def test_a_p_value_must_be_a_number(p):
    with pytest.raises(ValueError, match="a p-value must be a real number"):
        p_value(p)


# --- p-values (properties) ---------------------------------------------------------------


@given(p=probability | st.just(math.nan))
def test_a_p_value_is_never_in_scientific_notation(p):
    assert clean(p_value(p))
    assert clean(p_text(p))


@given(p=probability)
def test_a_p_below_001_is_never_shown_as_a_number(p):
    text = p_value(p)
    if p < 0.001:
        assert text == "< .001"
    else:
        assert text != "< .001"
        if text != "> .999":
            assert text.startswith(".")  # no leading zero
            assert len(text) == 4  # three decimals
            assert 0.001 <= float(text) <= 0.999
            assert abs(float(text) - p) <= 0.0005 + 1e-12


@given(a=probability, b=probability)
def test_the_shown_p_never_decreases_as_p_increases(a, b):
    low, high = sorted((a, b))
    assert shown(p_value(low)) <= shown(p_value(high))


@given(p=probability)
def test_p_text_is_p_value_after_p(p):
    text = p_value(p)
    assert p_text(p) == (f"p {text}" if text[0] in "<>" else f"p = {text}")


# --- counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (5985.0, "5,985"),
        (5985, "5,985"),
        (0, "0"),
        (999, "999"),
        (1000, "1,000"),
        (1234567, "1,234,567"),
        (np.int64(12345), "12,345"),
        (np.float32(312), "312"),
        (1e20, "100,000,000,000,000,000,000"),
        (10**30, "1,000,000,000,000,000,000,000,000,000,000"),
    ],
)
def test_count_by_hand(n, text):
    assert count(n) == text


@pytest.mark.parametrize("missing", MISSINGS)
def test_a_missing_count_is_a_dash(missing):
    assert count(missing) == "–"


@pytest.mark.parametrize("n", [3.5, 0.1, 5985.0000001, math.inf, -math.inf])
def test_a_count_must_be_whole(n):
    with pytest.raises(ValueError, match="a count must be a whole number"):
        count(n)


@pytest.mark.parametrize("n", [-1, -3.0])
def test_a_count_cannot_be_negative(n):
    with pytest.raises(ValueError, match="a count cannot be negative"):
        count(n)


@pytest.mark.parametrize("n", NOT_NUMBERS)
def test_a_count_must_be_a_number(n):
    with pytest.raises(ValueError, match="a count must be a real number"):
        count(n)


@given(n=st.integers(0, 10**40))
def test_a_count_reads_back(n):
    text = count(n)
    assert int(text.replace(",", "")) == n
    assert clean(text)
    assert all(len(group) == 3 for group in text.split(",")[1:])
    assert len(text.split(",")[0]) <= 3


@given(n=st.integers(0, 2**53))
def test_a_whole_float_counts_as_its_integer(n):
    assert count(float(n)) == count(n)
    assert int(count(float(n)).replace(",", "")) == n


# --- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "places", "text"),
    [
        (3.481608e-05, 3, "0.000"),
        (-0.0001, 2, "0.00"),
        (-0.0, 2, "0.00"),
        (-0.004, 2, "0.00"),
        (-0.4, 0, "0"),
        (-0.006, 2, "-0.01"),
        (5985.0, 2, "5985.00"),
        (2.405, 2, "2.40"),  # stored as 2.40499...
        (0.125, 2, "0.12"),  # an exact tie: to even
        (2.5, 0, "2"),
        (1e20, 1, "100000000000000000000.0"),
        (1e-20, 4, "0.0000"),
        (10**30, 2, "1000000000000000000000000000000.00"),
        (np.float32(3.481608e-05), 6, "0.000035"),
        (np.int64(-7), 1, "-7.0"),
    ],
)
def test_number_by_hand(x, places, text):
    assert number(x, places) == text


def test_number_rounds_to_two_decimals_by_default():
    assert number(2.4071) == "2.41"


@pytest.mark.parametrize(
    ("x", "text"),
    [(0.0612, ".06"), (-0.1234, "-.12"), (-0.0001, ".00"), (1.0, "1.00"), (-1.234, "-1.23")],
)
def test_number_without_leading_zero(x, text):
    assert number(x, 2, leading_zero=False) == text


def test_no_leading_zero_to_drop_without_decimals():
    assert number(0.2, 0, leading_zero=False) == "0"


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (12345.6, "12,345.60"),
        (-12345.6, "-12,345.60"),
        (1234.56, "1234.56"),
        (9999.996, "10,000.00"),  # grouped by its rounded value
        (9999.994, "9999.99"),
        (1e20, "100,000,000,000,000,000,000.00"),
    ],
)
def test_number_with_thousands(x, text):
    assert number(x, 2, thousands=True) == text


@pytest.mark.parametrize("missing", MISSINGS)
def test_a_missing_number_is_a_dash(missing):
    assert number(missing, 2) == "–"
    assert number(missing, 2, leading_zero=False, thousands=True) == "–"


@pytest.mark.parametrize("x", [math.inf, -math.inf, np.float64("inf")])
def test_an_infinite_number_is_refused(x):
    with pytest.raises(ValueError, match="a number to print must be finite"):
        number(x, 2)


@pytest.mark.parametrize("x", NOT_NUMBERS)
def test_a_number_must_be_a_number(x):
    with pytest.raises(ValueError, match="a number must be a real number"):
        number(x, 2)


@pytest.mark.parametrize("places", [-1, 2.0, "2", True, None])
def test_decimals_must_be_a_whole_number(places):
    with pytest.raises(ValueError, match="decimals must be a whole number of at least 0"):
        number(1.0, places)


@pytest.mark.parametrize("keyword", ["leading_zero", "thousands"])
def test_number_keywords_must_be_true_or_false(keyword):
    with pytest.raises(ValueError, match=f"{keyword} must be True or False"):
        number(1.0, 2, **{keyword: 1})


@given(
    x=finite | st.integers(-(10**30), 10**30), places=decimals, lz=st.booleans(), th=st.booleans()
)
def test_a_number_is_never_in_scientific_notation(x, places, lz, th):
    text = number(x, places, leading_zero=lz, thousands=th)
    assert clean(text)
    assert text.count(".") == (1 if places else 0)
    assert len(text.rpartition(".")[2]) == places or not places


@given(x=st.floats(-1e15, 1e15), places=decimals, th=st.booleans())
def test_a_number_reads_back_within_half_a_unit_of_its_last_place(x, places, th):
    value = float(number(x, places, thousands=th).replace(",", ""))
    assert abs(value - x) <= 0.5 * 10**-places + 1e-15 * max(1.0, abs(x))


@given(x=finite, places=decimals)
def test_zero_is_never_negative(x, places):
    text = number(x, places)
    if float(text) == 0:
        assert not text.startswith("-")


@given(x=finite, places=decimals)
def test_dropping_the_leading_zero_drops_only_it(x, places):
    with_zero = number(x, places)
    without = number(x, places, leading_zero=False)
    assert not without.startswith(("0.", "-0."))
    assert without in (with_zero, with_zero.replace("0.", ".", 1))
    assert float(without) == float(with_zero)


@given(x=st.floats(-1e15, 1e15), places=decimals)
def test_thousands_only_groups_from_10000(x, places):
    plain = number(x, places)
    grouped = number(x, places, thousands=True)
    assert grouped.replace(",", "") == plain
    assert ("," in grouped) == (abs(float(plain)) >= 10_000)


# --- statistics --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("r", 0.0612, "r = .06"),
        ("rho", -0.5, "ρ = -.50"),
        ("ρ", 0.25, "ρ = .25"),
        ("beta", 0.1234, "β = .12"),
        ("β", -1.2, "β = -1.20"),  # a standardized coefficient can exceed 1
        ("R2", 0.2, "R² = .20"),
        ("eta2", 0.014, "η² = .01"),
        ("alpha", 0.87, "α = .87"),
        ("r", 1.0, "r = 1.00"),
        ("t", 2.4071, "t = 2.41"),
        ("t", 0.41, "t = 0.41"),
        ("b", 2.04, "b = 2.04"),
        ("d", -0.31, "d = -0.31"),
        ("F", 12.3456, "F = 12.35"),
        ("chi2", 0.5, "χ² = 0.50"),
        ("SE", 0.0001, "SE = 0.00"),
        ("p", 0.0000348, "p < .001"),
        ("p", 0.005, "p = .005"),
        ("n", 5985.0, "n = 5,985"),
        ("N", 12, "N = 12"),
        ("r", None, "r = –"),
        ("t", math.nan, "t = –"),
    ],
)
def test_statistic_by_hand(name, value, text):
    assert statistic(name, value) == text


def test_statistic_decimals():
    assert statistic("r", 0.0612, 3) == "r = .061"
    assert statistic("t", 2.4071, 1) == "t = 2.4"


def test_an_unknown_statistic_is_refused():
    with pytest.raises(ValueError, match="unknown statistic 'kappa'; known: r, rho"):
        statistic("kappa", 0.5)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("r", 1.2, "r must be from -1 to 1"),
        ("rho", -1.01, "ρ must be from -1 to 1"),
        ("R2", -0.1, "R² must be from 0 to 1"),
        ("eta2", 1.5, "η² must be from 0 to 1"),
        ("alpha", 1.1, "α must be at most 1"),
        ("r", math.inf, "r must be from -1 to 1"),
    ],
)
def test_a_bounded_statistic_out_of_its_bounds_is_refused(name, value, message):
    with pytest.raises(ValueError, match=message):
        statistic(name, value)


def test_a_statistic_must_be_a_number():
    with pytest.raises(ValueError, match="must be a real number"):
        statistic("r", "0.5")
    with pytest.raises(ValueError, match="must be a real number"):
        statistic("t", "2")


@given(r=st.floats(-1, 1), name=st.sampled_from(["r", "rho", "tau", "beta", "alpha"]))
def test_a_bounded_statistic_has_no_leading_zero(r, name):
    value = statistic(name, r).split(" = ")[1]
    assert clean(value)
    assert not value.startswith(("0", "-0"))


@given(x=finite, name=st.sampled_from(["t", "F", "z", "H", "W", "U", "chi2", "b", "SE", "d"]))
def test_an_unbounded_statistic_keeps_its_leading_zero(x, name):
    value = statistic(name, x).split(" = ")[1]
    assert clean(value)
    assert value == number(x, 2)


# --- tables ------------------------------------------------------------------------------


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "term": ["alliance", "age", "sex"],
            "b": [2.0412, -0.00004, np.nan],
            "beta": [0.1234, -0.0612, 0.5],
            "p": [3.481608e-05, 0.00499, np.nan],
            "n": [5985.0, 5985.0, np.nan],
            "sessions": [12, 3, 7],
        },
        index=pd.Index(["a", "b", "c"], name="row"),
    )


def test_table_formats_the_named_columns(frame):
    out = table(
        frame,
        {
            "b": 2,
            "p": p_value,
            "n": count,
            "beta": functools.partial(number, decimals=2, leading_zero=False),
        },
    )
    assert out["b"].tolist() == ["2.04", "0.00", "–"]
    assert out["p"].tolist() == ["< .001", ".005", "–"]
    assert out["n"].tolist() == ["5,985", "5,985", "–"]
    assert out["beta"].tolist() == [".12", "-.06", ".50"]
    # columns not named are as they were; the index and column order too
    pd.testing.assert_series_equal(out["term"], frame["term"])
    pd.testing.assert_series_equal(out["sessions"], frame["sessions"])
    assert out.index.equals(frame.index)
    assert list(out.columns) == list(frame.columns)
    assert all(out[c].dtype == object for c in ("b", "p", "n", "beta"))


def test_table_leaves_its_input_alone(frame):
    before = frame.copy()
    table(frame, {"b": 2, "p": p_value})
    auto_table(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_table_leaves_text_cells_as_they_are(frame):
    frame["p"] = frame["p"].astype(object)
    frame.loc["c", "p"] = "withheld"
    out = table(frame, {"p": p_value, "term": p_value})
    assert out["p"].tolist() == ["< .001", ".005", "withheld"]
    assert out["term"].tolist() == ["alliance", "age", "sex"]


def test_formatting_twice_changes_nothing(frame):
    formats = {"b": 2, "p": p_value, "n": count}
    once = table(frame, formats)
    pd.testing.assert_frame_equal(table(once, formats), once)
    pd.testing.assert_frame_equal(auto_table(auto_table(frame)), auto_table(frame))


def test_table_names_an_unknown_column(frame):
    with pytest.raises(ValueError, match="no column 'p_adj' in the table to format"):
        table(frame, {"p": p_value, "p_adj": p_value})


@pytest.mark.parametrize("spec", ["2f", 2.5, True, None, -1])
def test_table_refuses_a_format_that_is_neither_function_nor_decimals(frame, spec):
    with pytest.raises(
        ValueError, match="the format of column 'b' must be a function or a number of decimals"
    ):
        table(frame, {"b": spec})


def test_table_names_the_column_of_a_cell_it_cannot_format(frame):
    with pytest.raises(ValueError, match="column 'b': a count must be a whole number"):
        table(frame, {"b": count})


def test_a_format_must_give_text(frame):
    with pytest.raises(ValueError, match="column 'b': the format gave 2 \\(int\\), not text"):
        table(frame, {"b": round})


@pytest.mark.parametrize("bad", [[1, 2], None, pd.Series([1.0])])
def test_table_needs_a_data_frame(bad):
    with pytest.raises(ValueError, match="frame must be a pandas DataFrame"):
        table(bad, {})
    with pytest.raises(ValueError, match="frame must be a pandas DataFrame"):
        auto_table(bad)


def test_table_needs_a_mapping_of_formats(frame):
    with pytest.raises(ValueError, match="formats must be a mapping"):
        table(frame, ["b"])


def test_table_formats_columns_of_the_same_name_alike():
    frame = pd.DataFrame([[0.5, 0.01]], columns=["p", "p"])
    assert table(frame, {"p": p_value}).iloc[0].tolist() == [".500", ".010"]


# --- auto_table --------------------------------------------------------------------------


def test_auto_table_chooses_by_name(frame):
    out = auto_table(frame)
    assert out["p"].tolist() == ["< .001", ".005", "–"]
    assert out["n"].tolist() == ["5,985", "5,985", "–"]
    assert out["b"].tolist() == ["2.04", "0.00", "–"]
    assert out["beta"].tolist() == ["0.12", "-0.06", "0.50"]
    pd.testing.assert_series_equal(out["term"], frame["term"])  # text stays text
    pd.testing.assert_series_equal(out["sessions"], frame["sessions"])  # integers too


@pytest.mark.parametrize(
    "name",
    ["p", "P", "p_adj", "p.adj", "p_value", "pvalue", "p_holm", "dunn_p", "holm.p", "p_fdr"],
)
def test_auto_table_knows_a_p_value_by_its_name(name):
    out = auto_table(pd.DataFrame({name: [0.0000348, 0.05]}))
    assert out[name].tolist() == ["< .001", ".050"]


@pytest.mark.parametrize("name", ["n", "N", "count", "group_n", "total.n", "session_count"])
def test_auto_table_knows_a_count_by_its_name(name):
    out = auto_table(pd.DataFrame({name: [5985.0, 12.0]}))
    assert out[name].tolist() == ["5,985", "12"]


@pytest.mark.parametrize("name", ["pct", "ppv", "p_hat_x", "np", "mean", "n_mean_x", "nobs"])
def test_auto_table_leaves_other_names_to_decimals(name):
    out = auto_table(pd.DataFrame({name: [0.5, 12.0]}))
    assert out[name].tolist() == ["0.50", "12.00"]


def test_auto_table_uses_three_decimals_for_a_column_of_small_values():
    frame = pd.DataFrame(
        {
            "small": [0.0123, -0.004, np.nan],
            "mixed": [0.0123, 0.5, np.nan],
            "tiny": [3.481608e-05, 0.0, 0.0],
            "zero": [0.0, 0.0, -0.0],
        }
    )
    out = auto_table(frame)
    assert out["small"].tolist() == ["0.012", "-0.004", "–"]
    assert out["mixed"].tolist() == ["0.01", "0.50", "–"]
    assert out["tiny"].tolist() == ["0.000", "0.000", "0.000"]
    assert out["zero"].tolist() == ["0.00", "0.00", "0.00"]


def test_auto_table_handles_nullable_and_other_columns():
    frame = pd.DataFrame(
        {
            "x": pd.array([0.25, None], dtype="Float64"),
            "n": pd.array([3, None], dtype="Int64"),
            "p": [1.0, np.nan],
            "flag": [True, False],
            "when": pd.to_datetime(["2022-01-01", "2022-02-01"]),
            "label": ["a", None],
        }
    )
    out = auto_table(frame)
    assert out["x"].tolist() == ["0.25", "–"]
    assert out["n"].tolist() == ["3", "–"]
    assert out["p"].tolist() == ["> .999", "–"]
    for column in ("flag", "when", "label"):
        pd.testing.assert_series_equal(out[column], frame[column])


def test_auto_table_names_a_column_that_holds_no_count():
    with pytest.raises(ValueError, match="column 'mean_n': a count must be a whole number"):
        auto_table(pd.DataFrame({"mean_n": [3.5]}))


def test_auto_table_names_a_column_that_holds_no_p_value():
    with pytest.raises(ValueError, match="column 'p': a p-value must be from 0 to 1"):
        auto_table(pd.DataFrame({"p": [1.5]}))


def test_auto_table_of_an_empty_frame():
    frame = pd.DataFrame({"p": pd.Series([], dtype=float), "b": pd.Series([], dtype=float)})
    out = auto_table(frame)
    assert list(out.columns) == ["p", "b"]
    assert len(out) == 0


@given(
    hpd.data_frames(
        [
            hpd.column("p", elements=st.floats(0, 1) | st.just(math.nan), dtype=float),
            hpd.column("n", elements=st.integers(0, 10**12).map(float), dtype=float),
            hpd.column("b", elements=finite | st.just(math.nan), dtype=float),
            hpd.column("small", elements=st.floats(-0.09, 0.09), dtype=float),
        ],
        index=hpd.range_indexes(max_size=8),
    )
)
def test_no_cell_of_an_auto_table_is_in_scientific_notation(frame):
    out = auto_table(frame)
    assert all(clean(cell) for column in out for cell in out[column])
    assert all(
        int(text.replace(",", "")) == n for text, n in zip(out["n"], frame["n"], strict=True)
    )
    for column in ("b", "small"):  # one number of decimals per column
        places = {len(cell.rpartition(".")[2]) for cell in out[column] if cell != "–"}
        assert len(places) <= 1
