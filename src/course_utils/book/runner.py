"""Execute topic notebooks with papermill: presets, overrides, cache, staged results.

One run of a notebook goes:

1. resolve its parameters (the preset's values, then ``-p`` overrides) and
   refuse anything unknown before any notebook starts (:func:`plan_runs`);
2. skip it when nothing it depends on changed since its last good run
   (:mod:`~course_utils.book.cache`);
3. execute it into a temporary copy, with its results going to a staging
   folder (:mod:`~course_utils.book.staging`);
4. only when it succeeded and wrote its record: stamp the copy (run box,
   fingerprint, project-relative paths; :mod:`~course_utils.book.executed`)
   and promote the results and the copy together.

A failed copy is kept apart for inspection (``<executed>/failed/``); the last
good executed copy, record and predictions are left exactly as they were.

Example
-------
>>> plans = plan_runs(["01_optimizers"], preset="smoke")
>>> plans[0].name, plans[0].parameters["preset"]
('01_optimizers', 'smoke')
>>> outcomes = run_plans(plans)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from .._checks import check_choice, fail
from ..errors import ParameterError
from ._files import write_json_atomic
from .cache import fingerprint, is_cached, package_digest
from .executed import relative_metadata, stamp_copy
from .layout import Layout
from .notebooks import (
    PRESETS,
    load_presets,
    notebook_names,
    notebook_parameters,
    parse_value,
    resolve_names,
)
from .staging import fresh_staging, promote

__all__ = ["KERNEL_NAME", "BACKENDS", "RESOURCE_KEYS", "RunPlan", "Outcome", "default_backend",
           "run_id", "plan_runs", "run_plans", "execute_plan"]

#: The Jupyter kernel every notebook runs on (``make setup`` installs it).
KERNEL_NAME = "lab-book"
#: The Keras backends a run can use (``--backend``, else ``$KERAS_BACKEND``).
BACKENDS = ("tensorflow", "jax")
#: Keys a preset may give that are not notebook parameters but what one run of it
#: asks of a scheduler: ``num_gpus`` (fractions allowed) for the Ray executor.
RESOURCE_KEYS = ("num_gpus",)
#: Characters a parameter value may have to appear as itself in a run id.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


@dataclass(frozen=True)
class RunPlan:
    """One notebook to execute, with its resolved parameters."""

    name: str
    preset: str
    parameters: dict[str, Any]
    layout: Layout
    timeout: int | None = None
    fingerprint: str = ""
    backend: str = "tensorflow"
    run_id: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    num_gpus: float = 0.0

    @property
    def label(self) -> str:
        """``<notebook>`` for a page run, ``<notebook>/<run id>`` for a run beside it."""
        return self.name if self.layout.run is None else f"{self.name}/{self.run_id}"


@dataclass
class Outcome:
    """What happened to one notebook: ``status`` is "ran", "cached" or "failed"."""

    name: str
    status: str
    seconds: float = 0.0
    error: str = ""
    failed_copy: Path | None = None
    log: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    run_id: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        self.label = self.label or self.name

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def default_backend() -> str:
    """``$KERAS_BACKEND`` when set, else ``"tensorflow"``."""
    return os.environ.get("KERAS_BACKEND") or "tensorflow"


def run_id(preset: str, overrides: Mapping[str, Any], backend: str = "tensorflow") -> str:
    """The stable id of a run: its preset, then each override as ``+name=value``.

    Values made of letters, digits and ``._-`` that read back as themselves
    (``-p`` parses values as YAML) appear as themselves, sorted by name; any
    other value (a list, the string ``"1"``) makes the id ``<preset>+<hash>``
    of all the overrides instead, so two different runs never share an id. A backend other than
    TensorFlow is part of the id.

    >>> run_id("smoke", {"seed": 3, "bias": 0.5})
    'smoke+bias=0.5+seed=3'
    >>> run_id("quick", {})
    'quick'
    >>> run_id("smoke", {"seed": 1}, "jax")
    'smoke+backend=jax+seed=1'
    >>> run_id("smoke", {"optimizers": ["sgd", "adam"]})
    'smoke+5e047bcb40'
    """
    values = dict(overrides)
    if backend != "tensorflow":
        values["backend"] = backend
    shown = {k: json.dumps(v) if isinstance(v, bool) or v is None else str(v)
             for k, v in sorted(values.items())}
    # readable only where the text reads back (as YAML, like -p) as the very value
    if all(text and set(text) <= _PLAIN and parse_value(text) == values[k]
           and type(parse_value(text)) is type(values[k]) for k, text in shown.items()) \
            and sum(map(len, shown.values())) <= 80:
        return "+".join([preset, *(f"{k}={text}" for k, text in shown.items())])
    digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode())
    return f"{preset}+{digest.hexdigest()[:10]}"


def _check_overrides(name: str, defaults: Mapping[str, Any], preset: str,
                     preset_values: Mapping[str, Any], overrides: Mapping[str, Any],
                     layout: Layout) -> None:
    known = list(defaults)
    unknown = sorted(set(preset_values) - set(defaults) - set(RESOURCE_KEYS))
    if unknown:
        raise ParameterError(
            f"notebooks/{layout.presets_file.name} gives notebook {name!r} the parameter(s) "
            f"{', '.join(map(repr, unknown))} in its {preset!r} preset, which the notebook "
            f"does not have. Its parameters: {', '.join(known)}.")
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        raise fail("overrides", "plan_runs",
                   f"parameters of notebook {name!r}, each one of {known}",
                   unknown[0] if len(unknown) == 1 else unknown, hint="(given with -p)")


def plan_runs(names: Sequence[str] | None = None, *, preset: str = "quick",
              overrides: Mapping[str, Any] | None = None, timeout: int | None = None,
              layout: Layout | None = None, backend: str | None = None,
              beside: bool = False) -> list[RunPlan]:
    """Resolve and check everything before any notebook runs.

    Parameters
    ----------
    names : sequence of str, optional
        Notebook stems (or unique prefixes); default: every notebook, in
        ``_toc.yml`` order.
    preset : {"smoke", "quick", "full"}, default "quick"
    overrides : mapping, optional
        Parameter values that win over the preset's (``-p NAME VALUE``).
    timeout : int, optional
        Per-cell execution timeout in seconds.
    layout : Layout, optional
        Default: the project found from the working directory.
    backend : {"tensorflow", "jax"}, optional
        The Keras backend the kernel runs on (``$KERAS_BACKEND`` is set for it);
        default :func:`default_backend`.
    beside : bool, default False
        Run beside the page: the executed copy and the results go to the run's
        own folder ``results/runs/<notebook>/<run id>/`` (:func:`run_id`), so
        the run the book publishes is never overwritten. False: the page run.

    Raises
    ------
    ParameterError
        For an unknown notebook, preset or parameter, listing the valid ones.
    """
    layout = layout or Layout.default()
    check_choice(preset, "preset", "plan_runs", PRESETS)
    backend = check_choice(backend or default_backend(), "backend", "plan_runs", BACKENDS)
    known = notebook_names(layout)
    selected = resolve_names(names, known) if names else known
    presets = load_presets(layout)
    overrides = dict(overrides or {})
    library = package_digest()
    plans = []
    for name in selected:
        defaults = notebook_parameters(layout.source(name))
        preset_values = dict((presets.get(name) or {}).get(preset) or {})
        _check_overrides(name, defaults, preset, preset_values, overrides, layout)
        resources = {k: preset_values.pop(k) for k in RESOURCE_KEYS if k in preset_values}
        parameters = {**preset_values, **overrides}
        if "preset" in defaults:
            parameters["preset"] = preset
        stamp = fingerprint(name, preset, {**defaults, **parameters}, layout, library=library,
                            backend=backend)
        identity = run_id(preset, overrides, backend)
        plans.append(RunPlan(
            name=name, preset=preset, parameters=parameters,
            layout=layout.for_run(name, identity) if beside else layout, timeout=timeout,
            fingerprint=stamp, backend=backend, run_id=identity, overrides=dict(overrides),
            num_gpus=float(resources.get("num_gpus", 0))))
    return plans


def _failure_summary(exc: BaseException) -> str:
    cell = getattr(exc, "exec_count", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    where = (f"cell [{cell}] (numbered as in the failed copy)" if cell is not None
             else "before any cell ran")
    return f"{where}: {ename}: {evalue}".strip()


def execute_plan(plan: RunPlan, progress: bool = False) -> Outcome:
    """Run one plan now, in this process, with its results going to staging and promoted
    when it succeeds (what each local worker and each Ray task does)."""
    layout = plan.layout
    layout.executed_dir.mkdir(parents=True, exist_ok=True)
    staged = fresh_staging(layout, plan.name)
    saved_env = dict(os.environ)
    os.environ["COURSE_BOOK_RESULTS"] = str(staged)  # the kernel inherits it
    os.environ["KERAS_BACKEND"] = plan.backend  # read when the kernel first imports Keras
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    # On a GPU, take memory as needed rather than all of it, so that runs can share one
    # (--jobs 2, Ray's fractional num_gpus); no effect on a CPU.
    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    if os.environ.get("MPLBACKEND", "").lower() == "agg":
        del os.environ["MPLBACKEND"]  # kernels draw inline, so figures reach the page
    try:
        with _kernel_output_to(layout.log(plan.name)):
            outcome = _execute_in_env(plan, progress, staged)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
    outcome.log = layout.log(plan.name)
    outcome.run_id, outcome.label = plan.run_id, plan.label
    return outcome


@contextlib.contextmanager
def _kernel_output_to(log: Path) -> Iterator[None]:
    """Send file descriptor 2 (which the kernel process inherits) to ``log``.

    The terminal keeps the progress bars: Python's ``sys.stderr`` is pointed at
    a copy of the original descriptor while the kernel's C++ start-up lines,
    TensorFlow warnings and Jupyter's notices go to the per-notebook log.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    terminal = os.fdopen(os.dup(saved), "w", buffering=1)
    python_stderr = sys.stderr
    with open(log, "wb") as handle:
        os.dup2(handle.fileno(), 2)
    sys.stderr = terminal
    try:
        yield
    finally:
        sys.stderr = python_stderr
        os.dup2(saved, 2)
        os.close(saved)
        terminal.close()


def _keep_failed(plan: RunPlan, tmp: Path) -> Path | None:
    """Move the temporary copy of a failed run to the failed folder; return its path."""
    import nbformat

    failed = plan.layout.failed(plan.name)
    failed.parent.mkdir(parents=True, exist_ok=True)
    if not tmp.exists():
        return failed if failed.exists() else None
    try:
        nb = nbformat.read(tmp, as_version=4)
        relative_metadata(nb, plan.layout, plan.name)
        nbformat.write(nb, tmp)
    except Exception:  # an unreadable copy is still worth keeping as it is
        pass
    os.replace(tmp, failed)
    return failed


def _execute_in_env(plan: RunPlan, progress: bool, staged: Path) -> Outcome:
    import nbformat
    import papermill as pm

    layout = plan.layout
    tmp = layout.executed(plan.name).with_name(f".{plan.name}.running.ipynb")
    started = time.time()
    try:
        pm.execute_notebook(
            str(layout.source(plan.name)), str(tmp), parameters=plan.parameters,
            kernel_name=KERNEL_NAME, cwd=str(layout.notebooks_dir), progress_bar=progress,
            execution_timeout=plan.timeout, request_save_on_cell_execute=False,
            log_output=False)
    except BaseException as exc:  # papermill wraps cell errors; keep the copy either way
        return Outcome(plan.name, "failed", time.time() - started, _failure_summary(exc),
                       _keep_failed(plan, tmp))
    record_path = staged / f"{plan.name}.json"
    if not record_path.is_file():
        return Outcome(plan.name, "failed", time.time() - started,
                       f"the notebook ran but wrote no results record ({plan.name}.json); "
                       "it must call record.save()", _keep_failed(plan, tmp))
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["fingerprint"] = plan.fingerprint
    record["run_id"] = plan.run_id
    record["overrides"] = plan.overrides
    write_json_atomic(record_path, record)
    nb = nbformat.read(tmp, as_version=4)
    stamp_copy(nb, record, layout=layout, name=plan.name, preset=plan.preset,
               stamp=plan.fingerprint)
    nbformat.write(nb, tmp)
    promote(layout, plan.name, tmp)
    layout.failed(plan.name).unlink(missing_ok=True)
    return Outcome(plan.name, "ran", time.time() - started)


def _execute_all(todo: list[RunPlan], jobs: int, progress: bool) -> list[Outcome]:
    """Execute the plans (``jobs`` at a time); return their outcomes in the plans' order."""
    from tqdm import tqdm  # plain text bars: no ipywidgets needed in notebooks

    outcomes: list[Outcome | None] = [None] * len(todo)
    bar = tqdm(total=len(todo), desc="notebooks", unit="nb", disable=not progress or not todo,
               position=0)
    if jobs <= 1 or len(todo) <= 1:
        for index, plan in enumerate(todo):
            bar.set_postfix_str(plan.label)
            outcomes[index] = execute_plan(plan, progress)
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(execute_plan, plan, False): i for i, plan in enumerate(todo)}
            for future in as_completed(futures):
                outcome = future.result()
                outcomes[futures[future]] = outcome
                bar.set_postfix_str(outcome.label)
                bar.update()
    bar.close()
    return outcomes


def run_plans(plans: Iterable[RunPlan], *, jobs: int = 1, force: bool = False,
              progress: bool = True, echo: Callable[[str], Any] = print,
              execute: Callable[[list[RunPlan]], list[Outcome]] | None = None
              ) -> list[Outcome]:
    """Execute the plans (cached ones skipped unless ``force``); return one outcome each.

    Parameters
    ----------
    plans : iterable of RunPlan
        From :func:`plan_runs`.
    jobs : int, default 1
        Notebooks to run at once (worker processes).
    force : bool, default False
        Execute even the notebooks whose inputs did not change.
    progress : bool, default True
        Show progress bars (per notebook, and papermill's per cell when ``jobs=1``).
    echo : callable, default print
        Receives one line per skipped notebook.
    execute : callable, optional
        Runs the plans that are not cached and returns their outcomes in order;
        default: ``jobs`` local worker processes. The Ray executor
        (:func:`~.ray_executor.run_on_ray`) is one.
    """
    plans = list(plans)
    cached = [not force and is_cached(plan.name, plan.fingerprint, plan.layout)
              for plan in plans]
    for plan, skip in zip(plans, cached, strict=True):
        if skip:
            echo(f"{plan.label}: unchanged since its last good run, skipped (--force re-runs)")
    todo = [p for p, skip in zip(plans, cached, strict=True) if not skip]
    ran = iter(execute(todo) if execute is not None else _execute_all(todo, jobs, progress))
    return [Outcome(plan.name, "cached", run_id=plan.run_id, label=plan.label) if skip
            else next(ran) for plan, skip in zip(plans, cached, strict=True)]
