"""``course-book``: list, run and build the lab book.

Heavy imports (papermill, jupyter-book, TensorFlow) happen inside the
commands, so ``course-book --help`` answers at once.

Examples
--------
``course-book list``
``course-book run 01_optimizers --preset smoke -p seed 3``
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
    run.add_argument("--preset", default=DEFAULT_PRESET,
                     help=f"smoke, quick or full (default: {DEFAULT_PRESET})")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"),
                     help="override a parameter; VALUE is parsed as YAML (3, true, [a, b])")
    run.add_argument("--timeout", type=int, default=None, metavar="SECONDS",
                     help="per-cell execution timeout (default: none)")
    run.add_argument("--jobs", type=int, default=1, metavar="N",
                     help="notebooks to run at once (default: 1)")
    run.add_argument("--force", action="store_true",
                     help="re-run notebooks even when nothing they depend on changed")
    run.add_argument("--executed-dir", type=Path, default=None,
                     help="where executed copies go (default: book/_executed)")
    run.add_argument("--results-dir", type=Path, default=None,
                     help="where results records go (default: results)")
    run.add_argument("--no-progress", action="store_true", help="hide the progress bars")

    build = commands.add_parser("build", help="build the HTML book from the executed copies")
    build.add_argument("--executed-dir", type=Path, default=None,
                       help="executed copies to publish (default: book/_executed)")
    build.add_argument("--results-dir", type=Path, default=None,
                       help="results records for the results page (default: results)")
    build.add_argument("--output-dir", type=Path, default=None,
                       help="folder that receives _build/html (default: the project folder)")
    return parser


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
    from .runner import plan_runs, run_plans

    overrides = {name: parse_value(value) for name, value in args.parameter}
    plans = plan_runs(args.notebooks, preset=args.preset, overrides=overrides,
                      timeout=args.timeout, layout=_layout(args))
    outcomes = run_plans(plans, jobs=args.jobs, force=args.force,
                         progress=not args.no_progress)
    failed = [o for o in outcomes if not o.ok]
    for outcome in outcomes:
        if outcome.status == "ran":
            print(f"{outcome.name}: ran in {outcome.seconds:.0f} s")
    for outcome in failed:
        print(f"FAILED {outcome.name}: {outcome.error}", file=sys.stderr)
        if outcome.failed_copy:
            print(f"  failed copy kept at {outcome.failed_copy}", file=sys.stderr)
        if outcome.log:
            print(f"  kernel log: {outcome.log}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} of {len(outcomes)} notebooks failed; earlier good executed copies "
              "were left untouched.", file=sys.stderr)
        return 1
    return 0


def _build(args: argparse.Namespace) -> int:
    from .build import build_book

    index = build_book(_layout(args), output_dir=args.output_dir)
    print(f"The book is at {index}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``course-book`` and ``python -m course_utils``."""
    args = build_parser().parse_args(argv)
    handlers = {"list": _list, "run": _run, "build": _build}
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
