"""``course-book``: list, run and build the lab book.

Heavy imports (papermill, jupyter-book, TensorFlow) happen inside the
commands, so ``course-book --help`` answers at once.

Examples
--------
``course-book list``
``course-book run 01_optimizers --preset smoke -p seed 3`` (a run beside the page)
``course-book sweep 01_optimizers --preset smoke -p seed 0,1,2``
``course-book sweep 01 04 --preset smoke -p seed 0,1 --executor ray``
``course-book compare 01_optimizers 01_optimizers/smoke+seed=1``
``course-book build``
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import CourseUtilsError

__all__ = ["DEFAULT_PRESET", "main", "build_parser"]

#: The preset ``course-book run`` uses when none is given (``make book`` relies on it).
DEFAULT_PRESET = "quick"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course-book",
        description="Run the lab book's notebooks with papermill and build the HTML book.")
    parser.add_argument("--root", type=Path, default=None,
                        help="project folder (default: the one holding _toc.yml above here)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("list", help="show the notebooks, their parameters and presets")

    run = commands.add_parser("run", help="execute notebooks into their executed copies")
    run.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                     help="notebook stems, e.g. 01_optimizers (default: all, in _toc.yml order)")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"),
                     help="override a parameter; VALUE is parsed as YAML (3, true, [a, b]); "
                          "the run then goes beside the page, under results/runs/")
    run.add_argument("--publish", action="store_true",
                     help="with -p: make this run the notebook's page run (replacing it)")
    _run_options(run)

    sweep = commands.add_parser(
        "sweep", help="run notebooks over a grid of parameter values, beside their pages")
    sweep.add_argument("notebooks", nargs="+", metavar="NOTEBOOK",
                       help="notebook stems or unique prefixes, e.g. 01_optimizers")
    sweep.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                       metavar=("NAME", "VALUES"),
                       help="a swept parameter and its comma-separated values (0,1,2); "
                            "the runs are the product of all -p")
    sweep.add_argument("--grid", type=Path, default=None, metavar="FILE.yml",
                       help="a YAML mapping of parameters to value lists (with or instead of -p)")
    _run_options(sweep)

    compare = commands.add_parser("compare", help="two runs' parameters and metrics side by side")
    compare.add_argument("runs", nargs=2, metavar="RUN",
                         help="NOTEBOOK (its page run), NOTEBOOK/RUN_ID, or a record's .json path")
    compare.add_argument("--results-dir", type=Path, default=None,
                         help="where results records are (default: results)")

    build = commands.add_parser("build", help="build the HTML book from the executed copies")
    build.add_argument("--executed-dir", type=Path, default=None,
                       help="executed copies to publish (default: book/_executed)")
    build.add_argument("--results-dir", type=Path, default=None,
                       help="results records for the results page (default: results)")
    build.add_argument("--output-dir", type=Path, default=None,
                       help="folder that receives _build/html (default: the project folder)")
    return parser


def _run_options(command: argparse.ArgumentParser) -> None:
    """The options ``run`` and ``sweep`` share."""
    from .runner import BACKENDS

    command.add_argument("--preset", default=DEFAULT_PRESET,
                         help=f"smoke, quick or full (default: {DEFAULT_PRESET})")
    command.add_argument("--backend", choices=BACKENDS, default=None,
                         help="Keras backend of the kernels (default: $KERAS_BACKEND, "
                              "else tensorflow)")
    command.add_argument("--timeout", type=int, default=None, metavar="SECONDS",
                         help="per-cell execution timeout (default: none)")
    command.add_argument("--jobs", type=int, default=1, metavar="N",
                         help="runs at once with the local executor (default: 1)")
    command.add_argument("--executor", choices=("local", "ray"), default="local",
                         help="local worker processes (default) or Ray tasks")
    command.add_argument("--address", default=None,
                         help="with --executor ray: a running cluster (default: a local Ray)")
    command.add_argument("--gpus-per-run", type=float, default=None, metavar="N",
                         help="with --executor ray: GPUs per run, fractions allowed "
                              "(default: the preset's num_gpus, else 0)")
    command.add_argument("--max-retries", type=int, default=None, metavar="N",
                         help="with --executor ray: attempts again at a run whose worker died")
    command.add_argument("--force", action="store_true",
                         help="re-run even when nothing a run depends on changed")
    command.add_argument("--executed-dir", type=Path, default=None,
                         help="where page runs' executed copies go (default: book/_executed)")
    command.add_argument("--results-dir", type=Path, default=None,
                         help="where results records go (default: results)")
    command.add_argument("--no-progress", action="store_true", help="hide the progress bars")


def _executor(args: argparse.Namespace):
    """None for the local process pool, else a function running plans on Ray."""
    if args.executor == "local":
        return None
    from functools import partial

    from .ray_executor import MAX_RETRIES, run_on_ray

    retries = MAX_RETRIES if args.max_retries is None else args.max_retries
    return partial(run_on_ray, address=args.address, gpus_per_run=args.gpus_per_run,
                   max_retries=retries, progress=not args.no_progress)


def _execute_and_report(plans, args: argparse.Namespace) -> int:
    from .runner import run_plans

    outcomes = run_plans(plans, jobs=args.jobs, force=args.force,
                         progress=not args.no_progress, execute=_executor(args))
    failed = [o for o in outcomes if not o.ok]
    for plan, outcome in zip(plans, outcomes, strict=True):
        if outcome.status == "ran":
            where = "" if plan.layout.run is None else f" -> {_shown(plan.layout.executed_dir)}"
            print(f"{outcome.label}: ran in {outcome.seconds:.0f} s{where}")
    for outcome in failed:
        print(f"FAILED {outcome.label}: {outcome.error}", file=sys.stderr)
        if outcome.failed_copy:
            print(f"  failed copy kept at {outcome.failed_copy}", file=sys.stderr)
        if outcome.log:
            print(f"  kernel log: {outcome.log}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} of {len(outcomes)} runs failed; earlier good executed copies "
              "were left untouched.", file=sys.stderr)
        return 1
    return 0


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _layout(args: argparse.Namespace):
    from .layout import Layout

    return Layout.default(args.root, executed_dir=getattr(args, "executed_dir", None),
                          results_dir=getattr(args, "results_dir", None))


def _list(args: argparse.Namespace) -> int:
    from .notebooks import PRESETS, load_presets, notebook_names, notebook_parameters

    layout = _layout(args)
    presets = load_presets(layout)
    for name in notebook_names(layout):
        params = notebook_parameters(layout.source(name))
        print(f"{name}")
        print(f"  parameters: {', '.join(f'{k}={v!r}' for k, v in params.items())}")
        for preset in PRESETS:
            values = (presets.get(name) or {}).get(preset) or {}
            shown = ", ".join(f"{k}={v!r}" for k, v in values.items()) or "(defaults)"
            print(f"  {preset:>5}: {shown}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from .notebooks import parse_value
    from .runner import plan_runs

    overrides = {name: parse_value(value) for name, value in args.parameter}
    plans = plan_runs(args.notebooks, preset=args.preset, overrides=overrides,
                      timeout=args.timeout, layout=_layout(args), backend=args.backend,
                      beside=bool(overrides) and not args.publish)
    return _execute_and_report(plans, args)


def _sweep(args: argparse.Namespace) -> int:
    from .sweeps import load_grid, parse_grid, plan_sweep

    grid = {**(load_grid(args.grid) if args.grid else {}), **parse_grid(args.parameter)}
    layout = _layout(args)
    sweeps = plan_sweep(args.notebooks, grid, preset=args.preset, layout=layout,
                        backend=args.backend, timeout=args.timeout)
    for sweep in sweeps:
        sweep.save(layout)
        print(f"sweep {sweep.id}: {len(sweep.plans)} runs of {sweep.name}")
    return _execute_and_report([plan for sweep in sweeps for plan in sweep.plans], args)


def _compare(args: argparse.Namespace) -> int:
    from .compare import compare_table, find_record

    layout = _layout(args)
    first, second = (find_record(ref, layout) for ref in args.runs)
    print(compare_table(first, second, labels=args.runs))
    return 0


def _build(args: argparse.Namespace) -> int:
    from .build import build_book

    index = build_book(_layout(args), output_dir=args.output_dir)
    print(f"The book is at {index}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``course-book`` and ``python -m course_utils``."""
    args = build_parser().parse_args(argv)
    handlers = {"list": _list, "run": _run, "sweep": _sweep, "compare": _compare,
                "build": _build}
    try:
        return handlers[args.command](args)
    except CourseUtilsError as exc:
        print(f"course-book {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; executed copies from before this run are untouched", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
