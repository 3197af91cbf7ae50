"""The papermill runner: parameter checks, an end-to-end run, and privacy of every output.

The end-to-end run uses generated SYNTHETIC data (1,500 registrants) whose
participant and session ids are distinctive strings, then scans every output
file, executed notebook and figure for them.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from fresh_process import python_output

from helpers.paths import NOTEBOOK_DIR, ROOT, SYNTHETIC_DATA
from helpers.pipeline.outputs import locked, scrub_notebook, sibling
from helpers.pipeline.parameters import check_parameters, notebook_parameters
from helpers.pipeline.run import NOTEBOOKS, WHATIF, main, run_all, run_whatif
from helpers.report import figures
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


#: What the runner needs only once the kernel is booting, or never (pandas, the IRI grammar).
_HEAVY = ("papermill", "nbformat", "nbclient", "jsonschema", "pandas", "numpy", "pandera")


def test_the_command_starts_the_kernel_before_it_loads_papermill(tmp_path):
    code = (
        "import sys\n"
        "from helpers.pipeline import run\n"
        "def kernel(notebooks):\n"
        f"    loaded = sorted(m for m in {_HEAVY!r} if m in sys.modules)\n"
        "    print(loaded, notebooks == run.NOTEBOOKS)\n"
        "    raise ValueError('stopped once the kernel would start')\n"
        "run._kernel = kernel\n"
        "print(run.main(['--data-dir', '.', '--output-dir', 'out']))\n"
    )
    assert python_output(code, tmp_path) == "[] True\n2\n"


def test_a_run_from_the_command_line_never_builds_the_iri_grammar_nor_loads_pandas(tmp_path):
    code = (
        "import sys\n"
        "from helpers.pipeline import run\n"
        f"code = run.main(['--data-dir', {str(SYNTHETIC_DATA)!r}, '--output-dir', 'out'])\n"
        "print(code, sys.modules.get('rfc3987_syntax', 'absent'), 'nbformat' in sys.modules,\n"
        "      'pandas' in sys.modules)\n"
    )
    assert python_output(code, tmp_path).splitlines()[-1] == "0 None True False"
    assert (tmp_path / "out" / "site" / "index.html").exists()


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
    # a file the contract does not read, whose very name is private
    (root / "raw" / "SECRETID Jane Doe intake.txt").write_text("not for any output\n")
    estimates = run_all(root / "raw", root / "out", {"min_followup_days": 7})
    return root / "out", estimates, secrets, fates


def test_replicate_runs_every_notebook_and_assembles_estimates(replicated):
    output, estimates, _, fates = replicated
    frame = pd.read_csv(estimates).set_index(["key", "group"])["value"]
    assert frame["cohort.analyzed", "all"] == fates["analysed"]
    assert frame["cohort.completed_assessments", "all"] == fates["analysed"] + fates["unrated"]
    assert ("aim3.alliance.b", "full model") in frame.index
    for name in NOTEBOOKS:
        assert (output / "notebooks" / name).exists()
    for figure in (name for name in figures.CAPTIONS if not name.startswith("whatif")):
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


def test_no_path_of_the_machine_and_no_unread_file_appears_in_any_output(replicated):
    output, _, _, _ = replicated
    root = str(output.parent)
    for path in (p for p in output.rglob("*") if p.is_file()):
        content = path.read_bytes()
        assert root.encode() not in content, f"a path of this machine is in {path.name}"
        assert b"SECRETID" not in content and b"Jane Doe" not in content, path.name
    record = json.loads((output / "provenance.json").read_text())
    assert set(record["data"]["files"]) == {
        "SYNTHETIC.json",
        "participants.csv",
        "sessions.csv",
        "alliance_ratings.csv",
        "who5_assessments.csv",
    }
    assert record["parameters"]["01_cohort.ipynb"]["data_dir"] == "$DATA_DIR"


def _contents(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _broken_copy(raw: Path, target: Path) -> Path:
    """The raw directory with one participant's sex misspelled."""
    shutil.copytree(raw, target)
    people = pd.read_csv(target / "participants.csv", dtype=str, keep_default_na=False)
    people.loc[0, "sex"] = "mal"
    people.to_csv(target / "participants.csv", index=False)
    return target


def test_a_failed_run_leaves_the_results_as_they_were_and_says_why_in_one_line(
    replicated, tmp_path, capsys
):
    output = replicated[0]
    before = _contents(output)
    bad = _broken_copy(output.parent / "raw", tmp_path / "bad")
    code = main(["--data-dir", str(bad), "--output-dir", str(output)])
    error = capsys.readouterr().err
    assert code == 1
    assert _contents(output) == before
    failed = sibling(output, "failed", hidden=False)
    assert error.count("\n") == 1 and "Traceback" not in error
    assert "01_cohort failed at the step" in error and "RawDataError" in error
    assert f"{output} was left as it was" in error and str(failed) in error
    traceback = (failed / "notebooks" / "01_cohort.ipynb").read_text()
    assert '"output_type": "error"' in traceback


def _runner(arguments: list[str], **options) -> subprocess.Popen:
    return subprocess.Popen(
        arguments,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **options,
    )


def _kernels_of(process: psutil.Process) -> list[psutil.Process]:
    found = []
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
    return found


def _wait_for_a_kernel(process: subprocess.Popen) -> list[psutil.Process]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        kernels = _kernels_of(psutil.Process(process.pid))
        if kernels:
            return kernels
        time.sleep(0.2)
    raise AssertionError("no kernel started within 60 s")


def _all_ended(processes: list[psutil.Process], seconds: float = 15) -> bool:
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return not alive


@pytest.mark.parametrize("how", ["SIGINT to the runner", "SIGKILL to the runner"])
def test_an_interrupted_run_ends_its_kernels_and_leaves_the_results_as_they_were(replicated, how):
    output = replicated[0]
    before = _contents(output)
    raw = str(output.parent / "raw")
    command = [sys.executable, "-m", "helpers.pipeline.run", "--data-dir", raw]
    command += ["--output-dir", str(output)]
    process = _runner(command)
    kernels = _wait_for_a_kernel(process)
    process.send_signal(signal.SIGINT if how.startswith("SIGINT") else signal.SIGKILL)
    process.wait(timeout=30)
    assert _all_ended(kernels)
    assert _contents(output) == before
    if how.startswith("SIGINT"):
        assert process.returncode == 130
        assert "interrupted" in process.stderr.read()


def test_killing_make_ends_the_whole_run(replicated):
    output = replicated[0]
    before = _contents(output)
    places = [f"DATA_DIR={output.parent / 'raw'}", f"OUTPUT_DIR={output}"]
    make = _runner(["make", "--no-print-directory", "replicate", *places])
    kernels = _wait_for_a_kernel(make)
    everyone = psutil.Process(make.pid).children(recursive=True)
    make.kill()
    make.wait(timeout=10)
    assert _all_ended([*everyone, *kernels])
    assert _contents(output) == before


def test_no_value_of_data_dir_output_dir_or_params_runs_a_command(tmp_path):
    marks = [tmp_path / f"pwned{i}" for i in range(4)]
    attempts = [
        [f"OUTPUT_DIR={tmp_path}/out; touch {marks[0]};", "DATA_DIR=/nonexistent"],
        [f"DATA_DIR=/nonexistent; touch {marks[1]}"],
        [f"PARAMS=-p who5_cutoff 28; touch {marks[2]}"],
        [f"OUTPUT_DIR=$(shell touch {marks[3]})", "DATA_DIR=/nonexistent"],
    ]
    for attempt in attempts:
        result = subprocess.run(
            ["make", "--no-print-directory", "replicate", *attempt],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0, attempt
        assert "make replicate:" in result.stderr, result.stderr
    assert not any(mark.exists() for mark in marks)


def test_a_second_run_into_a_folder_in_use_stops_at_once(replicated, capsys):
    output = replicated[0]
    with locked(output):
        code = main(["--data-dir", str(output.parent / "raw"), "--output-dir", str(output)])
    assert code == 2
    assert "another run is writing into" in capsys.readouterr().err


def test_foreign_files_and_an_output_dir_inside_the_data_are_refused(replicated, tmp_path):
    output = replicated[0]
    raw = output.parent / "raw"
    with pytest.raises(ValueError, match="overlap"):
        run_all(raw, raw / "results")
    stray = tmp_path / "out"
    shutil.copytree(output, stray)
    (stray / "estimates" / "00_old.csv").write_text("key,group,value,note\n")
    with pytest.raises(ValueError, match="did not write"):
        run_all(raw, stray)


def test_the_site_never_keeps_a_page_of_other_data(replicated, tmp_path):
    output = tmp_path / "out"
    shutil.copytree(replicated[0], output)
    raw = replicated[0].parent / "raw"
    with pytest.raises(ValueError, match="replication of other data"):
        run_whatif(SYNTHETIC_DATA, output)
    small = {
        "aim3_replicates": 20,
        "aim1_replicates": 10,
        "population_scale": 0.5,
        "aim3_sizes": "200",
        "aim1_sizes": "250",
        "aim1_effects": "1.0",
    }
    run_whatif(raw, output, small)
    assert (output / "site" / "06_whatif.html").exists()
    run_all(SYNTHETIC_DATA, output)
    pages = sorted(p.name for p in (output / "site").glob("*.html"))
    book = ["index.html", "genindex.html", "search.html"]  # Sphinx's own pages
    assert pages == sorted([*book, *(Path(n).stem + ".html" for n in NOTEBOOKS)])
    assert "06_whatif" not in (output / "site" / "index.html").read_text()


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
    scrub_notebook(target)
    stripped = json.loads(target.read_text())
    assert "papermill" not in stripped["metadata"]
    assert "execution" not in stripped["cells"][1]["metadata"]
    assert [c.get("outputs") for c in stripped["cells"]] == [
        c.get("outputs") for c in notebook["cells"]
    ]


def test_notebooks_run_by_hand_or_by_nbval_write_outside_make_replicates_output_dir():
    """`make test` then `make replicate` (the README's two commands) must not collide."""
    default = re.search(r"^OUTPUT_DIR\s*\?=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M)
    replicate_output = (ROOT / default.group(1)).resolve()
    for name in (*NOTEBOOKS, WHATIF):
        written = ast.literal_eval(
            notebook_parameters(NOTEBOOK_DIR / name)["output_dir"]["default"]
        )
        where = (NOTEBOOK_DIR / written).resolve()
        assert replicate_output not in (where, *where.parents), name
