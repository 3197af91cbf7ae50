"""Generate a synthetic data set in memory (:func:`generate`), write it, or run the command line.

Named ``dataset`` rather than ``generate`` so that the package's ``generate`` (the function)
does not shadow a submodule of the same name.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.synthetic.model import FATES, MODES, REGISTRANTS, PopulationModel
from helpers.synthetic.plan import exact_counts, plan_people
from helpers.synthetic.render import render_raw, write_raw

__all__ = ["generate", "main", "make_dataset"]


def generate(
    seed: int = 20221,
    registrants: int | None = None,
    mode: str = "matched",
    model: PopulationModel | None = None,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Generate a synthetic raw data set in memory.

    Parameters
    ----------
    seed : int
        Seed of the one random generator used.
    registrants : int, optional
        Scale: number of registrants. Fates are split in the default model's
        proportions. Default: the model's (6,500, which gives the paper's
        5,985 completed and 3,087 analysed).
    mode : {"matched", "sample"}
        See the package docstring (:mod:`helpers.synthetic`).
    model : PopulationModel, optional
        The population; default :class:`PopulationModel()`.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        The four raw tables.
    plan : pandas.DataFrame
        One row per registrant: fate and planned derived values (the truth
        the derivation must return). Contains identifiers: never publish it.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"seed: expected an integer, got {seed!r}")
    model = model or PopulationModel()
    if registrants is not None:
        model = _rescaled(model, registrants)
    rng = np.random.default_rng(seed)
    plan = plan_people(model, rng, mode)
    tables = render_raw(model, plan, rng, mode)
    return tables, plan


def _rescaled(model: PopulationModel, registrants: int) -> PopulationModel:
    if isinstance(registrants, bool) or not isinstance(registrants, int) or registrants < 10:
        raise ValueError(
            f"registrants: expected a whole number of at least 10, got {registrants!r}"
        )
    counts = exact_counts(registrants, np.array([model.fates[f] for f in FATES], dtype=float))
    return dataclasses.replace(
        model, registrants=registrants, fates=dict(zip(FATES, counts.tolist(), strict=True))
    )


def make_dataset(
    directory: str | Path,
    seed: int = 20221,
    registrants: int | None = None,
    mode: str = "matched",
) -> Path:
    """Generate a synthetic raw data directory and write it, with its manifest.

    Parameters
    ----------
    directory : str or pathlib.Path
        Where to write ``participants.csv`` … ``who5_assessments.csv`` and
        ``SYNTHETIC.json``.
    seed, registrants, mode
        As in :func:`generate`.

    Returns
    -------
    pathlib.Path
        The directory.

    Examples
    --------
    .. code-block:: python

        make_dataset("data/synthetic")  # the bundled data set
        make_dataset("/tmp/big", seed=7, registrants=650_000, mode="sample")
    """
    model = PopulationModel()
    if registrants is not None:
        model = _rescaled(model, registrants)
    tables, _ = generate(seed=seed, mode=mode, model=model)
    manifest = {
        "synthetic": True,
        "warning": (
            "SYNTHETIC DATA calibrated to the numbers printed in Sagui-Henson et al. (2022). "
            "Not study data: agreement with the paper checks the pipeline, it is not evidence."
        ),
        "generator": "helpers.synthetic",
        "seed": seed,
        "mode": mode,
        "registrants": model.registrants,
        "model": model.to_dict(),
    }
    return write_raw(tables, directory, manifest)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m helpers.synthetic OUT [--seed N] [--registrants N] [--mode M]``."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m helpers.synthetic",
        description="Write SYNTHETIC raw data calibrated to Sagui-Henson et al. (2022).",
    )
    parser.add_argument("out", type=Path, help="output directory")
    parser.add_argument("--seed", type=int, default=20221, help="random seed (default 20221)")
    parser.add_argument(
        "--registrants",
        type=int,
        default=None,
        help=f"scale (default {REGISTRANTS}, the paper's flow)",
    )
    parser.add_argument("--mode", choices=MODES, default="matched", help="default: matched")
    arguments = parser.parse_args(argv)
    path = make_dataset(arguments.out, arguments.seed, arguments.registrants, arguments.mode)
    print(f"wrote synthetic raw data ({arguments.mode}, seed {arguments.seed}) to {path}")
    return 0
