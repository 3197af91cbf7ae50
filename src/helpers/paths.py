"""Where the project's files live: one module, so no code climbs ``Path(__file__).parents``.

Every path is absolute and derived from the repository root, which is two
levels above this package (``src/helpers``). The helpers are installed in
editable mode (``pip install -e .``), so these are the checkout's own files.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CACHE",
    "DATA",
    "DOCS",
    "NOTEBOOK_DIR",
    "PUBLISHED_VALUES",
    "ROOT",
    "STUDENTIZED_RANGE",
    "SYNTHETIC_DATA",
]

#: The repository root (holds ``Makefile``, ``data/``, ``notebooks/``).
ROOT = Path(__file__).resolve().parents[2]
#: The project's data folder: the paper's printed values and the bundled synthetic set.
DATA = ROOT / "data"
#: Every number the paper prints, one row per key and group (``data/README.md``).
PUBLISHED_VALUES = DATA / "published_values.csv"
#: The studentized range's upper tail at the arguments the audit of the printed values asks
#: for (``tools/studentized_range_table.py`` writes it; ``data/README.md``).
STUDENTIZED_RANGE = DATA / "studentized_range.csv"
#: The bundled SYNTHETIC raw data directory (``make data``).
SYNTHETIC_DATA = DATA / "synthetic"
#: Besides the contract's tables, the one file of a raw data directory the notebooks read:
#: the manifest that marks SYNTHETIC data (written by :mod:`helpers.synthetic`; it sets
#: every page's banner).
SYNTHETIC_MANIFEST = "SYNTHETIC.json"
#: The parameterized notebooks that ``make replicate`` executes.
NOTEBOOK_DIR = ROOT / "notebooks"
#: The project's own documentation (raw data contract, analysis plan).
DOCS = ROOT / "docs"
#: Working copies a run may reuse: validated raw tables as Parquet (``make clean`` removes it).
#: It holds participant-level data, so it lives beside the checkout, never in ``OUTPUT_DIR``;
#: the environment variable ``SAGUI_HENSON_CACHE`` moves it (``helpers.data.store``).
CACHE = ROOT / ".cache"
