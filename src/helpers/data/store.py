"""The embedded database that loads, checks and derives, and the cache of checked tables.

Raw tables are read, checked and joined in DuckDB, an embedded SQL engine: it
reads CSV and Parquet itself, works on columns in parallel, and keeps its
memory under :data:`MEMORY_LIMIT`, spilling to a scratch folder beyond it, so
an export of millions of rows loads on a laptop. The statistics stay in
pandas, NumPy and statsmodels; only the derived cohort leaves the database.

Once a raw data directory has passed every rule, its tables are written, typed,
as Parquet into the cache (:func:`cache_dir`), under the SHA-256 of the files'
bytes. The next load of the same bytes reads those instead of parsing and
checking the text again. The cache holds participant-level data: it lives
beside the checkout (``.cache/``, see :data:`helpers.paths.CACHE`) or where the
environment variable ``SAGUI_HENSON_CACHE`` points, never in a run's output
folder, is readable by its owner only, keeps the :data:`KEEP` most recently
used data sets, and ``make clean`` removes it. ``SAGUI_HENSON_CACHE=off``
turns it off: the checked tables then live in a temporary folder removed when
the process ends.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import duckdb

from helpers.paths import CACHE

__all__ = [
    "CACHE_VARIABLE",
    "KEEP",
    "MEMORY_LIMIT",
    "MEMORY_VARIABLE",
    "cache_dir",
    "connect",
    "find",
    "keep",
]

#: DuckDB's memory ceiling for one load or derivation; beyond it, DuckDB spills to disk.
MEMORY_LIMIT = "1GB"
#: Environment variable that sets another ceiling (DuckDB's units: "500MB", "4GB").
MEMORY_VARIABLE = "SAGUI_HENSON_MEMORY"
#: Environment variable naming the cache folder; "off" keeps nothing between processes.
CACHE_VARIABLE = "SAGUI_HENSON_CACHE"
#: Data sets the cache keeps (the most recently used).
KEEP = 4
#: The file that marks a complete cache entry, with what the checks found.
_MANIFEST = "checked.json"

_scratch: Path | None = None


def cache_dir() -> Path:
    """The folder that holds checked tables: ``SAGUI_HENSON_CACHE``, else ``.cache/raw``.

    With ``SAGUI_HENSON_CACHE=off``, a temporary folder of this process,
    removed when it ends.
    """
    setting = os.environ.get(CACHE_VARIABLE, "")
    if setting.lower() == "off":
        return _temporary()
    folder = Path(setting) if setting else CACHE / "raw"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:  # a read-only checkout: keep nothing between processes
        return _temporary()
    return folder


def _temporary() -> Path:
    global _scratch
    if _scratch is None or not _scratch.is_dir():
        _scratch = Path(tempfile.mkdtemp(prefix="sagui-henson-cache-"))
        atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
    return _scratch


@contextlib.contextmanager
def connect(*, ordered: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection with bounded memory, spilling to a scratch folder.

    The memory ceiling is :data:`MEMORY_LIMIT` unless ``SAGUI_HENSON_MEMORY``
    says otherwise. With ``ordered``, tables keep the order their rows were
    read in (a row's number is its place in the file); without, queries that
    say ``ORDER BY`` where order matters run in less memory.
    """
    limit = os.environ.get(MEMORY_VARIABLE) or MEMORY_LIMIT
    with tempfile.TemporaryDirectory(prefix="sagui-henson-spill-") as spill:
        try:
            connection = duckdb.connect(
                config={
                    "memory_limit": limit,
                    "temp_directory": spill,
                    "preserve_insertion_order": ordered,
                    "threads": max(1, min(os.cpu_count() or 1, 4)),
                }
            )
        except duckdb.Error as error:
            raise ValueError(
                f"{MEMORY_VARIABLE}={limit!r} is not a memory size DuckDB understands "
                f"(write it like 500MB or 4GB): {error}"
            ) from None
        try:
            # never a progress bar on the terminal; in a Jupyter kernel it is off already
            # (without ipywidgets) and DuckDB refuses to be told so
            with contextlib.suppress(duckdb.Error):
                connection.execute("SET enable_progress_bar = false")
            yield connection
        finally:
            connection.close()


def find(key: str, tables: tuple[str, ...]) -> tuple[dict[str, Path], dict] | None:
    """The checked tables cached under ``key`` and what their checks recorded, or None."""
    entry = cache_dir() / key
    try:
        facts = json.loads((entry / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = {table: entry / f"{table}.parquet" for table in tables}
    if not all(path.is_file() for path in files.values()):
        return None
    os.utime(entry)  # most recently used
    return files, facts


def keep(
    key: str, write: Mapping[str, object], facts: dict, tables: tuple[str, ...]
) -> dict[str, Path]:
    """Write checked tables into the cache under ``key``, whole or not at all.

    ``write[table](path)`` writes one table as Parquet. The tables are written
    into a scratch folder beside the entry and renamed into place, so a reader
    never sees half an entry; the oldest entries beyond :data:`KEEP` are removed.
    """
    folder = cache_dir()
    entry = folder / key
    scratch = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=folder))
    try:
        for table in tables:
            write[table](scratch / f"{table}.parquet")
        (scratch / _MANIFEST).write_text(json.dumps(facts, sort_keys=True), encoding="utf-8")
        try:
            scratch.rename(entry)
        except OSError:  # another process wrote the same entry first: theirs is the same
            shutil.rmtree(scratch, ignore_errors=True)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    _prune(folder)
    return {table: entry / f"{table}.parquet" for table in tables}


def _prune(folder: Path) -> None:
    entries = [path for path in folder.iterdir() if (path / _MANIFEST).is_file()]
    entries.sort(key=lambda path: path.stat().st_mtime_ns, reverse=True)
    for stale in entries[KEEP:]:
        shutil.rmtree(stale, ignore_errors=True)
