"""Provenance: the data fingerprint and the code version."""

from __future__ import annotations

import hashlib

import pytest

from helpers.pipeline.provenance import (
    add_parameters,
    code_version,
    data_fingerprint,
    write_provenance,
)


def test_the_fingerprint_follows_content_not_location(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for directory in (first, second):
        directory.mkdir()
        (directory / "participants.csv").write_bytes(b"1,2\n")
        (directory / "sessions.parquet").write_bytes(b"3\n")
    one, two = data_fingerprint(first), data_fingerprint(second)
    assert one == two
    assert one["files"]["participants.csv"] == hashlib.sha256(b"1,2\n").hexdigest()
    (second / "participants.csv").write_bytes(b"1,3\n")
    assert data_fingerprint(second)["sha256"] != one["sha256"]


def test_the_fingerprint_lists_only_the_files_a_run_reads(tmp_path):
    (tmp_path / "participants.csv").write_bytes(b"1\n")
    (tmp_path / "SYNTHETIC.json").write_bytes(b"{}\n")
    (tmp_path / "SECRETID Jane Doe intake.txt").write_bytes(b"private\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "sessions.csv").write_bytes(b"2\n")
    assert set(data_fingerprint(tmp_path)["files"]) == {"participants.csv", "SYNTHETIC.json"}


def test_the_fingerprint_refuses_an_empty_or_missing_directory(tmp_path):
    with pytest.raises(ValueError, match="holds none of the raw data tables"):
        data_fingerprint(tmp_path)
    with pytest.raises(ValueError, match="is not a directory"):
        data_fingerprint(tmp_path / "absent")


def test_code_version_outside_a_checkout(tmp_path):
    assert code_version(tmp_path) == {
        "commit": None,
        "describe": "not a git checkout",
        "dirty": None,
    }


def test_a_later_notebook_joins_the_record(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "participants.csv").write_bytes(b"1\n")
    with pytest.raises(ValueError, match="no provenance record yet"):
        add_parameters(tmp_path, "06_whatif.ipynb", {"seed": 1})
    write_provenance(tmp_path, data, {"01_cohort.ipynb": {"min_age": 18}})
    record = add_parameters(tmp_path, "06_whatif.ipynb", {"seed": 1}).read_text(encoding="utf-8")
    assert '"06_whatif.ipynb": {' in record and '"min_age": 18' in record
