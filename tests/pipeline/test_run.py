"""The papermill runner: parameter checks, an end-to-end run, and privacy of every output.

The end-to-end run uses generated SYNTHETIC data (1,500 registrants) whose
participant and session ids are distinctive strings, then scans every output
file, executed notebook and figure for them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.pipeline.run import (
    NOTEBOOK_DIR,
    NOTEBOOKS,
    WHATIF,
    check_parameters,
    main,
    notebook_parameters,
    run_all,
    strip_volatile_metadata,
)
from helpers.synthetic import generate, write_raw
from locations import SMALL

SPECS = {
    "a.ipynb": {"who5_cutoff": {"type": "int"}, "alpha": {"type": "float"}},
    "b.ipynb": {"p_adjust": {"type": "str"}},
}


def test_parameters_go_to_the_notebooks_that_take_them():
    split = check_parameters({"who5_cutoff": 32, "p_adjust": "bonferroni", "alpha": 1}, SPECS)
    assert split == {
        "a.ipynb": {"who5_cutoff": 32, "alpha": 1},
        "b.ipynb": {"p_adjust": "bonferroni"},
    }


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"who5_cuttoff": 32}, "unknown parameter 'who5_cuttoff'; the notebooks take: alpha"),
        ({"who5_cutoff": "32"}, "parameter 'who5_cutoff' must be int, got str '32'"),
        ({"who5_cutoff": 32.5}, "must be int"),
        ({"who5_cutoff": True}, "must be int, got bool"),
        ({"p_adjust": 3}, "must be str"),
    ],
)
def test_a_wrong_parameter_stops_the_run(parameters, message):
    with pytest.raises(ValueError, match=message):
        check_parameters(parameters, SPECS)


def test_every_notebook_declares_typed_parameters():
    for name in (*NOTEBOOKS, WHATIF):
        spec = notebook_parameters(NOTEBOOK_DIR / name)
        assert {"data_dir", "output_dir"} <= set(spec)
        assert all(info["type"] in {"str", "int", "float", "bool"} for info in spec.values())


def test_command_line_refuses_an_unknown_parameter(capsys, tmp_path):
    code = main(["--data-dir", str(SMALL), "--output-dir", str(tmp_path), "-p", "cutoff", "30"])
    assert code == 2
    assert "unknown parameter 'cutoff'" in capsys.readouterr().err


def test_whatif_refuses_a_parameter_it_does_not_take(capsys, tmp_path):
    arguments = ["--whatif", "--data-dir", str(SMALL), "--output-dir", str(tmp_path)]
    assert main([*arguments, "-p", "who5_cutoff", "30"]) == 2
    assert "make whatif: unknown parameter 'who5_cutoff'" in capsys.readouterr().err


def _with_secret_ids(target: Path) -> tuple[list[str], pd.Series]:
    """A generated raw directory (1,500 registrants) whose ids are distinctive strings."""
    tables, plan = generate(seed=11, registrants=1500, mode="sample")
    people = {old: f"SECRET-PERSON-{old[1:]}" for old in tables["participants"]["participant_id"]}
    sessions = {old: f"SECRET-SESSION-{old[1:]}" for old in tables["sessions"]["session_id"]}
    for frame in tables.values():
        if "participant_id" in frame:
            frame["participant_id"] = frame["participant_id"].map(people)
        if "session_id" in frame:
            frame["session_id"] = frame["session_id"].map(sessions)
    write_raw(
        tables, target, {"synthetic": True, "generator": "test", "mode": "sample", "seed": 11}
    )
    return [*people.values(), *sessions.values()], plan["fate"].value_counts()


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    root = tmp_path_factory.mktemp("replicate")
    secrets, fates = _with_secret_ids(root / "raw")
    estimates = run_all(root / "raw", root / "out", {"min_followup_days": 7}, progress_bar=False)
    return root / "out", estimates, secrets, fates


def test_replicate_runs_every_notebook_and_assembles_estimates(replicated):
    output, estimates, _, fates = replicated
    frame = pd.read_csv(estimates).set_index(["key", "group"])["value"]
    assert frame["cohort.analyzed", "all"] == fates["analysed"]
    assert frame["cohort.completed_assessments", "all"] == fates["analysed"] + fates["unrated"]
    assert ("aim3.alliance.b", "full model") in frame.index
    for name in NOTEBOOKS:
        assert (output / "notebooks" / name).exists()
    for figure in (
        "cohort_eligibility_flow",
        "aim1_alliance_distribution_by_utilization",
        "aim2_who5_baseline_vs_followup",
        "aim2_who5_change_by_utilization",
        "aim3_table2_coefficients",
        "aim3_moderation_simple_slopes",
    ):
        assert (output / "figures" / f"{figure}.png").exists()


def test_no_identifier_appears_in_any_output(replicated):
    output, _, secrets, _ = replicated
    files = [p for p in output.rglob("*") if p.is_file()]
    assert files
    for path in files:
        content = path.read_bytes()
        if path.suffix == ".ipynb":  # scan text, metadata and image metadata, not pixels
            notebook = json.loads(content)
            for cell in notebook["cells"]:
                for out in cell.get("outputs", []):
                    out.get("data", {}).pop("image/png", None)
            content = json.dumps(notebook).encode()
        assert b"SECRET-" not in content, f"an identifier appears in {path.name}"
    assert len(secrets) > 1000


def test_committed_notebooks_carry_no_run_timestamps():
    """`make notebooks` strips them, so re-running gives the same bytes."""
    for name in (*NOTEBOOKS, WHATIF):
        content = (NOTEBOOK_DIR / name).read_text(encoding="utf-8")
        assert '"start_time"' not in content and '"iopub.execute_input"' not in content, name


def test_stripping_keeps_outputs_and_removes_timestamps(tmp_path):
    target = tmp_path / "copy.ipynb"
    target.write_bytes((NOTEBOOK_DIR / NOTEBOOKS[0]).read_bytes())
    notebook = json.loads(target.read_text())
    notebook["metadata"]["papermill"] = {"start_time": "2026-01-01"}
    notebook["cells"][1]["metadata"]["execution"] = {"iopub.execute_input": "2026-01-01"}
    target.write_text(json.dumps(notebook))
    strip_volatile_metadata(target)
    stripped = json.loads(target.read_text())
    assert "papermill" not in stripped["metadata"]
    assert "execution" not in stripped["cells"][1]["metadata"]
    assert [c.get("outputs") for c in stripped["cells"]] == [
        c.get("outputs") for c in notebook["cells"]
    ]
