"""What produced an output: code version, data fingerprint, parameters, package versions.

:func:`watermark` ends every notebook; :func:`write_provenance` puts the same
facts, plus the code version and a fingerprint of the raw data, into
``provenance.json`` in the output directory. Nothing in it depends on the
clock, so two runs of the same code on the same data give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from helpers.data.contract import TABLES
from helpers.paths import ROOT, SYNTHETIC_MANIFEST

__all__ = [
    "PACKAGES",
    "add_parameters",
    "code_version",
    "data_fingerprint",
    "package_versions",
    "provenance",
    "recorded_parameters",
    "summary",
    "watermark",
    "write_provenance",
]

#: The packages whose versions shape the results.
PACKAGES = (
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "duckdb",
    "pingouin",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
)


def package_versions() -> dict[str, str]:
    """Installed versions of :data:`PACKAGES`, and Python's major.minor."""
    versions = {"python": ".".join(platform.python_version_tuple()[:2])}
    versions.update({name: metadata.version(name) for name in PACKAGES})
    return versions


def watermark() -> str:
    """One line per package, for the end of each notebook.

    Python is given as major.minor only, so a patch release does not change
    the committed notebooks' outputs; the packages are pinned exactly.
    """
    return "\n".join(f"{name:<12} {version}" for name, version in package_versions().items())


def _git(*arguments: str, root: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", *arguments], cwd=root, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.strip()


def code_version(root: str | Path = ROOT) -> dict[str, Any]:
    """The commit the code comes from, and whether tracked files differ from it.

    Returns
    -------
    dict
        ``commit`` (full hash, or None outside a git checkout), ``describe``
        (``git describe --always --dirty``), ``dirty`` (tracked files changed;
        untracked outputs do not count).
    """
    root = Path(root)
    commit = _git("rev-parse", "HEAD", root=root)
    if commit is None:
        return {"commit": None, "describe": "not a git checkout", "dirty": None}
    status = _git("status", "--porcelain", "--untracked-files=no", root=root)
    return {
        "commit": commit,
        "describe": _git("describe", "--always", "--dirty", root=root),
        "dirty": bool(status),
    }


def _read_files(directory: Path) -> list[Path]:
    """The files of a raw data directory that a run reads: the tables, and the manifest."""
    names = [f"{table}.{ext}" for table in TABLES for ext in ("csv", "parquet")]
    return [
        directory / name
        for name in sorted([*names, SYNTHETIC_MANIFEST])
        if (directory / name).is_file()
    ]


def data_fingerprint(data_dir: str | Path) -> dict[str, Any]:
    """SHA-256 of each file a run reads from the raw data directory, and of the set.

    Only the contract's tables (``participants.csv`` … or ``.parquet``) and
    ``SYNTHETIC.json`` are read, so only they are listed: other files in the
    folder, and their names, never reach an output. The combined hash is taken
    over the sorted ``"<name> <sha256>"`` lines, so it changes when any of those
    files' content changes, and not when the directory is moved.

    Raises
    ------
    ValueError
        If ``data_dir`` is not a directory or holds none of the tables.
    """
    directory = Path(data_dir)
    if not directory.is_dir():
        raise ValueError(f"data fingerprint: {directory} is not a directory")
    files = {}
    for path in _read_files(directory):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda handle=handle: handle.read(1 << 20), b""):
                digest.update(block)
        files[path.relative_to(directory).as_posix()] = digest.hexdigest()
    if not files:
        raise ValueError(f"data fingerprint: {directory} holds none of the raw data tables")
    lines = "".join(f"{name} {digest}\n" for name, digest in files.items())
    return {"sha256": hashlib.sha256(lines.encode()).hexdigest(), "files": files}


def provenance(data_dir: str | Path, parameters: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Everything needed to say what produced an output directory.

    Parameters
    ----------
    data_dir : path
        The raw data directory the notebooks read.
    parameters : dict
        Notebook name to the parameters it ran with (defaults included).
    """
    manifest = Path(data_dir) / SYNTHETIC_MANIFEST
    return {
        "code_version": code_version(),
        "data": {
            "synthetic": manifest.exists(),
            **data_fingerprint(data_dir),
        },
        "parameters": parameters,
        "packages": package_versions(),
    }


def write_provenance(
    output_dir: str | Path, data_dir: str | Path, parameters: dict[str, dict[str, Any]]
) -> Path:
    """Write ``<output_dir>/provenance.json`` (sorted keys, no timestamps) and return its path."""
    path = Path(output_dir) / "provenance.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = provenance(data_dir, parameters)
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def add_parameters(
    output_dir: str | Path,
    notebook: str,
    parameters: dict[str, Any],
    data_dir: str | Path | None = None,
) -> Path:
    """Record one more notebook's parameters in ``provenance.json``.

    ``make whatif`` runs after ``make replicate`` into the same directory; its
    parameters join the record instead of replacing it. Into a new directory,
    a record of ``data_dir`` is started.

    Raises
    ------
    ValueError
        If the output directory has no ``provenance.json`` and no ``data_dir`` is given.
    """
    path = Path(output_dir) / "provenance.json"
    if not path.exists():
        if data_dir is None:
            raise ValueError(f"{path}: no provenance record yet; run make replicate first")
        write_provenance(output_dir, data_dir, {})
    record = json.loads(path.read_text(encoding="utf-8"))
    record["parameters"][notebook] = parameters
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def summary(record: dict[str, Any]) -> str:
    """A short Markdown account of a provenance record, for the top of the report."""
    code, data = record["code_version"], record["data"]
    packages = ", ".join(f"{name} {version}" for name, version in record["packages"].items())
    kind = "synthetic (has SYNTHETIC.json)" if data["synthetic"] else "a raw export"
    return "\n".join(
        [
            f"- **Code:** `{code['describe']}`"
            + (" (tracked files changed since the commit)" if code["dirty"] else ""),
            f"- **Data:** {kind}, {len(data['files'])} files, SHA-256 `{data['sha256'][:16]}…`",
            f"- **Parameters:** {len(record['parameters'])} notebooks; every value is in "
            "`provenance.json`",
            f"- **Packages:** {packages}",
        ]
    )


def recorded_parameters(
    run_parameters: str, data_dir: str | Path, output_dir: str | Path
) -> dict[str, dict[str, Any]]:
    """Every notebook's parameters, for ``provenance.json``.

    Parameters
    ----------
    run_parameters : str
        JSON that :func:`helpers.pipeline.run.run_all` passes to the report; empty when the
        notebooks were run by hand (or by nbval) with their defaults, in which
        case the declared defaults are recorded, with ``data_dir`` and
        ``output_dir`` as the report has them.
    """
    if run_parameters:
        try:
            recorded = json.loads(run_parameters)
        except json.JSONDecodeError as error:
            raise ValueError(f"run_parameters is not JSON: {error}") from None
        if not isinstance(recorded, dict):
            raise ValueError("run_parameters must be a JSON object: notebook -> parameters")
        return recorded
    # run by hand: read the notebooks' declared defaults (papermill; only on this path, so
    # a run's report kernel never imports the runner)
    from helpers.paths import NOTEBOOK_DIR
    from helpers.pipeline.parameters import effective_parameters
    from helpers.pipeline.run import NOTEBOOKS

    places = {"data_dir": str(data_dir), "output_dir": str(output_dir)}
    return {name: effective_parameters(NOTEBOOK_DIR / name, places) for name in NOTEBOOKS}
