"""Raw data directories at 1x, 10x, 100x, 1000x the paper's size, generated once and cached.

1x is the bundled ``data/synthetic`` (6,500 registrants). A larger scale is
written by the project's generator in ``sample`` mode::

    python -m helpers.synthetic DIR --registrants N --mode sample --seed S

in one process up to :data:`CHUNK_SCALE` (100x, about 1.8 GB of memory). A
larger scale is generated in chunks of 100x, one process each, chunk ``k`` with
seed ``S + k``, and appended to the same four CSV files with every identifier
prefixed by the chunk's number (``03-P000001``), so identifiers stay unique
and memory stays that of one chunk. 1000x (6.5 million registrants) is ten
chunks; its first chunk is the 100x data set of the same seed.

Scales are kept under a cache folder outside the repository:
``$XDG_CACHE_HOME/sagui-henson-2022/bench`` (``~/.cache/...`` without it), one
directory per seed and scale (``sample-seed1-x1000``). A directory is reused
when its ``BENCH.json`` says it is complete and was written by the same
generator code (a SHA-256 of ``helpers.synthetic``'s source); otherwise it is
written again. A directory is built under a temporary name and renamed when
complete, so an interrupted generation never leaves a directory that looks
complete.

Command line (generate ahead of a benchmark, or check what is cached)::

    python benchmarks/scale_data.py --scales 10 100 1000 [--seed 1] [--cache-dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

__all__ = [
    "BUNDLED",
    "CHUNK_SCALE",
    "PAPER_REGISTRANTS",
    "default_cache",
    "describe",
    "ensure",
    "generator_fingerprint",
]

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "synthetic"
#: Registrants of the paper's data (1x): 6,500 registered, 3,087 analysed.
PAPER_REGISTRANTS = 6_500
#: The largest scale generated in one process; larger scales are chunks of this size.
CHUNK_SCALE = 100
TABLES = ("participants", "sessions", "alliance_ratings", "who5_assessments")
#: The columns of each table that hold identifiers (the first columns of the generator's CSV).
ID_FIELDS = {"participants": 1, "sessions": 2, "alliance_ratings": 1, "who5_assessments": 1}
MARKER = "BENCH.json"


def default_cache() -> Path:
    """``$XDG_CACHE_HOME/sagui-henson-2022/bench``, or ``~/.cache/sagui-henson-2022/bench``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sagui-henson-2022" / "bench"


def generator_fingerprint() -> str:
    """SHA-256 of the generator's source (``helpers/synthetic/*.py``), first 16 hex digits."""
    import helpers.synthetic

    digest = hashlib.sha256()
    for source in sorted(Path(helpers.synthetic.__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def _generate(directory: Path, registrants: int, seed: int) -> None:
    subprocess.run(
        [sys.executable, "-m", "helpers.synthetic", str(directory), "--seed", str(seed),
         "--registrants", str(registrants), "--mode", "sample"],
        check=True, capture_output=True,
    )  # fmt: skip


def _append(chunk: Path, target: Path, number: int) -> None:
    """Append ``chunk``'s four tables to ``target``'s, identifiers prefixed ``NN-``."""
    prefix = f"{number:02d}-".encode()
    for table in TABLES:
        fields = ID_FIELDS[table]
        with (chunk / f"{table}.csv").open("rb") as source:
            header = source.readline()
            written = target / f"{table}.csv"
            if number == 0:
                written.write_bytes(header)
            else:
                with written.open("rb") as first:
                    same = first.readline() == header
                if not same:
                    raise RuntimeError(f"chunk {number}: {table}.csv has another header")
            with written.open("ab") as sink:
                for line in source:
                    parts = line.split(b",", fields)  # the generator never quotes an id
                    sink.write(b",".join(prefix + part for part in parts[:fields]))
                    if len(parts) > fields:
                        sink.write(b"," + parts[fields])


def _write(directory: Path, scale: int, seed: int, say) -> dict:
    """Generate ``scale`` into ``directory`` (new); the facts ``BENCH.json`` records."""
    registrants = scale * PAPER_REGISTRANTS
    if scale <= CHUNK_SCALE:
        _generate(directory, registrants, seed)
        chunks = [{"seed": seed, "registrants": registrants}]
    else:
        directory.mkdir(parents=True)
        chunks, remaining, number = [], registrants, 0
        while remaining > 0:
            size = min(remaining, CHUNK_SCALE * PAPER_REGISTRANTS)
            say(f"  chunk {number + 1} of {-(-registrants // (CHUNK_SCALE * PAPER_REGISTRANTS))} …")
            part = directory / f".chunk{number}"
            _generate(part, size, seed + number)
            _append(part, directory, number)
            if number == 0:
                manifest = json.loads((part / "SYNTHETIC.json").read_text(encoding="utf-8"))
            shutil.rmtree(part)
            chunks.append({"seed": seed + number, "registrants": size})
            remaining, number = remaining - size, number + 1
        manifest.update(
            registrants=registrants,
            chunks=chunks,
            note=(
                f"{len(chunks)} chunks of the generator's sample mode with seeds {seed} to "
                f"{seed + len(chunks) - 1}, identifiers prefixed by the chunk number; the "
                "model is the first chunk's"
            ),
        )
        (directory / "SYNTHETIC.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    return {"scale": scale, "registrants": registrants, "seed": seed, "chunks": chunks}


def describe(scale: int, seed: int) -> str:
    """How the data of ``scale`` are made, in words and commands (for BENCHMARKS.md)."""
    if scale == 1:
        return "the bundled `data/synthetic` (`make data`)"
    registrants = scale * PAPER_REGISTRANTS
    if scale <= CHUNK_SCALE:
        return (
            f"`python -m helpers.synthetic $DIR --registrants {registrants} --mode sample "
            f"--seed {seed}`"
        )
    chunks = -(-scale // CHUNK_SCALE)
    return (
        f"{chunks} chunks of `python -m helpers.synthetic $DIR --registrants "
        f"{CHUNK_SCALE * PAPER_REGISTRANTS} --mode sample --seed S` with S = {seed} to "
        f"{seed + chunks - 1}, appended with identifiers prefixed by the chunk number"
    )


def ensure(scale: int, seed: int = 1, cache: Path | None = None, say=print) -> Path:
    """The raw data directory of ``scale``, generated unless cached and current.

    Parameters
    ----------
    scale : int
        Multiple of the paper's 6,500 registrants; 1 is the bundled data set.
    seed : int
        The generator's seed (chunk ``k`` of a large scale uses ``seed + k``).
    cache : pathlib.Path, optional
        The cache folder; :func:`default_cache` when None.
    say : callable
        Where progress lines go.

    Returns
    -------
    pathlib.Path
        A raw data directory in the shape of the raw data contract.
    """
    if scale < 1:
        raise ValueError(f"scale must be a whole number of at least 1, got {scale}")
    if scale == 1:
        return BUNDLED
    cache = Path(cache) if cache is not None else default_cache()
    directory = cache / f"sample-seed{seed}-x{scale}"
    fingerprint = generator_fingerprint()
    marker = directory / MARKER
    if marker.exists():
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        if recorded.get("generator_sha256") == fingerprint:
            return directory
        say(f"{directory.name}: written by other generator code; writing it again")
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f".partial-{directory.name}-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    say(f"generating {scale}x ({scale * PAPER_REGISTRANTS:,} registrants) into {directory} …")
    started = time.perf_counter()
    facts = _write(partial, scale, seed, say)
    facts.update(generator_sha256=fingerprint, seconds=round(time.perf_counter() - started, 1))
    (partial / MARKER).write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(directory, ignore_errors=True)
    partial.rename(directory)
    say(f"  done in {facts['seconds']} s")
    return directory


def main(argv: list[str] | None = None) -> int:
    """Generate (or find cached) the data of the scales asked for; print where they are."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", nargs="+", type=int, default=[10, 100, 1000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache-dir", type=Path, default=None)
    arguments = parser.parse_args(argv)
    for scale in arguments.scales:
        print(f"{scale}x: {ensure(scale, arguments.seed, arguments.cache_dir)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
