"""Benchmark: a cold book build against a cached one.

Runs every notebook with ``--force`` (cold: everything executes) and builds the
site, then runs and builds again with nothing changed (cached: the runner skips
every notebook). Executed copies and results go to a temporary folder, so the
book in ``book/_executed`` is left alone.

    .venv/bin/python benchmarks/bench_book.py            # quick preset (minutes)
    .venv/bin/python benchmarks/bench_book.py --preset smoke
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from course_utils.book.build import build_book
from course_utils.book.layout import Layout
from course_utils.book.results_page import load_records
from course_utils.book.runner import plan_runs, run_plans
from course_utils.paths import project_root


def _timed_book(layout: Layout, preset: str, jobs: int, force: bool, out: Path):
    started = time.perf_counter()
    outcomes = run_plans(plan_runs(None, preset=preset, layout=layout), jobs=jobs,
                         force=force, progress=False, echo=lambda *_: None)
    failed = [o.name for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"notebooks failed: {failed}")
    build_book(layout, output_dir=out)
    ran = sum(o.status == "ran" for o in outcomes)
    return time.perf_counter() - started, ran, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="quick")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        layout = Layout.default(project_root(Path(__file__).parent),
                                executed_dir=tmp / "executed", results_dir=tmp / "results")
        cold, cold_ran, outcomes = _timed_book(layout, args.preset, args.jobs, True, tmp)
        warm, warm_ran, _ = _timed_book(layout, args.preset, args.jobs, False, tmp)
        records = load_records(layout.results_dir)
    total = len(outcomes)
    print(f"book build, preset {args.preset}, {os.cpu_count()} cores, jobs {args.jobs}")
    print(f"{'notebook (cold run)':<26}{'seconds':>10}{'kernel peak MiB':>18}")
    for outcome in outcomes:
        peak = records.get(outcome.name, {}).get("peak_memory_mb")
        print(f"{outcome.name:<26}{outcome.seconds:>10.1f}"
              f"{peak if peak is not None else 'n/a':>18}")
    peaks = [r["peak_memory_mb"] for r in records.values() if r.get("peak_memory_mb")]
    if peaks:
        print(f"largest kernel peak: {max(peaks) / 1024:.2f} GiB")
    print(f"{'run':<8}{'notebooks executed':>20}{'seconds':>10}")
    print(f"{'cold':<8}{f'{cold_ran}/{total}':>20}{cold:>10.1f}")
    print(f"{'cached':<8}{f'{warm_ran}/{total}':>20}{warm:>10.1f}")
    print(f"cached build is {cold / warm:.1f}x faster than the cold one")


if __name__ == "__main__":
    main()
