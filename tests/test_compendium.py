"""The repository is a self-contained research compendium: licence, citation, its own docs."""

from __future__ import annotations

import re
import subprocess
import tomllib

import yaml

from helpers.paths import ROOT

TEXT = {".py", ".md", ".ipynb", ".R", ".cff", ".toml", ".yml", ".txt", ""}
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _tracked_text_files():
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in listed:
        path = ROOT / name
        if path.suffix in TEXT and path.is_file():
            yield name, path.read_text(encoding="utf-8", errors="replace")


def test_the_licence_is_the_one_pyproject_declares():
    assert PROJECT["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_the_citation_cites_this_version_and_the_original_article():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert str(citation["version"]) == PROJECT["version"]
    assert citation["license"] == PROJECT["license"]
    article = citation["references"][0]
    assert article["journal"] == "Journal for Technology in Behavioral Science"
    assert (article["volume"], article["start"], article["end"], article["year"]) == (
        7,
        439,
        450,
        2022,
    )


def test_nothing_in_the_repository_points_outside_it_for_its_documents():
    outside = re.compile(r"\.\./shared|shared/(design|paper|seeds)/")
    offenders = [name for name, text in _tracked_text_files() if outside.search(text)]
    assert not offenders, f"files that cite documents outside the repository: {offenders}"
    assert (ROOT / "docs" / "raw-data-contract.md").exists()
    assert (ROOT / "docs" / "analysis-plan.md").exists()
