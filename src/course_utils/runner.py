"""Execute topic notebooks with papermill: presets, overrides, cache, safe writes.

One run of a notebook goes: resolve its parameters (the preset's values, then
``-p`` overrides), refuse anything unknown before starting, skip it when
nothing it depends on changed since its last good run, execute it into a
temporary file, and only on success stamp it with the run's environment box
and rename it over the previous executed copy. A failed copy is kept apart for
inspection and the good copy is left as it was.

Example
-------
>>> plans = plan_runs(["01_optimizers"], preset="smoke")  # doctest: +SKIP
>>> outcomes = run_plans(plans)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import yaml

from .errors import ParameterError
from .paths import project_root

__all__ = [
    "PRESETS", "KERNEL_NAME", "Layout", "RunPlan", "Outcome", "notebook_names", "load_presets",
    "notebook_parameters", "parse_value", "plan_runs", "run_plans", "environment_box",
]

PRESETS = ("smoke", "quick", "full")
KERNEL_NAME = "lab-book"
_META_KEY = "lab_book"


@dataclass(frozen=True)
class Layout:
    """Where sources, presets, executed copies and results live."""

    root: Path
    executed_dir: Path
    results_dir: Path

    @classmethod
    def default(cls, root: Path | None = None, *, executed_dir: Path | None = None,
                results_dir: Path | None = None) -> Layout:
        root = Path(root) if root is not None else project_root()
        return cls(root=root,
                   executed_dir=Path(executed_dir or root / "book" / "_executed"),
                   results_dir=Path(results_dir or os.environ.get("COURSE_BOOK_RESULTS")
                                    or root / "results"))

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def presets_file(self) -> Path:
        return self.notebooks_dir / "presets.yml"

    def source(self, name: str) -> Path:
        return self.notebooks_dir / f"{name}.ipynb"

    def executed(self, name: str) -> Path:
        return self.executed_dir / f"{name}.ipynb"

    def failed(self, name: str) -> Path:
        return self.executed_dir / "failed" / f"{name}.ipynb"


@dataclass(frozen=True)
class RunPlan:
    """One notebook to execute, with its resolved parameters."""

    name: str
    preset: str
    parameters: dict[str, Any]
    layout: Layout
    timeout: int | None = None
    fingerprint: str = ""


@dataclass
class Outcome:
    """What happened to one notebook."""

    name: str
    status: str  # "ran", "cached" or "failed"
    seconds: float = 0.0
    error: str = ""
    failed_copy: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def notebook_names(layout: Layout) -> list[str]:
    """Return the topic notebooks in ``_toc.yml`` order (stems under ``notebooks/``)."""
    toc = yaml.safe_load((layout.root / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            entry = node.get("file")
            if isinstance(entry, str) and entry.startswith("notebooks/"):
                names.append(Path(entry).stem)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return names


def load_presets(layout: Layout) -> dict[str, dict[str, dict[str, Any]]]:
    """Read ``notebooks/presets.yml``: notebook -> preset -> parameters."""
    data = yaml.safe_load(layout.presets_file.read_text(encoding="utf-8")) or {}
    for name, presets in data.items():
        missing = [p for p in PRESETS if p not in (presets or {})]
        if missing:
            raise ParameterError(
                f"{layout.presets_file} gives notebook {name!r} no {', '.join(missing)} preset; "
                f"every notebook needs {', '.join(PRESETS)} (an empty mapping means the "
                "notebook's defaults).")
    return data


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Return the names and default values of a notebook's ``parameters`` cell."""
    import ast

    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            values: dict[str, Any] = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        if isinstance(target, ast.Name):
                            try:
                                values[target.id] = ast.literal_eval(node.value)
                            except ValueError:
                                values[target.id] = ast.unparse(node.value)
            return values
    raise ParameterError(
        f"{path} has no cell tagged 'parameters'; tag the cell that holds its defaults.")


def parse_value(text: str) -> Any:
    """Parse a ``-p`` value as papermill does: YAML scalars, lists and mappings."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _resolve_names(requested: Sequence[str], known: Sequence[str]) -> list[str]:
    resolved = []
    for raw in requested:
        stem = Path(raw).stem
        matches = [k for k in known if k == stem] or [k for k in known if k.startswith(stem)]
        if len(matches) != 1:
            raise ParameterError(
                f"Unknown notebook {raw!r}. Valid notebooks: {', '.join(known)}.")
        resolved.append(matches[0])
    return resolved


def _package_digest() -> str:
    """Hash of course_utils' sources: a changed library re-runs every notebook."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*")):
        if path.suffix in {".py", ".yml"} and path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _data_digest(data_dir: Any, root: Path) -> str:
    """Names, sizes and modification times of every file under ``data_dir``."""
    if not data_dir:
        return "embedded"
    folder = Path(str(data_dir)).expanduser()
    folder = folder if folder.is_absolute() or folder.exists() else root / folder
    if not folder.exists():
        return f"missing:{folder}"
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for filename in sorted(filenames):
            stat = os.stat(os.path.join(dirpath, filename))
            digest.update(f"{dirpath}/{filename}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _fingerprint(name: str, preset: str, parameters: Mapping[str, Any], layout: Layout) -> str:
    digest = hashlib.sha256()
    digest.update(layout.source(name).read_bytes())
    digest.update(json.dumps({"preset": preset, "parameters": parameters},
                             sort_keys=True, default=str).encode())
    digest.update(_package_digest().encode())
    digest.update(_data_digest(parameters.get("data_dir"), layout.root).encode())
    return digest.hexdigest()


def plan_runs(names: Sequence[str] | None = None, *, preset: str = "quick",
              overrides: Mapping[str, Any] | None = None, timeout: int | None = None,
              layout: Layout | None = None) -> list[RunPlan]:
    """Resolve and check everything before any notebook runs.

    Raises
    ------
    ParameterError
        For an unknown notebook, preset or parameter, listing the valid ones.
    """
    layout = layout or Layout.default()
    if preset not in PRESETS:
        raise ParameterError(f"Unknown preset {preset!r}. Valid presets: {', '.join(PRESETS)}.")
    known = notebook_names(layout)
    selected = _resolve_names(names, known) if names else known
    presets = load_presets(layout)
    overrides = dict(overrides or {})
    plans = []
    for name in selected:
        defaults = notebook_parameters(layout.source(name))
        preset_values = dict((presets.get(name) or {}).get(preset) or {})
        for source, values in (("preset " + preset, preset_values), ("-p", overrides)):
            unknown = sorted(set(values) - set(defaults))
            if unknown:
                raise ParameterError(
                    f"Notebook {name!r} has no parameter {', '.join(map(repr, unknown))} "
                    f"(from {source}). Its parameters: {', '.join(defaults)}.")
        parameters = {**preset_values, **overrides}
        if "preset" in defaults:
            parameters["preset"] = preset
        resolved = {**defaults, **parameters}
        plans.append(RunPlan(name=name, preset=preset, parameters=parameters, layout=layout,
                             timeout=timeout,
                             fingerprint=_fingerprint(name, preset, resolved, layout)))
    return plans


def _cached(plan: RunPlan) -> bool:
    """True when the executed copy and the record both come from a run with this fingerprint.

    Checking both matters: a run with other parameters (a smoke test, say) may
    have replaced the record while the executed copy stayed.
    """
    executed = plan.layout.executed(plan.name)
    record = plan.layout.results_dir / f"{plan.name}.json"
    try:
        meta = json.loads(executed.read_text(encoding="utf-8"))["metadata"].get(_META_KEY, {})
        stamp = json.loads(record.read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError, KeyError):
        return False
    return meta.get("fingerprint") == stamp == plan.fingerprint


def _hide_default_injection(nb) -> None:
    """Hide papermill's injected cell when it only restates the preset's name.

    The run box at the top already lists every parameter in force; the
    injected cell stays visible when it carries real overrides.
    """
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            lines = [line for line in cell.source.splitlines()
                     if line.strip() and not line.startswith("#")]
            if all(line.startswith("preset =") for line in lines):
                cell.metadata["tags"] = [*tags, "remove-cell"]


def environment_box(record: Mapping[str, Any]) -> str:
    """Return the MyST markdown of a page's run box, built from its results record."""
    params = record.get("parameters", {})
    shown = ", ".join(f"`{k}={v!r}`" for k, v in params.items())
    versions = record.get("versions", {})
    libraries = ", ".join(f"{k} {v}" for k, v in versions.items()
                          if k in {"python", "keras", "tensorflow-cpu", "tensorflow", "numpy",
                                   "scikit-learn", "aif360", "course-utils"})
    minutes, seconds = divmod(float(record.get("wall_seconds") or 0.0), 60)
    return "\n".join([
        "```{admonition} This run",
        ":class: note",
        "",
        "| preset | dataset | seed | device | wall time |",
        "|---|---|---|---|---|",
        f"| {record.get('preset')} | {record.get('dataset')} | {record.get('seed')} | "
        f"{record.get('device')} | {int(minutes)} min {seconds:.0f} s |",
        "",
        f"**Parameters:** {shown}",
        "",
        f"**Libraries:** {libraries}",
        "```",
    ])


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _failure_summary(exc: BaseException) -> str:
    cell = getattr(exc, "exec_count", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    where = (f"cell [{cell}] (numbered as in the failed copy)" if cell is not None
             else "before any cell ran")
    return f"{where}: {ename}: {evalue}".strip()


def _execute(plan: RunPlan, progress: bool) -> Outcome:
    """Run one notebook (in a worker process); see the module docstring for the steps."""
    layout = plan.layout
    layout.executed_dir.mkdir(parents=True, exist_ok=True)
    layout.results_dir.mkdir(parents=True, exist_ok=True)
    saved_env = dict(os.environ)
    os.environ["COURSE_BOOK_RESULTS"] = str(layout.results_dir)  # the kernel inherits it
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    if os.environ.get("MPLBACKEND", "").lower() == "agg":
        del os.environ["MPLBACKEND"]  # kernels draw inline, so figures reach the page
    try:
        return _execute_in_env(plan, progress)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)


def _execute_in_env(plan: RunPlan, progress: bool) -> Outcome:
    import nbformat
    import papermill as pm

    layout = plan.layout
    final = layout.executed(plan.name)
    tmp = final.with_name(f".{plan.name}.running.ipynb")
    record_path = layout.results_dir / f"{plan.name}.json"
    started = time.time()
    try:
        pm.execute_notebook(
            str(layout.source(plan.name)), str(tmp), parameters=plan.parameters,
            kernel_name=KERNEL_NAME, cwd=str(layout.notebooks_dir), progress_bar=progress,
            execution_timeout=plan.timeout, request_save_on_cell_execute=False,
            log_output=False)
    except BaseException as exc:  # papermill wraps cell errors; keep the copy either way
        failed = layout.failed(plan.name)
        failed.parent.mkdir(parents=True, exist_ok=True)
        if tmp.exists():
            os.replace(tmp, failed)
        return Outcome(plan.name, "failed", time.time() - started, _failure_summary(exc),
                       failed if failed.exists() else None)
    nb = nbformat.read(tmp, as_version=4)
    if not record_path.is_file() or record_path.stat().st_mtime < started:
        failed = layout.failed(plan.name)
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, failed)
        return Outcome(plan.name, "failed", time.time() - started,
                       f"the notebook ran but wrote no results record at {record_path}",
                       failed)
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["fingerprint"] = plan.fingerprint
    _write_json(record_path, record)
    _hide_default_injection(nb)
    box = nbformat.v4.new_markdown_cell(environment_box(record))
    box.metadata["tags"] = ["run-environment"]
    nb.cells.insert(1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, box)
    nb.metadata[_META_KEY] = {"fingerprint": plan.fingerprint, "preset": plan.preset}
    nbformat.write(nb, tmp)
    os.replace(tmp, final)
    layout.failed(plan.name).unlink(missing_ok=True)
    return Outcome(plan.name, "ran", time.time() - started)


def run_plans(plans: Iterable[RunPlan], *, jobs: int = 1, force: bool = False,
              progress: bool = True, echo=print) -> list[Outcome]:
    """Execute the plans (cached ones skipped unless ``force``); return one outcome each."""
    from tqdm import tqdm  # plain text bars: no ipywidgets needed in notebooks

    plans = list(plans)
    outcomes: dict[str, Outcome] = {}
    todo = []
    for plan in plans:
        if not force and _cached(plan):
            outcomes[plan.name] = Outcome(plan.name, "cached")
            echo(f"{plan.name}: unchanged since its last good run, skipped (--force re-runs)")
        else:
            todo.append(plan)
    bar = tqdm(total=len(todo), desc="notebooks", unit="nb", disable=not progress or not todo,
               position=0)
    if jobs <= 1 or len(todo) <= 1:
        for plan in todo:
            bar.set_postfix_str(plan.name)
            outcomes[plan.name] = _execute(plan, progress)
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(_execute, plan, False): plan for plan in todo}
            for future in as_completed(futures):
                outcome = future.result()
                outcomes[outcome.name] = outcome
                bar.set_postfix_str(outcome.name)
                bar.update()
    bar.close()
    return [outcomes[plan.name] for plan in plans]
