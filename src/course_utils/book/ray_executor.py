"""Run plans as Ray tasks: on a local Ray or an existing cluster, no shared file system.

Each run is one Ray task. The task receives the notebook's source and the
project's ``_toc.yml`` from the driver, writes them into a temporary project on
its worker, executes the notebook there with papermill (the kernel is a fresh
process) and returns the executed copy, the results (record, predictions, the
notebook's folder) and the kernel's log as bytes. The driver then stages and
promotes them exactly as a local run does, so a record is written once, by the
driver, and only for a run that succeeded; a task whose worker died is retried
by Ray (``max_retries``) and its lost attempt wrote nothing the driver sees.

Data is read on the worker: an absolute ``data_dir`` must exist there, and a
relative one is looked up under the driver's project path on the worker (the
same checkout on every node) or its own ``data/`` folder.

GPUs: a run asks for the preset's ``num_gpus`` (``notebooks/presets.yml``,
fractions allowed) or ``gpus_per_run``. A run asking for more GPUs than the
whole cluster has is refused before anything is submitted, since Ray would
otherwise keep it pending forever.

Example
-------
>>> import ray  # doctest: +SKIP
>>> ray.init(num_cpus=2)  # doctest: +SKIP
>>> outcomes = run_on_ray(plan_runs(["01"], preset="smoke", beside=True))  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from .layout import Layout
from .runner import Outcome, RunPlan, execute_plan
from .staging import fresh_staging, promote

__all__ = ["run_on_ray", "connect", "MAX_RETRIES"]

#: Attempts Ray makes again at a run whose worker process died.
MAX_RETRIES = 2


def connect(address: str | None = None, *, num_cpus: int | None = None) -> Any:
    """Connect to Ray: the cluster at ``address``, else a local Ray (``num_cpus`` CPUs).

    An already initialised Ray (a test's ``ray.init(num_cpus=2)``) is used as it is.
    """
    try:
        import ray
    except ImportError:
        raise ParameterError("The Ray executor needs Ray: pip install -e '.[cluster]' "
                             "(the test lock has it).") from None
    if not ray.is_initialized():
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                   "configure_logging": False}
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=num_cpus, **options)
    return ray


def _relative_to(path: Path, root: Path, fallback: str) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return fallback


def _payload(plan: RunPlan) -> dict[str, Any]:
    """What a worker needs to run the plan: the plan and the files it reads, as bytes."""
    layout = plan.layout
    return {
        "plan": replace(plan, layout=None),
        "root": str(layout.root),
        "executed": _relative_to(layout.executed_dir, layout.root, "_executed"),
        "results": _relative_to(layout.results_dir, layout.root, "_results"),
        "run": layout.run,
        "files": {"_toc.yml": (layout.root / "_toc.yml").read_bytes(),
                  f"notebooks/{plan.name}.ipynb": layout.source(plan.name).read_bytes()},
    }


def _read_tree(folder: Path, skip: set[Path]) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(path == s or s in path.parents for s in skip):
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def run_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """Execute one run in a temporary project (on a Ray worker); return its outputs as bytes."""
    root = Path(tempfile.mkdtemp(prefix="course-book-run-"))
    try:
        for relative, content in payload["files"].items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(content)
        data = Path(payload["root"]) / "data"
        if data.is_dir():
            (root / "data").symlink_to(data)
        layout = Layout(root, root / payload["executed"], root / payload["results"],
                        run=payload["run"])
        plan = replace(payload["plan"], layout=layout)
        outcome = execute_plan(plan)
        log = layout.log(plan.name)
        out: dict[str, Any] = {"outcome": replace(outcome, failed_copy=None, log=None),
                               "log": log.read_bytes() if log.is_file() else b"",
                               "worker": os.uname().nodename, "pid": os.getpid()}
        if outcome.ok:
            copy = layout.executed(plan.name)
            skip = {copy, log.parent, layout.failed(plan.name).parent,
                    layout.staging(plan.name).parent}
            out["copy"] = copy.read_bytes()
            out["results"] = _read_tree(layout.results_dir, skip)
        elif outcome.failed_copy is not None and outcome.failed_copy.is_file():
            out["failed"] = outcome.failed_copy.read_bytes()
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _publish(plan: RunPlan, out: dict[str, Any]) -> Outcome:
    """Stage and promote a finished task's outputs on the driver; return its outcome."""
    layout = plan.layout
    outcome: Outcome = out["outcome"]
    log = layout.log(plan.name)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(out["log"])
    outcome.log = log
    if outcome.ok:
        staged = fresh_staging(layout, plan.name)
        for relative, content in out["results"].items():
            (staged / relative).parent.mkdir(parents=True, exist_ok=True)
            (staged / relative).write_bytes(content)
        copy = layout.executed(plan.name).with_name(f".{plan.name}.running.ipynb")
        copy.write_bytes(out["copy"])
        promote(layout, plan.name, copy)
        layout.failed(plan.name).unlink(missing_ok=True)
    elif "failed" in out:
        failed = layout.failed(plan.name)
        failed.parent.mkdir(parents=True, exist_ok=True)
        failed.write_bytes(out["failed"])
        outcome.failed_copy = failed
    outcome.extra.update(worker=out["worker"], pid=out["pid"])
    return outcome


def _gpus(plan: RunPlan, gpus_per_run: float | None) -> float:
    return float(gpus_per_run if gpus_per_run is not None else plan.num_gpus)


def _check_gpus(ray: Any, plans: Sequence[RunPlan], gpus_per_run: float | None) -> None:
    have = float(ray.cluster_resources().get("GPU", 0))
    for plan in plans:
        want = _gpus(plan, gpus_per_run)
        if want > have:
            raise ParameterError(
                f"Run {plan.label} asks for {want:g} GPU(s) but the Ray cluster has {have:g}; "
                "Ray would keep it waiting forever. Add GPU nodes, or pass --gpus-per-run 0 "
                "to run on CPUs.")


def run_on_ray(plans: Sequence[RunPlan], *, address: str | None = None,
               gpus_per_run: float | None = None, max_retries: int = MAX_RETRIES,
               progress: bool = True, num_cpus: int | None = None) -> list[Outcome]:
    """Execute every plan as a Ray task; return the outcomes in the plans' order.

    Parameters
    ----------
    plans : sequence of RunPlan
        From :func:`~.runner.plan_runs` (cached ones already left out).
    address : str, optional
        A running cluster (``ray start --head`` prints it); default a local Ray.
    gpus_per_run : float, optional
        GPUs each run asks for; default the preset's ``num_gpus`` (0 without).
    max_retries : int, default :data:`MAX_RETRIES`
        Attempts again at a run whose worker process died.
    progress : bool, default True
        One bar over the runs.
    num_cpus : int, optional
        CPUs of a local Ray started here (default: all).
    """
    from tqdm import tqdm

    plans = list(plans)
    if not plans:
        return []
    ray = connect(address, num_cpus=num_cpus)
    _check_gpus(ray, plans, gpus_per_run)
    task = ray.remote(run_payload)
    pending = {task.options(num_cpus=1, num_gpus=_gpus(plan, gpus_per_run),
                            max_retries=max_retries, name=plan.label).remote(_payload(plan)): i
               for i, plan in enumerate(plans)}
    outcomes: list[Outcome | None] = [None] * len(plans)
    started = time.time()
    with tqdm(total=len(plans), desc="runs (ray)", unit="run", disable=not progress) as bar:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            index = pending.pop(done[0])
            plan = plans[index]
            try:
                outcomes[index] = _publish(plan, ray.get(done[0]))
            except Exception as exc:  # the task itself failed (retries used up, say)
                outcomes[index] = Outcome(plan.name, "failed", time.time() - started,
                                          f"the Ray task failed: {type(exc).__name__}: {exc}",
                                          run_id=plan.run_id, label=plan.label)
            bar.set_postfix_str(plan.label)
            bar.update()
    return outcomes
