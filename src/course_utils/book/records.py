"""Results records: what a notebook measured, saved so other tools can read it.

A notebook builds one :class:`Record`, adds one entry per experiment (variant)
and the predictions it scored, and saves. Two files come out, both written
atomically (temporary file, then rename):

- ``results/<notebook>.json``: notebook, preset, parameters, dataset, seed,
  one entry per experiment with its metrics and wall seconds, library
  versions, device and total wall time;
- ``results/<notebook>-predictions.csv``: one row per scored example with
  ``experiment``, ``y_true``, ``y_pred``, one ``prob_<class>`` column per class
  and any group attributes, so every figure can be recomputed.

Example
-------
>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> rec = Record("01_optimizers", params={"seed": 0}, dataset="digits")
>>> rec.add("adam", {"test_accuracy": 0.97}, wall_seconds=3.2)
>>> rec.save(folder)
Recorded 1 experiments in results/: 01_optimizers.json
>>> load_record("01_optimizers", folder)["experiments"]
[{'experiment': 'adam', 'metrics': {'test_accuracy': 0.97}, 'wall_seconds': 3.2}]
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import fail
from ..paths import project_root, results_dir
from ._files import write_json_atomic, write_text_atomic
from .environment import backend_name, device_count, device_name, library_versions, peak_memory_mb
from .notebooks import notebook_parameters

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Record", "load_record", "library_versions", "device_name"]


def _plain(value: Any) -> Any:
    """Convert numpy scalars, arrays, paths and tuples into JSON values."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


class Record:
    """Collect one notebook's results and save them as JSON and CSV.

    Parameters
    ----------
    notebook : str
        The notebook's stem, e.g. ``"01_optimizers"``; names the files.
    params : mapping
        The notebook's parameters as run (the ``parameters`` cell after
        papermill's injection).
    dataset : str
        The dataset's name (or description) the experiments used.
    preset : str, optional
        The preset the run used; taken from ``params["preset"]`` when absent.
    """

    def __init__(self, notebook: str, *, params: Mapping[str, Any], dataset: str,
                 preset: str | None = None) -> None:
        if not isinstance(notebook, str) or not notebook or "/" in notebook:
            raise fail("notebook", "Record", "a notebook stem such as '01_optimizers'", notebook)
        self.notebook = notebook
        self.params = dict(params)
        self.dataset = dataset
        self.preset = preset or self.params.get("preset")
        self.experiments: list[dict[str, Any]] = []
        self.choices: dict[str, dict[str, Any]] = {}
        self.comparisons: dict[str, dict[str, Any]] = {}
        self._predictions: list[pd.DataFrame] = []
        self._started = time.perf_counter()

    @classmethod
    def for_notebook(cls, notebook: str, namespace: Mapping[str, Any], *, dataset: str
                     ) -> Record:
        """Start the record of a notebook, taking its parameters from ``namespace``.

        The names are those of the notebook's ``parameters`` cell (read from
        ``notebooks/<notebook>.ipynb``); the values are the ones in force,
        papermill's injected values included. In a notebook:
        ``record = Record.for_notebook("01_optimizers", globals(), dataset=data.name)``.
        """
        source = project_root() / "notebooks" / f"{notebook}.ipynb"
        names = notebook_parameters(source) if source.is_file() else {}
        return cls(notebook, params={k: namespace[k] for k in names if k in namespace},
                   dataset=dataset)

    def add(self, experiment: str, metrics: Mapping[str, Any], *,
            wall_seconds: float | None = None, **info: Any) -> None:
        """Add one experiment's metrics (and any extra facts, e.g. ``params=``)."""
        if any(e["experiment"] == experiment for e in self.experiments):
            raise fail("experiment", "Record.add",
                       f"a name not already in the record of {self.notebook}", experiment,
                       hint="Give each variant a distinct name.")
        entry = {"experiment": experiment, "metrics": _plain(dict(metrics))}
        if wall_seconds is not None:
            entry["wall_seconds"] = round(float(wall_seconds), 3)
        entry.update(_plain(info))
        self.experiments.append(entry)

    def add_predictions(self, experiment: str, y_true: Sequence, y_pred: Sequence | None = None,
                        *, y_prob: np.ndarray | None = None,
                        class_names: Sequence[str] | None = None,
                        groups: Mapping[str, Sequence] | None = None,
                        x: Sequence | None = None) -> None:
        """Add scored predictions of one experiment.

        Classification: give ``y_prob`` (n, k) and the hard ``y_pred`` is its
        argmax unless given. Regression: give float ``y_true``/``y_pred`` and
        optionally the inputs ``x``. ``groups`` adds attribute columns.
        """
        y_true = np.asarray(y_true)
        if y_pred is None:
            if y_prob is None:
                raise fail("y_pred", "Record.add_predictions", "given when y_prob is not", None)
            probs = np.asarray(y_prob, dtype=float)
            if probs.ndim == 1:  # P(class 1) of a binary task, as below
                probs = np.column_stack([1 - probs, probs])
            y_pred = probs.argmax(axis=1)
        y_pred = np.asarray(y_pred)
        if len(y_pred) != len(y_true):
            raise fail("y_pred", "Record.add_predictions",
                       f"of the same length as y_true ({len(y_true)} values)",
                       f"{len(y_pred)} values")
        import pandas as pd  # here, so that importing records (and --help) stays quick

        frame = pd.DataFrame({"experiment": [experiment] * len(y_true)})
        if x is not None:
            x = np.asarray(x)
            frame["x"] = x.reshape(len(y_true), -1)[:, -1]
        frame["y_true"] = y_true
        frame["y_pred"] = y_pred
        if y_prob is not None:
            y_prob = np.asarray(y_prob, dtype=float)
            if y_prob.ndim == 1:
                y_prob = np.column_stack([1 - y_prob, y_prob])
            names = list(class_names) if class_names is not None else [
                str(i) for i in range(y_prob.shape[1])]
            if len(names) != y_prob.shape[1]:
                raise fail("class_names", "Record.add_predictions",
                           f"{y_prob.shape[1]} names, one per column of y_prob", names)
            for i, name in enumerate(names):
                frame[f"prob_{name}"] = y_prob[:, i]
        for column, values in (groups or {}).items():
            frame[column] = np.asarray(values)
        self._predictions.append(frame)

    def add_run(self, result: Any, *, experiment: str | None = None,
                metrics: Mapping[str, Any] | None = None,
                groups: Mapping[str, Sequence] | None = None, **info: Any) -> np.ndarray:
        """Add a training run (a ``course_utils.train.RunResult``) and its test predictions.

        Records the run's metrics (plus ``metrics``), ``wall_seconds``,
        ``params`` and ``epochs_run`` (the epochs it actually trained, which the
        results page sets beside the original's; ``epochs_run=`` overrides it),
        and the test predictions. For classification,
        ``test_accuracy`` is recomputed from the argmax of the probabilities
        recorded, so the predictions file and the metric always agree.

        Parameters
        ----------
        result : RunResult
            Needs ``name``, ``metrics``, ``wall_seconds``, ``params``, ``data``
            and ``predict(split)``.
        experiment : str, optional
            Defaults to ``result.name``.
        metrics : mapping, optional
            Extra metrics, e.g. ``{"best_epoch": result.best_epoch}``.
        groups : mapping of column to values, optional
            Default: every column of ``result.data.attributes["test"]`` except
            ``path`` (none when the dataset has no attributes); ``{}`` for none.
        **info
            Extra facts for the entry, as in :meth:`add`.

        Returns
        -------
        numpy.ndarray
            The test predictions recorded: probabilities ``(n, k)`` or values ``(n,)``.

        Example
        -------
        In a notebook, after ``result = fit(...)``:
        ``probs = record.add_run(result, metrics={"best_epoch": result.best_epoch})``.
        """
        data = result.data
        name = experiment or result.name
        predicted = np.asarray(result.probabilities("test"))
        if groups is None:
            table = getattr(data, "attributes", {}).get("test")
            groups = {} if table is None else {
                c: table[c].to_numpy() for c in table.columns if c != "path"}
        values = dict(result.metrics)
        if data.task == "classification":
            values["test_accuracy"] = result.accuracy("test")  # from the same predictions
            self.add_predictions(name, data.y_test, y_prob=predicted,
                                 class_names=data.class_names, groups=groups)
        else:
            self.add_predictions(name, data.y_test, predicted, groups=groups, x=data.x_test)
        values.update(metrics or {})
        epochs_run = getattr(result, "stopped_epoch", None)
        if isinstance(epochs_run, int | np.integer) and not isinstance(epochs_run, bool):
            info.setdefault("epochs_run", int(epochs_run))
        self.add(name, values, wall_seconds=result.wall_seconds, params=result.params, **info)
        return predicted

    def add_runs(self, results: Sequence[Any], *, experiment: str,
                 metrics: Mapping[str, Any] | None = None, **info: Any) -> list[np.ndarray]:
        """Add repeats of one experiment (same settings, other seeds) as one entry.

        The entry's metrics are the mean over the runs of each metric they all
        have, and its ``wall_seconds`` their sum. Every run's test predictions
        are recorded under ``experiment`` with a ``repeat`` column (0, 1, ...)
        beside the test attributes (as in :meth:`add_run`);
        for classification ``test_accuracy`` is recomputed from all those rows,
        so the predictions file and the metric agree (with one test set shared
        by the runs it is the mean of their accuracies).

        Parameters
        ----------
        results : sequence of RunResult
            The repeats, as :meth:`add_run` takes them.
        experiment : str
            The entry's name.
        metrics : mapping, optional
            Extra metrics, e.g. ``{"labels_per_class": 5}``.
        **info
            Extra facts for the entry, as in :meth:`add`; ``repeats`` is added.

        Returns
        -------
        list of numpy.ndarray
            Each run's test predictions, as :meth:`add_run` returns them.

        Example
        -------
        In a notebook, with one ``fit`` per seed:
        ``record.add_runs([run_seed0, run_seed1], experiment="scratch_n1")``.
        """
        results = list(results)
        if not results:
            raise fail("results", "Record.add_runs", "a sequence of at least one run", results,
                       hint=f"(experiment {experiment!r})")
        predicted, hits = [], []
        for repeat, result in enumerate(results):
            data = result.data
            values = np.asarray(result.probabilities("test"))
            table = getattr(data, "attributes", {}).get("test")
            groups = {} if table is None else {
                c: table[c].to_numpy() for c in table.columns if c != "path"}
            groups["repeat"] = np.full(len(data.y_test), repeat)
            if data.task == "classification":
                self.add_predictions(experiment, data.y_test, y_prob=values,
                                     class_names=data.class_names, groups=groups)
                hits.append((result.accuracy("test"), len(data.y_test)))
            else:
                self.add_predictions(experiment, data.y_test, values, groups=groups,
                                     x=data.x_test)
            predicted.append(values)
        shared = set.intersection(*(set(r.metrics) for r in results))
        values = {k: float(np.mean([r.metrics[k] for r in results]))
                  for k in results[0].metrics if k in shared}
        if hits:  # the accuracy over all the runs' recorded rows
            values["test_accuracy"] = float(sum(a * n for a, n in hits) / sum(n for _, n in hits))
        values.update(metrics or {})
        self.add(experiment, values, wall_seconds=sum(r.wall_seconds for r in results),
                 params=results[0].params, repeats=len(results), **info)
        return predicted

    def choose(self, choice: str, among: Sequence[str], *, metric: str = "val_accuracy",
               higher_is_better: bool = True) -> str:
        """Name the best of the experiments ``among`` by ``metric``; record the choice.

        Selection happens on the validation split (the default ``metric``), never
        on test: the record keeps the choice, the candidates and the metric, and
        a test checks every recorded choice against the recorded metrics. Ties
        go to the first candidate. Returns the winner's experiment name.

        >>> r = Record("demo", params={}, dataset="digits")
        >>> r.add("a", {"val_accuracy": 0.9, "test_accuracy": 0.8})
        >>> r.add("b", {"val_accuracy": 0.8, "test_accuracy": 0.95})
        >>> r.choose("best_model", ["a", "b"])
        'a'
        """
        if not str(metric).startswith("val_"):
            raise fail("metric", "Record.choose", "a validation metric ('val_...')", metric,
                       hint="Choose on validation; report the test score of the choice.")
        by_name = {e["experiment"]: e for e in self.experiments}
        missing = [name for name in among if name not in by_name]
        if not among or missing:
            raise fail("among", "Record.choose", "experiments already added to the record",
                       list(among))
        values = [float(by_name[name]["metrics"][metric]) for name in among]
        best = max(values) if higher_is_better else min(values)
        winner = list(among)[values.index(best)]
        self.choices[choice] = {"winner": winner, "metric": metric, "among": list(among),
                                "higher_is_better": bool(higher_is_better)}
        return winner

    def add_comparison(self, name: str, comparison: Mapping[str, Any], *,
                       first: str, second: str) -> None:
        """Keep a paired comparison of two experiments (the numbers behind a verdict).

        ``comparison`` is ``evaluate.paired_comparison(...).as_dict()``: the
        accuracy difference ``second - first``, its bootstrap interval and
        McNemar's p-value.
        """
        self.comparisons[name] = {"first": first, "second": second, **_plain(dict(comparison))}

    def to_dict(self) -> dict[str, Any]:
        """Return the record as the JSON document :meth:`save` writes."""
        return {
            "notebook": self.notebook,
            "preset": self.preset,
            "dataset": self.dataset,
            "seed": _plain(self.params.get("seed")),
            "parameters": _plain(self.params),
            "experiments": self.experiments,
            "choices": self.choices,
            "comparisons": self.comparisons,
            "wall_seconds": round(time.perf_counter() - self._started, 3),
            "device": device_name(),
            "backend": backend_name(),
            "devices": device_count(),
            "peak_memory_mb": peak_memory_mb(),
            "versions": library_versions(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }

    def save(self, folder: str | os.PathLike | None = None) -> None:
        """Write the JSON record (and the predictions CSV, if any).

        Prints one line naming the files by name only (returning the path
        would put a machine path into the executed notebook's output).
        """
        folder = Path(folder) if folder is not None else results_dir()
        path = folder / f"{self.notebook}.json"
        write_json_atomic(path, self.to_dict())
        predictions = folder / f"{self.notebook}-predictions.csv"
        if self._predictions:
            import pandas as pd

            write_text_atomic(predictions, pd.concat(self._predictions).to_csv(index=False))
        else:
            predictions.unlink(missing_ok=True)
        written = [path.name] + ([predictions.name] if self._predictions else [])
        print(f"Recorded {len(self.experiments)} experiments in results/: {', '.join(written)}")


def load_record(notebook: str, folder: str | os.PathLike | None = None) -> dict[str, Any]:
    """Read ``results/<notebook>.json`` back as a dict."""
    folder = Path(folder) if folder is not None else results_dir()
    path = folder / f"{notebook}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"No results record at {path}; run `course-book run {notebook}` first.")
    return json.loads(path.read_text(encoding="utf-8"))
