"""The output directory: replaced whole or not at all, locked, and free of foreign files."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from helpers.paths import NOTEBOOK_DIR
from helpers.pipeline.outputs import (
    MANIFEST,
    Staging,
    check_output_dir,
    check_places,
    locked,
    scrub_notebook,
    sibling,
)


def _published(output_dir, files: dict[str, str]) -> None:
    staging = Staging(output_dir)
    for name, text in files.items():
        (staging.path / name).parent.mkdir(parents=True, exist_ok=True)
        (staging.path / name).write_text(text)
    staging.publish()


def test_an_output_dir_overlapping_the_data_is_refused(tmp_path):
    data = tmp_path / "data"
    for output in (data, data / "out", tmp_path):
        with pytest.raises(ValueError, match="overlap"):
            check_places(data, output)
    check_places(data, tmp_path / "out")


def test_a_run_replaces_the_whole_folder_and_lists_what_it_wrote(tmp_path):
    output = tmp_path / "out"
    _published(output, {"estimates.csv": "old", "estimates/01_old.csv": "old part"})
    _published(output, {"estimates.csv": "new"})
    assert sorted(p.name for p in output.rglob("*")) == [MANIFEST, "estimates.csv"]
    assert json.loads((output / MANIFEST).read_text()) == ["estimates.csv"]
    check_output_dir(output)  # an earlier run's results may be replaced


def test_foreign_files_in_the_output_dir_stop_the_run(tmp_path):
    output = tmp_path / "out"
    _published(output, {"estimates.csv": "mine"})
    (output / "estimates").mkdir()
    (output / "estimates" / "00_old.csv").write_text("a stray part")
    with pytest.raises(ValueError, match=r"did not write \(estimates/00_old.csv\); .* move"):
        check_output_dir(output)
    shutil.rmtree(output / "estimates")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "notes.txt").write_text("a user's folder")
    with pytest.raises(ValueError, match=r"notes\.txt"):
        check_output_dir(tmp_path / "plain")
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="is a file"):
        check_output_dir(tmp_path / "file")
    check_output_dir(tmp_path / "absent")


def test_a_failed_run_leaves_the_output_dir_as_it_was(tmp_path):
    output = tmp_path / "out"
    _published(output, {"estimates.csv": "good"})
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    staging = Staging(output)
    (staging.path / "estimates.csv").write_text("half")
    failed = staging.keep_failed()
    assert failed == sibling(output, "failed", hidden=False)
    assert (failed / "estimates.csv").read_text() == "half"
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    interrupted = Staging(output)
    interrupted.discard()
    assert not interrupted.path.exists()
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_a_publish_killed_between_its_renames_is_undone(tmp_path):
    output = tmp_path / "out"
    _published(output, {"estimates.csv": "good"})
    output.rename(sibling(output, "previous"))  # killed after the first rename
    Staging(output).discard()
    assert (output / "estimates.csv").read_text() == "good"


def test_a_second_run_into_a_locked_folder_stops_at_once(tmp_path):
    output = tmp_path / "out"
    with (
        locked(output),
        pytest.raises(ValueError, match="another run is writing into"),
        locked(output),
    ):
        pass
    with locked(output):  # released
        pass


def test_scrubbing_removes_machine_paths_timestamps_and_random_ids(tmp_path):
    notebook = nbformat.read(NOTEBOOK_DIR / "02_aim1_alliance.ipynb", as_version=4)
    injected = nbformat.v4.new_code_cell('data_dir = "/home/jane/export"\noutput_dir = "/tmp/x"')
    injected.metadata["tags"] = ["injected-parameters"]
    notebook.cells.insert(3, injected)
    notebook.metadata["papermill"] = {"input_path": "/home/jane/nb.ipynb"}
    notebook.cells[5].outputs = [
        nbformat.v4.new_output("stream", text="read /home/jane/export/participants.csv\n")
    ]
    notebook.cells[5].metadata["execution"] = {"iopub.execute_input": "2026-01-01"}
    target = tmp_path / "run.ipynb"
    nbformat.write(notebook, target)
    scrub_notebook(target, {"/home/jane/export": "$DATA_DIR", "/tmp/x": "$OUTPUT_DIR"})
    text = target.read_text()
    assert "/home/jane" not in text and "/tmp/x" not in text and "2026-01-01" not in text
    assert "$DATA_DIR/participants.csv" in text
    scrubbed = nbformat.read(target, as_version=4)
    assert scrubbed.cells[3]["id"] == "injected-parameters"
