"""The papermill runner: parameter checks, an end-to-end run, and privacy of every output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.run import (
    NOTEBOOK_DIR,
    NOTEBOOKS,
    check_parameters,
    main,
    notebook_parameters,
    run_all,
)

SMALL = Path(__file__).parent / "data" / "cohort_small"
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
    for name in NOTEBOOKS:
        spec = notebook_parameters(NOTEBOOK_DIR / name)
        assert {"data_dir", "output_dir"} <= set(spec)
        assert all(info["type"] in {"str", "int", "float", "bool"} for info in spec.values())


def test_command_line_refuses_an_unknown_parameter(capsys, tmp_path):
    code = main(["--data-dir", str(SMALL), "--output-dir", str(tmp_path), "-p", "cutoff", "30"])
    assert code == 2
    assert "unknown parameter 'cutoff'" in capsys.readouterr().err


def _with_secret_ids(target: Path) -> list[str]:
    """Copy the hand-built raw data, giving every participant a distinctive id."""
    shutil.copytree(SMALL, target)
    secrets = {f"P{k:02d}": f"SECRET-PERSON-{k:02d}" for k in range(1, 19)}
    for name in ("participants", "sessions", "who5_assessments"):
        path = target / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["participant_id"] = frame["participant_id"].map(secrets)
        frame.to_csv(path, index=False)
    return list(secrets.values())


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    root = tmp_path_factory.mktemp("replicate")
    secrets = _with_secret_ids(root / "raw")
    estimates = run_all(root / "raw", root / "out", {"min_followup_days": 7}, progress_bar=False)
    return root / "out", estimates, secrets


def test_replicate_runs_every_notebook_and_assembles_estimates(replicated):
    output, estimates, _ = replicated
    frame = pd.read_csv(estimates).set_index(["key", "group"])["value"]
    assert frame["cohort.analyzed", "all"] == 8
    assert frame["cohort.completed_assessments", "all"] == 11
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
    output, _, secrets = replicated
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
        for secret in secrets:
            assert secret.encode() not in content, f"{secret} appears in {path.name}"
            assert b"SECRET-PERSON" not in content, path.name
