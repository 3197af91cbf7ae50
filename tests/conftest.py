"""Shared fixtures: the hand-built raw directory and a way to break one of its files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from locations import SMALL

# Property tests draw the same examples on every run: CI is reproducible.
settings.register_profile(
    "deterministic", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("deterministic")


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
