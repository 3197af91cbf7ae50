"""Raw data for scenario tests: a generated SYNTHETIC directory, edited, run through notebooks.

Used by ``pipeline/test_not_estimable.py`` (statistics the data cannot support) and
``pipeline/test_small_cells.py`` (statistics withheld because they describe too few people):
``generated_copy()`` copies a generated data set (sample mode, seed 3), ``without()`` removes
people from it, ``execute()`` runs one notebook with papermill, ``outputs()`` collects
what the executed notebooks show.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm

from helpers.paths import NOTEBOOK_DIR
from helpers.synthetic import generate

KERNEL = "sagui-henson-2022"
MANIFEST = {"synthetic": True, "generator": "test", "mode": "sample", "seed": 3}
WHO5_ITEMS = [f"who5_{i}" for i in range(1, 6)]
NOT_A_NUMBER = re.compile(r"\b(?:nan|inf|infinity)\b", re.IGNORECASE)

Tables = dict[str, pd.DataFrame]


@functools.cache
def generated(registrants: int = 400) -> tuple[Tables, pd.DataFrame]:
    return generate(seed=3, registrants=registrants, mode="sample")


def generated_copy(registrants: int = 400) -> tuple[Tables, pd.DataFrame]:
    tables, plan = generated(registrants)
    return {name: frame.copy() for name, frame in tables.items()}, plan


def without(tables: Tables, people) -> Tables:
    """The tables without these participants (and their sessions, ratings and WHO-5s)."""
    people = set(people)
    sessions = tables["sessions"]
    gone = set(sessions.loc[sessions["participant_id"].isin(people), "session_id"])
    return {
        "participants": tables["participants"][
            ~tables["participants"]["participant_id"].isin(people)
        ],
        "sessions": sessions[~sessions["participant_id"].isin(people)],
        "alliance_ratings": tables["alliance_ratings"][
            ~tables["alliance_ratings"]["session_id"].isin(gone)
        ],
        "who5_assessments": tables["who5_assessments"][
            ~tables["who5_assessments"]["participant_id"].isin(people)
        ],
    }


def execute(notebook: str, raw: Path, output: Path, parameters: dict | None = None) -> None:
    target = output / "notebooks" / f"{notebook}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(
        str(NOTEBOOK_DIR / f"{notebook}.ipynb"),
        str(target),
        parameters={"data_dir": str(raw), "output_dir": str(output), **(parameters or {})},
        kernel_name=KERNEL,
        progress_bar=False,
        cwd=str(NOTEBOOK_DIR),
    )


def outputs(output: Path, kind: str) -> list[str]:
    """Every output of ``kind`` ("text/markdown", "stream", "error") of the executed notebooks."""
    texts = []
    for path in sorted((output / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                if kind == "stream" and out.get("output_type") == "stream":
                    texts.append(out["text"])
                elif kind == "error" and out.get("output_type") == "error":
                    texts.append(f"{out['ename']}: {out['evalue']}")
                elif kind in out.get("data", {}):
                    texts.append(out["data"][kind])
    return texts
