"""Mutation testing of the modules whose mistakes change a published number.

``make mutation`` runs this script. It copies the library and the tests into a
scratch folder (``.state/mutation/``, so that nothing in the work tree changes),
runs ``mutmut`` there with the settings of ``[tool.mutmut]`` in
``pyproject.toml`` (which fast test files may kill a mutant: never a notebook
run), and prints, per module, how many mutants the tests killed, how many
survived or timed out, and the score: killed over every mutant not listed in
``mutation/equivalent.md`` (a mutant that cannot change behaviour, with the
reason). Survivors that are not listed are printed with their diff.

Usage::

    python mutation/run.py                   # every module, in order of importance
    python mutation/run.py evaluate.classification fairness.metrics
    python mutation/run.py --jobs 2 --minimum 90

The exit status is 1 when a module scores under ``--minimum`` (default 90) per cent.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".state" / "mutation"
EQUIVALENT = ROOT / "mutation" / "equivalent.md"
PACKAGE = "course_utils"

#: (short name, file under src/course_utils, functions in scope or None for all), in order
#: of importance. For the loaders only the parts that assign labels are in scope.
MODULES = [
    ("evaluate.classification", "evaluate/classification.py", None),
    ("fairness.metrics", "fairness/metrics.py", None),
    ("data._splits", "data/_splits.py", None),
    ("lessons.fairness_audit", "lessons/fairness_audit.py", None),
    ("fairness.mitigation", "fairness/mitigation.py", None),
    ("evaluate.uncertainty", "evaluate/uncertainty.py", None),
    ("book.records", "book/records.py", None),
    ("book.cache", "book/cache.py", None),
    ("data.fashion_mnist", "data/fashion_mnist.py",
     ["_read_idx", "read_fashion_mnist", "load_fashion_mnist"]),
    ("data.faces", "data/faces.py",
     ["age_group", "_parse_utkface", "_utkface_table", "load_utkface", "_read_fairface_csv",
      "load_fairface"]),
]
#: What the project copies into the scratch folder (mutmut copies tests/ and
#: pyproject.toml on into its own ``mutants/`` folder).
COPIED = ["src", "tests", "pyproject.toml", "_toc.yml", "notebooks"]
STATUSES = ("killed", "survived", "timeout", "no tests", "suspicious", "segfault", "not checked")


def mutant_prefix(module_file: str) -> str:
    """``course_utils.data._splits.`` for ``data/_splits.py``: how mutmut names its mutants."""
    return f"{PACKAGE}." + module_file.removesuffix(".py").replace("/", ".") + "."


def function_of(mutant: str, prefix: str) -> str:
    """The mutated function's name: ``x_split_indices__mutmut_3`` -> ``split_indices``;
    a method ``xǁRecordǁadd__mutmut_1`` -> ``Record.add``."""
    name = mutant.removeprefix(prefix).rsplit("__mutmut_", 1)[0]
    if name.startswith("xǁ"):
        return ".".join(part for part in name[2:].split("ǁ") if part)
    return name.removeprefix("x_")


def in_scope(mutant: str, prefix: str, functions: list[str] | None) -> bool:
    if not mutant.startswith(prefix):
        return False
    return functions is None or function_of(mutant, prefix).split(".")[-1] in functions


def equivalent_mutants(path: Path = EQUIVALENT) -> set[str]:
    """Mutant names listed in ``equivalent.md`` (each on a line starting with ``- `name```)."""
    if not path.is_file():
        return set()
    return set(re.findall(r"^- `([^`]+__mutmut_\d+)`", path.read_text(encoding="utf-8"), re.M))


def prepare(work: Path, fresh: bool) -> None:
    """Copy the project's library and tests into ``work`` (stale mutants removed)."""
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source, target = ROOT / name, work / name
        if target.is_dir():
            shutil.rmtree(target)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(
                "__pycache__", ".ipynb_checkpoints", "*.pyc"))
        elif source.is_file():
            shutil.copy2(source, target)


def mutmut(work: Path, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "mutmut"), *args]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg",
               TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore::DeprecationWarning")
    return subprocess.run(command, cwd=work, env=env, text=True, check=False,
                          capture_output=capture)


def results(work: Path) -> dict[str, str]:
    """``{mutant: status}`` of every mutant mutmut generated."""
    out = mutmut(work, "results", "--all", "true", capture=True)
    found = {}
    for line in out.stdout.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            found[name] = status
    return found


def table(statuses: dict[str, str], equivalent: set[str], modules) -> list[dict]:
    rows = []
    for short, module_file, functions in modules:
        prefix = mutant_prefix(module_file)
        mine = {m: s for m, s in statuses.items() if in_scope(m, prefix, functions)}
        counts = Counter(mine.values())
        listed = sorted(m for m in mine if m in equivalent)
        judged = len(mine) - len(listed)
        killed = sum(1 for m, s in mine.items() if s == "killed" and m not in equivalent)
        rows.append({
            "module": short, "mutants": len(mine), "killed": counts["killed"],
            "survived": counts["survived"], "timeout": counts["timeout"],
            "other": sum(counts[s] for s in counts if s not in ("killed", "survived", "timeout")),
            "equivalent": len(listed),
            "score": 100.0 * killed / judged if judged else 100.0,
            "open": sorted(m for m, s in mine.items() if s != "killed" and m not in equivalent),
        })
    return rows


def print_table(rows: list[dict]) -> None:
    head = (f"{'module':26} {'mutants':>7} {'killed':>7} {'survived':>8} {'timeout':>7} "
            f"{'other':>5} {'equiv.':>6} {'score':>7}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['module']:26} {r['mutants']:7d} {r['killed']:7d} {r['survived']:8d} "
              f"{r['timeout']:7d} {r['other']:5d} {r['equivalent']:6d} {r['score']:6.1f}%")
    print("score = killed / (mutants - equivalent); equivalent ones are listed, with the "
          "reason, in mutation/equivalent.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="short names (default: all, in order): "
                        + ", ".join(m[0] for m in MODULES))
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once")
    parser.add_argument("--minimum", type=float, default=90.0,
                        help="lowest acceptable score per module, in per cent")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the scratch folder's earlier results (mutmut's cache)")
    parser.add_argument("--report-only", action="store_true",
                        help="print the table of the last run without running mutmut")
    parser.add_argument("--quiet", action="store_true", help="no diffs of open survivors")
    args = parser.parse_args(argv)
    known = {m[0]: m for m in MODULES}
    unknown = [m for m in args.modules if m not in known]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; expected some of {list(known)}")
    chosen = [known[m] for m in args.modules] if args.modules else MODULES

    started = time.perf_counter()
    if not args.report_only:
        prepare(WORK, fresh=not args.keep)
        patterns = []
        for _, module_file, functions in chosen:
            prefix = mutant_prefix(module_file)
            if functions is None:
                patterns.append(prefix + "*")
            else:
                for function in functions:
                    patterns += [f"{prefix}x_{function}__mutmut_*",
                                 f"{prefix}xǁ*ǁ{function}__mutmut_*"]
        done = mutmut(WORK, "run", "--max-children", str(args.jobs), *patterns)
        if done.returncode != 0:
            print(f"mutmut run exited with {done.returncode}", file=sys.stderr)
            return done.returncode
    rows = table(results(WORK), equivalent_mutants(), chosen)
    print()
    print_table(rows)
    print(f"({time.perf_counter() - started:.0f} s)")
    if not args.quiet:
        for r in rows:
            for name in r["open"]:
                shown = mutmut(WORK, "show", name, capture=True).stdout.strip()
                print(f"\n{shown}")
    low = [r["module"] for r in rows if r["score"] < args.minimum]
    if low:
        print(f"\nunder {args.minimum:.0f}%: {', '.join(low)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
