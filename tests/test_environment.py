"""environment.yml is the one source of versions; requirements.txt must follow it."""

from __future__ import annotations

import importlib.util
import re

import yaml

from helpers.paths import ROOT

spec = importlib.util.spec_from_file_location(
    "pin_requirements", ROOT / "tools" / "pin_requirements.py"
)
pin_requirements = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pin_requirements)

#: The design card's packages plus what the work needs; each must be pinned.
REQUIRED = {
    "jupyterlab", "papermill", "pandas", "seaborn", "matplotlib", "pingouin",
    "statsmodels", "nbval", "scikit-posthocs", "duckdb", "pyarrow", "pytest",
    "hypothesis", "ruff", "ipykernel",
}  # fmt: skip


def test_requirements_txt_is_derived_from_environment_yml():
    committed = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert committed == pin_requirements.derive(), (
        "requirements.txt disagrees with environment.yml: run `make requirements`"
    )


def test_every_needed_package_is_pinned_to_one_version():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins = pin_requirements.conda_pins(environment)
    assert set(pins) >= REQUIRED, f"not pinned: {sorted(REQUIRED - set(pins))}"
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.]*", version) for version in pins.values())


def test_environment_is_python_3_11_from_conda_forge():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert environment["channels"][0] == "conda-forge"
    assert "python=3.11" in environment["dependencies"]


def test_an_unpinned_dependency_is_refused():
    import pytest

    with pytest.raises(ValueError, match="not pinned"):
        pin_requirements.conda_pins({"dependencies": ["python=3.11", "pandas"]})
