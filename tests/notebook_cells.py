"""Run chosen cells of a topic notebook on fake results, to test the words they choose.

A notebook's conclusions are glued from computed values; the code that picks the
words lives in its cells. These helpers execute the notebook's own imports cell
and then one cell by id, in a namespace where ``glue``/``glue_all`` only collect
what would be glued, so a test can give the cell two outcomes of opposite sign
and check that the glued prose changes with them.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import nbformat
import numpy as np
import pandas as pd

from course_utils.paths import project_root

NOTEBOOKS = project_root(__file__) / "notebooks"


def cell_source(notebook: str, cell_id: str) -> str:
    nb = nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.get("id") == cell_id:
            return cell.source
    raise KeyError(f"{notebook} has no cell {cell_id!r}")


def imports_cell(notebook: str) -> str:
    """The first code cell after the parameters that imports course_utils."""
    nb = nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "from course_utils import" in cell.source:
            return cell.source
    raise KeyError(f"{notebook} has no imports cell")


def run_cell(notebook: str, cell_id: str, **names: Any) -> dict[str, Any]:
    """Execute one cell after the notebook's imports; return everything it glued."""
    return execute(notebook, cell_id, **names)[0]


def execute(notebook: str, cell_id: str, **names: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Execute one cell after the notebook's imports; return what it glued and its names."""
    glued: dict[str, Any] = {}

    def glue(name, value, *, display=False):
        glued[name] = value
        return value

    def glue_all(values, *, prefix=""):
        out = {f"{prefix}{k}": v for k, v in values.items()}
        glued.update(out)
        return out

    namespace: dict[str, Any] = {}
    exec(compile(imports_cell(notebook), f"{notebook}:imports", "exec"), namespace)
    namespace.update(glue=glue, glue_all=glue_all, **names)
    exec(compile(cell_source(notebook, cell_id), f"{notebook}:{cell_id}", "exec"), namespace)
    return glued, namespace


class FakeRecord:
    """Collects what a cell adds to the record."""

    def __init__(self) -> None:
        self.comparisons: dict[str, Any] = {}
        self.runs: list[Any] = []

    def add_comparison(self, name, comparison, *, first, second):
        self.comparisons[name] = {"first": first, "second": second, **comparison}

    def add_run(self, result, **kwargs):
        self.runs.append(result)
        return result.probabilities("test")


def fake_classifier(y, predicted, *, name="run", history=None, best_epoch=1, stopped_epoch=1,
                    num_classes=3, metrics=None, noise=0.0):
    """A stand-in RunResult of a classifier with fixed test predictions."""
    y = np.asarray(y)
    probs = np.eye(num_classes)[np.asarray(predicted)] * 0.8 + 0.2 / num_classes + noise
    data = SimpleNamespace(y_test=y, class_names=tuple("abcdefghij"[:num_classes]),
                           num_classes=num_classes, split=lambda split: (None, y))
    accuracy = float(np.mean(np.asarray(predicted) == y))
    return SimpleNamespace(
        name=name, data=data, history=history, best_epoch=best_epoch,
        stopped_epoch=stopped_epoch, epochs_run=stopped_epoch, wall_seconds=1.0, params=10,
        metrics=metrics or {"train_accuracy": accuracy, "val_accuracy": accuracy},
        probabilities=lambda split: probs, accuracy=lambda split: accuracy)


def history_frame(val_loss, *, lr=None, loss=None):
    n = len(val_loss)
    return pd.DataFrame({
        "epoch": np.arange(1, n + 1), "loss": loss or list(np.linspace(1.0, 0.1, n)),
        "val_loss": list(val_loss), "accuracy": list(np.linspace(0.5, 0.95, n)),
        "val_accuracy": [0.6] * n, "lr": lr or [0.01] * n, "epoch_seconds": [1.0] * n})
