"""An output directory that a run replaces whole, or not at all.

A run builds everything in a *staging* directory next to ``OUTPUT_DIR`` and
moves it into place only when the whole run succeeded (:class:`Staging`). A
failed run leaves ``OUTPUT_DIR`` exactly as it was and keeps its notebooks in
``<OUTPUT_DIR>.failed``; an interrupted one leaves nothing behind. One
run at a time writes into a folder (:func:`locked`, an ``flock`` that the
operating system releases when the process dies, however it dies). A run only
replaces a folder that holds exactly what an earlier run wrote (listed in its
:data:`MANIFEST`); any other file stops it (:func:`check_output_dir`).

Executed notebooks are scrubbed before they are published (:func:`scrub_notebook`):
the absolute paths of the data and of the staging folder become ``$DATA_DIR``
and ``$OUTPUT_DIR``, and papermill's injected cell gets a fixed id, so no path
of the user's machine is in any output and two runs into two folders give the
same bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "DATA_PLACEHOLDER",
    "MANIFEST",
    "OUTPUT_PLACEHOLDER",
    "Staging",
    "check_output_dir",
    "check_places",
    "locked",
    "scrub_notebook",
    "scrubbed",
    "sibling",
]

#: The list of files a run wrote, kept in the output directory.
MANIFEST = ".replication-outputs"
#: What the data and output directories are called in published outputs.
DATA_PLACEHOLDER = "$DATA_DIR"
OUTPUT_PLACEHOLDER = "$OUTPUT_DIR"
#: Volatile cell metadata (run timestamps, durations), removed from executed notebooks.
VOLATILE_CELL_METADATA = ("papermill", "execution")


def sibling(output_dir: Path, suffix: str, hidden: bool = True) -> Path:
    """A path next to ``output_dir`` (same file system, so a rename is atomic).

    The lock, staging and previous folders are hidden (``.output.staging``);
    a failed run's folder is not (``output.failed``), so the user finds it.
    """
    return output_dir.parent / f"{'.' if hidden else ''}{output_dir.name}.{suffix}"


def _inside(path: Path, other: Path) -> bool:
    return path == other or other in path.parents


def check_places(data_dir: Path, output_dir: Path) -> None:
    """Refuse an output directory equal to, inside, or containing the data directory."""
    if _inside(output_dir, data_dir) or _inside(data_dir, output_dir):
        raise ValueError(
            f"OUTPUT_DIR ({output_dir}) and DATA_DIR ({data_dir}) overlap; results written "
            "into the data would change its fingerprint. Choose an OUTPUT_DIR outside DATA_DIR"
        )


def _files(directory: Path) -> list[str]:
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file() or path.is_symlink()
    )


def check_output_dir(output_dir: Path) -> None:
    """Refuse an output directory that holds files no run of this project wrote.

    An absent or empty directory is fine; so is one whose files are exactly
    those listed in its :data:`MANIFEST` (an earlier run's results, which this
    run replaces).
    """
    if output_dir.exists() and not output_dir.is_dir():
        raise ValueError(f"OUTPUT_DIR ({output_dir}) is a file, not a directory")
    if not output_dir.exists():
        return
    present = _files(output_dir)
    if not present:
        return
    manifest = output_dir / MANIFEST
    written = set(json.loads(manifest.read_text(encoding="utf-8"))) if manifest.exists() else set()
    foreign = [name for name in present if name not in written | {MANIFEST}]
    if foreign:
        shown = ", ".join(foreign[:3]) + (
            f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        )
        raise ValueError(
            f"OUTPUT_DIR ({output_dir}) holds files this project's runs did not write ({shown}); "
            "a run replaces its OUTPUT_DIR whole, so choose an empty or new folder, or move "
            "those files away"
        )


@contextlib.contextmanager
def locked(output_dir: Path) -> Iterator[None]:
    """Hold the lock of ``output_dir`` for the whole run; a second run stops at once."""
    lock_path = sibling(output_dir, "lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ValueError(
                f"another run is writing into {output_dir} (process {holder}); wait for it "
                "to finish, or choose another OUTPUT_DIR"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Staging:
    """The directory a run writes into, published over ``OUTPUT_DIR`` only when it succeeded.

    Parameters
    ----------
    output_dir : Path
        The directory the results go to (it may not exist yet).
    start_from_current : bool
        Start from a copy of the current results (``make whatif`` adds to them)
        instead of an empty folder.
    """

    def __init__(self, output_dir: Path, start_from_current: bool = False) -> None:
        self.output_dir = output_dir
        self.path = sibling(output_dir, "staging")
        self.failed = sibling(output_dir, "failed", hidden=False)
        self._previous = sibling(output_dir, "previous")
        self._recover()
        shutil.rmtree(self.path, ignore_errors=True)
        if start_from_current and output_dir.exists():
            shutil.copytree(output_dir, self.path, symlinks=True)
            (self.path / MANIFEST).unlink(missing_ok=True)
        else:
            self.path.mkdir(parents=True)

    def _recover(self) -> None:
        """Undo a publish that was killed between its two renames."""
        if self._previous.exists():
            if self.output_dir.exists():
                shutil.rmtree(self._previous)
            else:
                self._previous.rename(self.output_dir)

    def publish(self) -> None:
        """List the files this run wrote and move them into place (two renames)."""
        (self.path / MANIFEST).write_text(json.dumps(_files(self.path), indent=0) + "\n")
        if self.output_dir.exists():
            self.output_dir.rename(self._previous)
        self.path.rename(self.output_dir)
        shutil.rmtree(self._previous, ignore_errors=True)
        shutil.rmtree(self.failed, ignore_errors=True)

    def keep_failed(self) -> Path:
        """Keep a failed run's folder (its notebooks hold the traceback) next to OUTPUT_DIR."""
        shutil.rmtree(self.failed, ignore_errors=True)
        self.path.rename(self.failed)
        return self.failed

    def discard(self) -> None:
        """Remove an interrupted run's folder."""
        shutil.rmtree(self.path, ignore_errors=True)


def scrubbed(value, replacements: dict[str, str]):
    """``value`` (text, or lists and dicts of text) with each path replaced by its placeholder."""
    if isinstance(value, str):
        for path, placeholder in replacements.items():
            value = value.replace(path, placeholder)
        return value
    if isinstance(value, dict):
        return {key: scrubbed(item, replacements) for key, item in value.items()}
    if isinstance(value, list):
        return [scrubbed(item, replacements) for item in value]
    return value


def scrub_notebook(notebook: Path, replacements: dict[str, str] | None = None) -> None:
    """Remove run timestamps and machine paths from an executed notebook, in place.

    Papermill and the kernel client stamp every cell with start and end times,
    and papermill records the input and output paths; the injected parameters
    cell gets a random id. All of that goes, and each path in ``replacements``
    (absolute path -> placeholder) is replaced in every cell's source and
    outputs, so the notebook holds only what the code computed.
    """
    import nbformat  # here: the runner loads it after starting the kernel

    content = nbformat.read(notebook, as_version=4)
    content.metadata.pop("papermill", None)
    for cell in content.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    if replacements:
        content = nbformat.from_dict(scrubbed(dict(content), replacements))
    nbformat.write(content, notebook)
