"""Serves notebook 09_transfer_learning: pretrain a CNN, reuse it with few labels, preprocess.

Notebook 09 pretrains a :func:`course_utils.models.cnn` on some classes
(:func:`pretrain`), then learns the other classes from a few labels per class
in three ways, which it shows step by step for one label budget:

- ``scratch``: the same CNN, randomly initialised;
- ``frozen``: a copy of the pretrained conv blocks (:meth:`Pretrained.backbone`)
  set to ``trainable = False``, under a new softmax layer (:func:`new_head`);
- ``fine_tuned``: a copy of the trained frozen model (:func:`fine_tuning_copy`)
  with the top of its backbone unfrozen (:func:`~course_utils.models.set_trainable`),
  trained on at a smaller learning rate.

:func:`label_budget_runs` repeats those same steps at every label budget over a
few seeds, and :func:`ways_table` compares runs side by side.
:func:`preprocessing_demo` shows what the first convolution of a backbone sees
with and without its own preprocessing, and what that costs. The pretrained
models live in ``_transfer_pretrained``, the demo in ``_transfer_preprocessing``;
every name is imported from here.

Example
-------
>>> METHODS
('scratch', 'frozen', 'fine_tuned')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .._checks import check_int, fail, is_int
from ..models import cnn, set_trainable
from ..train import RunResult, fit, set_seed
from ._transfer_preprocessing import PreprocessingDemo, preprocessing_demo
from ._transfer_pretrained import (
    Pretrained,
    conv_backbone,
    fine_tuning_copy,
    new_head,
    pretrain,
    run_accuracies,
    trainable_params,
)

__all__ = [
    "METHODS",
    "conv_backbone",
    "Pretrained",
    "pretrain",
    "new_head",
    "fine_tuning_copy",
    "trainable_params",
    "ways_table",
    "BudgetRuns",
    "label_budget_runs",
    "PreprocessingDemo",
    "preprocessing_demo",
]

METHODS = ("scratch", "frozen", "fine_tuned")


def ways_table(runs: Mapping[str, RunResult]) -> pd.DataFrame:
    """One row per run: its parameters, how many of them trained, and its accuracies.

    Parameters
    ----------
    runs : mapping of str to RunResult
        E.g. ``{"scratch": scratch, "frozen": frozen, "fine_tuned": tuned}``.

    Returns
    -------
    pandas.DataFrame
        Index ``way``; columns ``params``, ``trainable_params`` (as the model is
        now), ``epochs`` and ``learning_rate`` (the run's own training budget;
        a fine-tuned run continues its frozen one), ``train_accuracy``,
        ``val_accuracy`` and ``test_accuracy`` (recomputed from the test
        predictions).

    Example
    -------
    >>> from course_utils.data import load_dataset
    >>> data = load_dataset("digits", limit=60)
    >>> run = fit(cnn(data.input_shape, 10, blocks=(4,), dense=()), data, epochs=1,
    ...           progress=False)
    >>> ways_table({"scratch": run}).loc["scratch", ["params", "trainable_params"]].tolist()
    [690, 690]
    """
    rows = [{"way": way, "params": run.params, "trainable_params": trainable_params(run.model),
             "epochs": run.stopped_epoch, "learning_rate": _first_learning_rate(run),
             **run_accuracies(run)} for way, run in runs.items()]
    return pd.DataFrame(rows).set_index("way")


def _first_learning_rate(run: RunResult) -> float:
    history = run.history
    return float(history["lr"].iloc[0]) if "lr" in history and len(history) else float("nan")


@dataclass(eq=False)
class BudgetRuns:
    """Every run of :func:`label_budget_runs`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per method, budget and repeat: ``method``,
        ``labels_per_class``, ``repeat``, ``train_examples``,
        ``train_accuracy``, ``val_accuracy``, ``test_accuracy`` (recomputed
        from the test predictions), ``seconds``.
    runs : dict of str to list of RunResult
        ``"<method>_n<labels_per_class>"`` to its runs, one per repeat.

    Example
    -------
    >>> table = pd.DataFrame({"method": ["scratch", "frozen", "fine_tuned"],
    ...                       "labels_per_class": [1, 1, 1], "test_accuracy": [0.5, 0.6, 0.7]})
    >>> BudgetRuns(table=table, runs={}).summary.to_dict("records")
    [{'scratch': 0.5, 'frozen': 0.6, 'fine_tuned': 0.7}]
    """

    table: pd.DataFrame
    runs: dict[str, list[RunResult]]

    @property
    def summary(self) -> pd.DataFrame:
        """Mean test accuracy over the repeats: one row per budget, one column per method."""
        return self._means("test_accuracy")

    @property
    def validation(self) -> pd.DataFrame:
        """Mean validation accuracy over the repeats, shaped as :attr:`summary`: what
        :meth:`conclusions` chooses on."""
        return self._means("val_accuracy")

    def _means(self, metric: str) -> pd.DataFrame:
        means = self.table.pivot_table(index="labels_per_class", columns="method",
                                       values=metric, aggfunc="mean")
        return means[[m for m in METHODS if m in means.columns]]

    def experiments(self) -> dict[str, tuple[list[RunResult], int]]:
        """Record names to (runs, labels per class).

        Each ``<method>_n<budget>``, plus the plain method names for the
        smallest budget (``scratch``, ``frozen``, ``fine_tuned``). In the notebook:
        ``record.add_runs(runs, experiment=name, metrics={"labels_per_class": n})``
        for each.
        """
        smallest = int(self.table["labels_per_class"].min())
        named = {}
        for method in METHODS:
            for n in sorted(self.table["labels_per_class"].unique()):
                named[f"{method}_n{n}"] = (self.runs[f"{method}_n{n}"], int(n))
        for method in METHODS:
            named[method] = (self.runs[f"{method}_n{smallest}"], smallest)
        return named

    def conclusions(self) -> dict[str, Any]:
        """The numbers the notebook states: choices on validation, scores on test.

        At each budget the transfer method (``frozen`` or ``fine_tuned``) with the
        higher mean validation accuracy is the one compared with scratch; ties go
        to ``frozen``, as in :meth:`Record.choose <course_utils.book.Record.choose>`
        over ``["frozen", "fine_tuned"]``.

        Returns
        -------
        dict
            ``smallest_budget``, ``largest_budget``, ``scratch_small`` (scratch
            test accuracy at the smallest budget), ``best_transfer`` (the
            transfer method chosen there), ``best_transfer_small`` (its test
            accuracy), ``transfer_gain`` (it minus scratch; > 0: transfer
            helped), ``budgets_helped`` (at how many budgets the chosen transfer
            method beat scratch on test), ``budgets``, ``peak_gain`` and
            ``peak_gain_budget``, ``large_gain`` (the gain at the largest
            budget), ``large_winner`` (the experiment ``<method>_n<largest>`` best
            on validation among all three methods there) and ``gain_drop``
            (``peak_gain - large_gain``, >= 0; > 0: the gain shrinks towards
            the largest budget).

        Example
        -------
        >>> table = pd.DataFrame({"method": ["scratch", "frozen", "fine_tuned"] * 2,
        ...                       "labels_per_class": [1, 1, 1, 5, 5, 5],
        ...                       "val_accuracy": [0.3, 0.5, 0.4, 0.7, 0.6, 0.8],
        ...                       "test_accuracy": [0.3, 0.4, 0.6, 0.7, 0.6, 0.9]})
        >>> numbers = BudgetRuns(table=table, runs={}).conclusions()
        >>> numbers["best_transfer"], round(numbers["transfer_gain"], 2), numbers["large_winner"]
        ('frozen', 0.1, 'fine_tuned_n5')
        """
        summary, validation = self.summary, self.validation
        transfer_cols = [m for m in ("frozen", "fine_tuned") if m in summary]
        chosen = validation[transfer_cols].idxmax(axis=1)
        gains = pd.Series({n: summary.loc[n, chosen[n]] - summary.loc[n, "scratch"]
                           for n in summary.index})
        small, large = summary.index.min(), summary.index.max()
        return {
            "smallest_budget": int(small), "largest_budget": int(large),
            "scratch_small": float(summary.loc[small, "scratch"]),
            "best_transfer": str(chosen[small]),
            "best_transfer_small": float(summary.loc[small, chosen[small]]),
            "transfer_gain": float(gains[small]),
            "budgets_helped": int((gains > 0).sum()), "budgets": len(gains),
            "peak_gain": float(gains.max()), "peak_gain_budget": int(gains.idxmax()),
            "large_gain": float(gains[large]),
            "large_winner": f"{validation.loc[large].idxmax()}_n{int(large)}",
            "gain_drop": float(gains.max() - gains[large]),
        }


@dataclass(frozen=True)
class _Training:
    """How :func:`label_budget_runs` trains each of the three ways."""

    epochs: int
    learning_rate: float
    head_learning_rate: float
    fine_tune_epochs: int
    fine_tune_learning_rate: float
    fine_tune_top: int | None
    batch_size: int
    progress: bool


def _three_ways(pretrained: Pretrained, target: Any, *, n: int, seed: int,
                how: _Training) -> tuple[RunResult, RunResult, RunResult]:
    """Scratch, frozen and fine-tuned on ``target``: the notebook's three cells, in order."""
    common = {"batch_size": how.batch_size, "seed": seed, "progress": how.progress}
    set_seed(seed)  # before each build: the initial weights come from the seed too
    scratch_model = cnn(target.input_shape, target.num_classes, **pretrained.cnn_options)
    scratch = fit(scratch_model, target, name=f"scratch_n{n}", epochs=how.epochs,
                  learning_rate=how.learning_rate, **common)
    set_seed(seed)
    backbone = pretrained.backbone()
    backbone.trainable = False
    frozen = fit(new_head(backbone, target.num_classes), target, name=f"frozen_n{n}",
                 epochs=how.epochs, learning_rate=how.head_learning_rate, **common)
    tuned_model = fine_tuning_copy(frozen.model, pretrained)
    set_trainable(tuned_model, top=how.fine_tune_top)
    tuned = fit(tuned_model, target, name=f"fine_tuned_n{n}", epochs=how.fine_tune_epochs,
                learning_rate=how.fine_tune_learning_rate, **common)
    return scratch, frozen, tuned


def _check_budgets(labels_per_class: Any, repeats: Any) -> tuple[list[int], int]:
    try:
        budgets = list(labels_per_class)
    except TypeError:  # a single int, None
        budgets = []
    if (not budgets or not all(is_int(n) and n >= 1 for n in budgets)
            or len(set(budgets)) != len(budgets)):
        raise fail("labels_per_class", "label_budget_runs",
                   "a non-empty list of distinct ints >= 1, e.g. [1, 5, 25]", labels_per_class)
    return [int(n) for n in budgets], check_int(repeats, "repeats", "label_budget_runs",
                                                 minimum=1)


def label_budget_runs(
    data: Any, pretrained: Pretrained, *, classes: Sequence[int | str],
    labels_per_class: Sequence[int], repeats: int = 1, epochs: int = 25,
    learning_rate: float = 1e-3, head_learning_rate: float = 1e-2,
    fine_tune_epochs: int = 10, fine_tune_learning_rate: float = 1e-4,
    fine_tune_top: int | None = None, batch_size: int = 32, seed: int = 0,
    progress: bool = True,
) -> BudgetRuns:
    """Learn the target classes from scratch, frozen and fine-tuned, at each label budget.

    For budget ``n`` and repeat ``r``, ``n`` examples per target class train
    (seed ``seed + r``; validation and test keep all) the three ways the notebook
    shows: ``scratch`` (``epochs`` at ``learning_rate``), ``frozen``
    (:func:`new_head` on a frozen backbone, ``epochs`` at ``head_learning_rate``),
    ``fine_tuned`` (:func:`fine_tuning_copy` of it, the top ``fine_tune_top``
    backbone layers (``None``: all) unfrozen, ``fine_tune_epochs`` at ``fine_tune_learning_rate``).

    Parameters
    ----------
    data : Dataset
    pretrained : Pretrained
        From :func:`pretrain`.
    classes : list of int or str
        The target classes.
    labels_per_class : list of int
        The budgets, e.g. ``[1, 2, 5, 10, 25]``.
    repeats : int, default 1
        Draws of the labelled examples (and initial weights) per budget.
    epochs, learning_rate, head_learning_rate, fine_tune_epochs : see above
    fine_tune_learning_rate, fine_tune_top, batch_size, seed, progress : see above

    Returns
    -------
    BudgetRuns

    Example
    -------
    >>> from course_utils.data import load_dataset
    >>> data = load_dataset("digits", channels=3, limit=60)
    >>> source = pretrain(data, [0, 1, 2, 3, 4], cnn_options={"blocks": (4,)}, epochs=1,
    ...                   progress=False)
    >>> budget = label_budget_runs(data, source, classes=[5, 6, 7, 8, 9], labels_per_class=[1],
    ...                            epochs=1, fine_tune_epochs=1, progress=False)
    >>> budget.table[["method", "train_examples"]].to_dict("list")
    {'method': ['scratch', 'frozen', 'fine_tuned'], 'train_examples': [5, 5, 5]}
    """
    budgets, repeats = _check_budgets(labels_per_class, repeats)
    how = _Training(epochs, learning_rate, head_learning_rate, fine_tune_epochs,
                    fine_tune_learning_rate, fine_tune_top, batch_size, progress)
    rows, runs = [], {}
    for n in budgets:
        for repeat in range(repeats):
            target = data.subset(classes=list(classes), per_class=n, seed=seed + repeat)
            ways = _three_ways(pretrained, target, n=n, seed=seed + repeat, how=how)
            for method, result in zip(METHODS, ways, strict=True):
                runs.setdefault(f"{method}_n{n}", []).append(result)
                rows.append({"method": method, "labels_per_class": n, "repeat": repeat,
                             "train_examples": len(target.y_train), **run_accuracies(result),
                             "seconds": result.wall_seconds})
    return BudgetRuns(table=pd.DataFrame(rows), runs=runs)
