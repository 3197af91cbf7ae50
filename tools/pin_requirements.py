"""Derive requirements.txt (pip) from environment.yml (conda), the one source of truth.

Run through ``make requirements`` after editing environment.yml.
``tests/test_environment.py`` calls :func:`derive` and fails when the committed
requirements.txt is stale, so the two files cannot drift apart.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

#: conda-forge names that differ from their PyPI names.
CONDA_TO_PYPI: dict[str, str] = {"python-duckdb": "duckdb"}

#: conda entries that are not Python packages pip should install.
NOT_FOR_PIP = {"python", "pip"}

HEADER = (
    "# Generated from environment.yml by `make requirements` (tools/pin_requirements.py).\n"
    "# Do not edit by hand: change environment.yml and regenerate.\n"
)

_PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)\s*=?=\s*(?P<version>[^\s=<>!]+)$")


def conda_pins(environment: dict) -> dict[str, str]:
    """Return ``{pypi_name: version}`` for every pinned conda dependency.

    Raises
    ------
    ValueError
        If a conda dependency (other than python and pip) carries no exact pin.
    """
    pins: dict[str, str] = {}
    for entry in environment["dependencies"]:
        if not isinstance(entry, str):
            continue  # the nested pip section
        name = re.split(r"[=<>! ]", entry, maxsplit=1)[0]
        if name in NOT_FOR_PIP:
            continue
        match = _PIN.match(entry)
        if match is None:
            raise ValueError(
                f"environment.yml: dependency {entry!r} is not pinned to one version; "
                "write it as name=version"
            )
        pins[CONDA_TO_PYPI.get(name, name)] = match["version"]
    return pins


def derive(environment_file: Path = ROOT / "environment.yml") -> str:
    """Return the text requirements.txt must hold for ``environment_file``."""
    environment = yaml.safe_load(environment_file.read_text(encoding="utf-8"))
    pins = conda_pins(environment)
    names = sorted(pins, key=str.lower)
    lines = [f"{name}=={pins[name]}" for name in names]
    return HEADER + "\n".join(lines) + "\n"


def main() -> int:
    target = ROOT / "requirements.txt"
    target.write_text(derive(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
