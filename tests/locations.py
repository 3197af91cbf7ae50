"""Paths of the test suite's own files (fixtures and R reference values)."""

from __future__ import annotations

from helpers.paths import ROOT

TESTS = ROOT / "tests"
#: Hand-built and frozen inputs (``fixtures/README.md``).
FIXTURES = TESTS / "fixtures"
#: The hand-built raw data directory of 18 registrants.
SMALL = FIXTURES / "cohort_small"
#: Derived variables of the bundled synthetic cohort, frozen when the R values were pinned.
STATS_COHORT = FIXTURES / "stats_cohort.csv"
#: Values computed in R by ``r/reference_values.R``.
R_VALUES = TESTS / "r" / "reference_values.csv"
