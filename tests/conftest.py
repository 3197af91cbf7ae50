"""Shared fixtures: the hand-built raw directory, a way to break one of its files, and the run.

``report`` is one full ``make replicate`` on the bundled data (notebooks, scorecard, book),
built once per session for the end-to-end and browser tests of ``tests/report``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from helpers.data.store import CACHE_VARIABLE
from locations import SMALL

# Property tests draw the same examples on every run: CI is reproducible.
settings.register_profile(
    "deterministic", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("deterministic")


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests (and the kernels they start) cache checked tables in a folder of their own."""
    previous = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        del os.environ[CACHE_VARIABLE]
    else:
        os.environ[CACHE_VARIABLE] = previous


@pytest.fixture
def small_dir() -> Path:
    """The hand-built raw data directory (read-only: copy before editing)."""
    return SMALL


@pytest.fixture
def raw_copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy the hand-built raw directory, optionally editing one table as text.

    ``raw_copy("sessions", edit)`` calls ``edit(frame)`` on sessions.csv read
    as text (empty cell = ""), writes the result back, and returns the
    directory. ``edit`` may change the frame in place or return a new one.
    """

    def make(table: str | None = None, edit: Callable[[pd.DataFrame], object] | None = None):
        target = tmp_path / "raw"
        shutil.copytree(SMALL, target)
        if table is not None and edit is not None:
            path = target / f"{table}.csv"
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            result = edit(frame)
            frame = result if isinstance(result, pd.DataFrame) else frame
            frame.to_csv(path, index=False)
        return target

    return make


@pytest.fixture(scope="session")
def report(tmp_path_factory) -> Path:
    """The output directory of one ``make replicate`` on the bundled synthetic data (with site/).

    Shared by every test that reads it; a test must not change it (rebuilding the book in
    place gives the same bytes, so that is allowed).
    """
    from helpers.paths import SYNTHETIC_DATA  # imported here: only these tests need the runner
    from helpers.pipeline.run import run_all

    output = tmp_path_factory.mktemp("report") / "out"
    run_all(SYNTHETIC_DATA, output)
    return output
