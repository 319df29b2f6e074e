"""Benchmark: one smoke sweep three ways -- serially, on the local executor, on local Ray.

The same 4-run sweep (``01_optimizers --preset smoke -p seed 0,1,2,3`` by
default) runs with ``--force`` three times, each into its own temporary
results folder: one run at a time, the local process pool with 2 workers, and
Ray started here with 2 CPUs. It prints each one's wall time and its ratio to
the serial one, then Ray's own overhead: the start of the local Ray, and the
round trip of an empty task (the median of many, after a warm-up).

    .venv/bin/python benchmarks/bench_sweep.py
    .venv/bin/python benchmarks/bench_sweep.py --notebook 03_loss_functions --seeds 0,1
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from course_utils.book.layout import Layout
from course_utils.book.ray_executor import connect, run_on_ray
from course_utils.book.runner import run_plans
from course_utils.book.sweeps import parse_values, plan_sweep
from course_utils.paths import project_root


def _sweep(notebook: str, seeds: list[int], folder: Path, jobs: int, executor) -> float:
    layout = Layout.default(project_root(Path(__file__).parent), executed_dir=folder,
                            results_dir=folder)
    (sweep,) = plan_sweep([notebook], {"seed": seeds}, preset="smoke", layout=layout)
    started = time.perf_counter()
    outcomes = run_plans(sweep.plans, jobs=jobs, force=True, progress=False, execute=executor)
    seconds = time.perf_counter() - started
    failed = [f"{o.label}: {o.error}" for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"runs failed: {failed}")
    return seconds


def _task_overhead(ray, count: int) -> float:
    @ray.remote(num_cpus=1)
    def empty() -> None:
        return None

    ray.get([empty.remote() for _ in range(8)])  # workers up
    times = []
    for _ in range(count):
        started = time.perf_counter()
        ray.get(empty.remote())
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="01_optimizers")
    parser.add_argument("--seeds", default="0,1,2,3")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seeds = parse_values(args.seeds)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows.append(("serial (1 at a time)",
                     _sweep(args.notebook, seeds, tmp / "serial", 1, None)))
        rows.append((f"local executor, {args.workers} workers",
                     _sweep(args.notebook, seeds, tmp / "local", args.workers, None)))
        started = time.perf_counter()
        ray = connect(num_cpus=args.workers)
        ray_start = time.perf_counter() - started
        on_ray = lambda todo: run_on_ray(todo, progress=False)  # noqa: E731
        rows.append((f"Ray, local, {args.workers} CPUs",
                     _sweep(args.notebook, seeds, tmp / "ray", 1, on_ray)))
        overhead = _task_overhead(ray, 50)
        ray.shutdown()
    serial = rows[0][1]
    print(f"sweep: {args.notebook} --preset smoke -p seed {args.seeds} ({len(seeds)} runs), "
          f"{os.cpu_count()} cores")
    print(f"{'executor':<30}{'wall s':>9}{'vs serial':>11}")
    for name, seconds in rows:
        print(f"{name:<30}{seconds:>9.1f}{serial / seconds:>10.2f}x")
    print(f"Ray start (local, not in the wall times above): {ray_start:.1f} s")
    print(f"Ray round trip of an empty task (median of 50): {overhead * 1000:.1f} ms")


if __name__ == "__main__":
    main()
