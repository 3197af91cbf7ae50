"""Benchmark: simulated aim 3 analyses per second, vectorized vs a plain statsmodels loop.

Both fit Table 2's full model (six coefficients, n = 675 by default) to
studies drawn from the same synthetic population, on one core (BLAS and
OpenMP threads are pinned to one before numpy loads). The statsmodels loop
fits the very replicates the vectorized path drew, so the comparison is like
for like; it runs fewer of them because it is slow.

Run with ``make bench`` or ``python benchmarks/simulation_rate.py [--json]``.
Target (issue #6): at least 10,000 simulated aim 3 analyses per second.
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import statsmodels.api as sm  # noqa: E402

from helpers.whatif import batch, simulate  # noqa: E402


def vectorized_rate(population, n: int, replicates: int, repeats: int = 3) -> float:
    """Best of ``repeats`` timings of drawing and fitting ``replicates`` studies."""
    best = float("inf")
    for repeat in range(repeats):
        start = time.perf_counter()
        simulate.simulate_aim3(population, n, 2.04, replicates, seed=repeat)
        best = min(best, time.perf_counter() - start)
    return replicates / best


def statsmodels_rate(population, n: int, replicates: int) -> tuple[float, float]:
    """Fit the same draws one at a time with statsmodels; also the largest difference in b."""
    rng = np.random.default_rng(0)
    rows = rng.integers(0, len(population.aim3), size=(replicates, n))
    x = population.aim3[rows]
    y = np.round(rng.normal(40, 18, size=(replicates, n)) / 4) * 4
    start = time.perf_counter()
    fitted = [
        sm.OLS(y[i], sm.add_constant(x[i], has_constant="add")).fit() for i in range(replicates)
    ]
    elapsed = time.perf_counter() - start
    b, _, _ = batch.ols_batch(x, y)
    difference = max(float(np.max(np.abs(f.params - b[i]))) for i, f in enumerate(fitted))
    return replicates / elapsed, difference


def measure(n: int = 675, replicates: int = 20_000, loop_replicates: int = 500) -> dict:
    population = simulate.population(seed=20221, scale=10)
    fast = vectorized_rate(population, n, replicates)
    slow, difference = statsmodels_rate(population, n, loop_replicates)
    return {
        "n": n,
        "vectorized_per_s": round(fast),
        "vectorized_replicates": replicates,
        "statsmodels_loop_per_s": round(slow),
        "statsmodels_replicates": loop_replicates,
        "speedup": round(fast / slow, 1),
        "max_abs_difference_in_b": difference,
        "threads": 1,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    arguments = parser.parse_args()
    result = measure()
    if arguments.json:
        print(json.dumps(result))
    else:
        print(
            f"vectorized: {result['vectorized_per_s']:,} analyses/s; statsmodels loop: "
            f"{result['statsmodels_loop_per_s']:,}/s ({result['speedup']}x); "
            f"largest difference in b {result['max_abs_difference_in_b']:.1e}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
