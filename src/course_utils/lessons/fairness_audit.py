"""Serves notebook 10_fairness: the audit's setup, the post-processed variant, the comparison.

Notebook 10 trains a classifier, audits it group by group with
:mod:`course_utils.fairness`, then tries two mitigations (reweighing before
training, post-processing after) and compares them with the unmitigated model.
This module holds what only that notebook needs:

- :func:`fairness_setup` loads the data and resolves the ``"auto"`` choices
  (synthetic groups and planted bias on the offline digits; race and age on
  faces) into a :class:`FairnessSetup`;
- :func:`postprocessed_run` wraps an aif360 post-processor fitted on a run's
  validation split as a :class:`PostprocessedRun`, a stand-in for ``RunResult``;
- :func:`mitigation_summary` puts accuracy and the four between-group metrics
  of every variant in one table, and :func:`mitigation_effects` says, as
  numbers, how each mitigation moved them from the unmitigated baseline (the
  notebook turns those numbers into words with ``verdict``).

Example
-------
>>> setup = fairness_setup("digits", bias=0.5, limit=100)
>>> setup.target, setup.protected, setup.privileged
('digit >= 5', 'group', 'group A')
>>> truth = PostprocessedRun.from_labels("truth", setup.data)
>>> summary = mitigation_summary({"truth": truth}, setup.groups, privileged="group A")
>>> float(summary.loc["truth", "test_accuracy"]), float(summary.loc["truth", "disparate_impact"])
(1.0, 1.0)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_choice, fail
from ..data import load_dataset
from ..fairness import (
    FAIRNESS_METRICS,
    POSTPROCESSING_METHODS,
    check_protected,
    eq_odds_postprocess,
    fairness_summary,
    group_values,
    with_synthetic_groups,
)

__all__ = [
    "FairnessSetup",
    "PostprocessedRun",
    "fairness_setup",
    "mitigation_effects",
    "mitigation_summary",
    "postprocessed_run",
]

_SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class FairnessSetup:
    """A dataset ready for a fairness audit, from :func:`fairness_setup`.

    Attributes
    ----------
    data : Dataset
        Binary classification data (class 1 favorable).
    target : str
        What the model predicts (``"digit >= 5"`` on the synthetic digits).
    protected : str
        The audited attribute; ``groups[split]`` holds its values.
    privileged : group value
        The reference group (given, or the largest group of the training split).
    groups : dict of str to numpy.ndarray
        ``{split: protected value per example}`` for train, val and test.
    also_audit : str or None
        A second attribute; ``second_groups[split]`` holds its values and
        ``second_privileged`` its largest training group.
    synthetic : bool
        True for the offline digits with synthetic groups and injected bias.
    """

    data: Any = field(repr=False)
    target: str
    protected: str
    privileged: Any
    groups: dict[str, np.ndarray] = field(repr=False)
    also_audit: str | None = None
    second_groups: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    second_privileged: Any = None
    synthetic: bool = False

    @property
    def test_groups(self) -> dict[str, np.ndarray]:
        """The audited attributes of the test split, ``{attribute: values}``."""
        second = {self.also_audit: self.second_groups["test"]} if self.also_audit else {}
        return {self.protected: self.groups["test"], **second}


def _largest(values: np.ndarray) -> Any:
    return pd.Series(values).mode()[0]


def _load(dataset, data_dir, *, target, image_size, val_fraction, group_fraction, bias, seed,
          limit):
    """The data and the target's name: synthetic digits, or a face dataset as loaded."""
    if dataset != "digits":
        data = load_dataset(dataset, data_dir, target=target, image_size=image_size,
                            val_fraction=val_fraction, seed=seed, limit=limit)
        return data, target
    digits = load_dataset("digits", val_fraction=val_fraction, seed=seed, limit=limit)
    binary = digits.relabel({d: int(d >= 5) for d in range(10)}, ["digit < 5", "digit >= 5"])
    data = with_synthetic_groups(binary, group_fraction=group_fraction, bias=bias, seed=seed)
    return data, "digit >= 5"


def fairness_setup(
    dataset: str = "digits",
    data_dir=None,
    *,
    target: str = "gender",
    protected: str = "auto",
    also_audit: str | None = "auto",
    privileged: Any = "auto",
    image_size=None,
    val_fraction: float = 0.2,
    group_fraction: float = 0.3,
    bias: float = 0.0,
    seed: int = 0,
    limit: int | None = None,
) -> FairnessSetup:
    """Load a dataset for the fairness audit and resolve the attributes to audit.

    On ``"digits"`` the target is "digit >= 5" and every example gets a
    synthetic group with a visible mark and ``bias`` injected into the
    training labels (:func:`~course_utils.fairness.with_synthetic_groups`). On
    face datasets (``"fairface"``, ``"utkface"``) ``target`` is the predicted
    attribute and nothing is injected.

    Parameters
    ----------
    dataset, data_dir
        As in :func:`course_utils.data.load_dataset`.
    target : str, default "gender"
        Face datasets only.
    protected : str, default "auto"
        ``"auto"``: ``"group"`` on digits, ``"race"`` on faces. Never the target
        (:func:`~course_utils.fairness.check_protected`).
    also_audit : str or None, default "auto"
        ``"auto"``: ``"age_group"`` on faces, none on digits.
    privileged : group value, default "auto"
        ``"auto"``: the largest group of the training split.
    image_size, val_fraction, seed, limit
        Passed to the loader.
    group_fraction, bias : float
        Digits only: share of group B, and share of its favorable training labels flipped.

    Returns
    -------
    FairnessSetup

    Examples
    --------
    >>> setup = fairness_setup("digits", bias=0.5, limit=60)
    >>> setup.privileged, setup.synthetic, list(setup.test_groups)
    ('group A', True, ['group'])
    """
    synthetic = dataset == "digits"
    data, target = _load(dataset, data_dir, target=target, image_size=image_size,
                         val_fraction=val_fraction, group_fraction=group_fraction, bias=bias,
                         seed=seed, limit=limit)
    protected = ("group" if synthetic else "race") if protected == "auto" else protected
    also_audit = (None if synthetic else "age_group") if also_audit == "auto" else also_audit
    check_protected(target, protected)
    groups = {split: group_values(data, protected, split=split) for split in _SPLITS}
    second = ({split: group_values(data, also_audit, split=split) for split in _SPLITS}
              if also_audit else {})
    return FairnessSetup(
        data=data, target=target, protected=protected,
        privileged=_largest(groups["train"]) if privileged == "auto" else privileged,
        groups=groups, also_audit=also_audit, second_groups=second,
        second_privileged=_largest(second["train"]) if also_audit else None,
        synthetic=synthetic,
    )


# ----------------------------------------------------------------------------- variants


@dataclass
class PostprocessedRun:
    """A trained run whose predictions a post-processor adjusted; duck-types ``RunResult``.

    ``probabilities(split)`` returns the adjusted labels one-hot, as the
    probabilities of the post-processed classifier (it outputs hard labels),
    and ``accuracy(split)`` their accuracy, so ``Record.add_run`` records them.

    Examples
    --------
    >>> setup = fairness_setup("digits", limit=60)
    >>> truth = PostprocessedRun.from_labels("truth", setup.data)
    >>> truth.probabilities("test").shape == (len(setup.data.y_test), 2)
    True
    >>> truth.accuracy("val")
    1.0
    """

    name: str
    data: Any = field(repr=False)
    labels: dict[str, np.ndarray] = field(repr=False)
    metrics: dict[str, float]
    wall_seconds: float
    params: int

    @classmethod
    def from_labels(cls, name: str, data, labels: dict[str, np.ndarray] | None = None, *,
                    wall_seconds: float = 0.0, params: int = 0) -> PostprocessedRun:
        """A run that predicts ``labels`` (default: the true labels) on every split."""
        if labels is None:
            labels = {split: data.split(split)[1] for split in _SPLITS}
        metrics = {f"{split}_accuracy": float(np.mean(labels[split] == data.split(split)[1]))
                   for split in _SPLITS}
        return cls(name, data, labels, metrics, wall_seconds, params)

    def probabilities(self, split: str = "test") -> np.ndarray:
        """The adjusted predictions of ``split``, one-hot, shape ``(n, 2)``."""
        check_choice(split, "split", "PostprocessedRun.probabilities", _SPLITS)
        return np.eye(self.data.num_classes)[self.labels[split].astype(int)]

    def accuracy(self, split: str = "test") -> float:
        """Share of ``split`` whose adjusted label is the true one."""
        return self.metrics[f"{check_choice(split, 'split', 'accuracy', _SPLITS)}_accuracy"]

    predict = probabilities  # what RunResult.predict(split) means


def postprocessed_run(run, groups: dict[str, Any], *, privileged, method: str = "eq_odds",
                      seed: int = 0, name: str | None = None) -> PostprocessedRun:
    """Fit an aif360 post-processor on the validation split of a run, adjust every split.

    Parameters
    ----------
    run : RunResult
        A trained binary classifier (class 1 favorable).
    groups : dict of str to array-like
        ``{split: protected value per example}`` for train, val and test.
    privileged : group value
    method : {"eq_odds", "calibrated", "reject_option"}, default "eq_odds"
        See :func:`~course_utils.fairness.eq_odds_postprocess`.
    seed : int, default 0
    name : str, optional
        Defaults to ``method``.

    Returns
    -------
    PostprocessedRun
        ``metrics`` holds ``<split>_accuracy`` of the adjusted labels;
        ``wall_seconds`` is the post-processing time; ``params`` the run's.

    Examples
    --------
    >>> setup = fairness_setup("digits", limit=100)
    >>> truth = PostprocessedRun.from_labels("truth", setup.data)
    >>> adjusted = postprocessed_run(truth, setup.groups, privileged="group A")
    >>> adjusted.name, adjusted.metrics["test_accuracy"]
    ('eq_odds', 1.0)
    """
    check_choice(method, "method", "postprocessed_run", POSTPROCESSING_METHODS)
    start = time.perf_counter()
    data = run.data
    scores = {split: run.probabilities(split)[:, 1] for split in _SPLITS}
    labels = {
        split: eq_odds_postprocess(data.y_val, scores["val"], groups["val"],
                                   data.split(split)[1], scores[split], groups[split],
                                   privileged=privileged, method=method, seed=seed)
        for split in _SPLITS
    }
    return PostprocessedRun.from_labels(name or method, data, labels,
                                        wall_seconds=time.perf_counter() - start,
                                        params=run.params)


def mitigation_summary(runs: dict[str, Any], groups: dict[str, Any], *,
                       privileged) -> pd.DataFrame:
    """Accuracy on every split and the four between-group metrics on test, per variant.

    The between-group metrics compare each run's test predictions with the
    true test labels (``run.data.y_test``).

    Parameters
    ----------
    runs : dict of str to RunResult or PostprocessedRun
        The variants; predictions are the argmax of ``run.probabilities(split)``.
    groups : dict of str to array-like
        ``{"test": protected value per test example, ...}``.
    privileged : group value
        Privileged group against all others pooled
        (:func:`~course_utils.fairness.fairness_summary`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``variant``: ``train_accuracy``, ``val_accuracy``,
        ``test_accuracy``, then :data:`~course_utils.fairness.FAIRNESS_METRICS`.

    Examples
    --------
    >>> setup = fairness_setup("digits", limit=60)
    >>> truth = PostprocessedRun.from_labels("truth", setup.data)
    >>> mitigation_summary({"truth": truth}, setup.groups, privileged="group A").columns[:3]
    Index(['train_accuracy', 'val_accuracy', 'test_accuracy'], dtype='str')
    """
    rows = {}
    for name, run in runs.items():
        data = run.data
        row = {f"{split}_accuracy": run.accuracy(split) for split in _SPLITS}
        predicted = run.probabilities("test").argmax(axis=1)
        fair = fairness_summary(data.y_test, predicted, groups["test"], privileged=privileged)
        rows[name] = row | {metric: fair[metric] for metric in FAIRNESS_METRICS}
    return pd.DataFrame(rows).T.rename_axis("variant")


def mitigation_effects(summary: pd.DataFrame, *, baseline: str = "unmitigated") -> pd.DataFrame:
    """How each mitigation moved the parity gaps and the test accuracy of the baseline.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`mitigation_summary`.
    baseline : str, default "unmitigated"

    Returns
    -------
    pandas.DataFrame
        One row per other variant, all floats: ``spd`` and ``eod`` (its
        statistical parity and equal opportunity differences),
        ``spd_narrowing`` / ``eod_narrowing`` (how much the gap's size shrank,
        ``|baseline| - |variant|``: positive when it narrowed), ``accuracy``
        (its test accuracy) and ``accuracy_change`` (variant minus baseline:
        positive when it gained).

    Examples
    --------
    >>> summary = pd.DataFrame({"statistical_parity_difference": [-0.4, -0.1],
    ...                         "equal_opportunity_difference": [-0.5, -0.6],
    ...                         "test_accuracy": [0.8, 0.8]},
    ...                        index=["unmitigated", "reweighing"])
    >>> mitigation_effects(summary).loc["reweighing"].round(3).to_dict()
    {'spd': -0.1, 'spd_narrowing': 0.3, 'eod': -0.6, 'eod_narrowing': -0.1, 'accuracy': 0.8, \
'accuracy_change': 0.0}
    """
    if baseline not in summary.index:
        raise fail("baseline", "mitigation_effects", "a variant of 'summary'", baseline,
                   hint=f"The variants are {list(summary.index)}.")
    before = summary.loc[baseline]
    rows = {}
    for name, after in summary.drop(index=baseline).iterrows():
        row = {}
        for short, metric in (("spd", "statistical_parity_difference"),
                              ("eod", "equal_opportunity_difference")):
            row[short] = float(after[metric])
            row[f"{short}_narrowing"] = float(abs(before[metric]) - abs(after[metric]))
        row["accuracy"] = float(after["test_accuracy"])
        row["accuracy_change"] = float(after["test_accuracy"] - before["test_accuracy"])
        rows[name] = row
    return pd.DataFrame(rows).T.rename_axis("variant")
