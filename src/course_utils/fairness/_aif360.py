"""aif360 adapters (private): quiet lazy imports and ``BinaryLabelDataset`` building.

aif360 is imported only when a metric or an algorithm is first needed (it
imports TensorFlow through its in-processing algorithms and logs notices about
optional dependencies), so ``import course_utils.fairness`` stays fast. The
datasets built here hold one protected attribute column, ``"group"``, with the
groups coded as 0.0, 1.0, ... and the labels coded 1.0 (favorable) / 0.0.

Examples
--------
>>> truth = dataset(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
>>> truth.labels.ravel().tolist(), truth.protected_attributes.ravel().tolist()
([1.0, 0.0], [0.0, 1.0])
"""

from __future__ import annotations

import importlib
import logging

import numpy as np
import pandas as pd

#: The column names inside the aif360 datasets.
GROUP = "group"
LABEL = "label"
SCORE = "score"


def quiet_import(module: str, name: str):
    """Import ``name`` from ``module`` without aif360's optional-dependency log notices.

    >>> quiet_import("aif360.metrics", "ClassificationMetric").__name__
    'ClassificationMetric'
    """
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        return getattr(importlib.import_module(module), name)
    finally:
        root.setLevel(level)


def classification_metric(truth, predicted, *, unprivileged, privileged):
    """aif360's ``ClassificationMetric`` of ``predicted`` against ``truth``."""
    metric = quiet_import("aif360.metrics", "ClassificationMetric")
    return metric(truth, predicted, unprivileged_groups=unprivileged, privileged_groups=privileged)


def dataset(labels01: np.ndarray, codes: np.ndarray, scores: np.ndarray | None = None):
    """A ``BinaryLabelDataset`` with one protected attribute column (coded groups)."""
    binary_label_dataset = quiet_import("aif360.datasets", "BinaryLabelDataset")
    frame = pd.DataFrame({GROUP: codes, LABEL: labels01})
    if scores is not None:
        frame[SCORE] = scores.astype(np.float64)
    return binary_label_dataset(
        df=frame,
        label_names=[LABEL],
        protected_attribute_names=[GROUP],
        scores_names=[SCORE] if scores is not None else [],
        favorable_label=1.0,
        unfavorable_label=0.0,
    )


def with_labels(data, labels01: np.ndarray, scores: np.ndarray | None = None):
    """A copy of ``data`` holding other labels (predictions) and optionally scores.

    >>> truth = dataset(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    >>> with_labels(truth, np.array([0.0, 0.0])).labels.ravel().tolist()
    [0.0, 0.0]
    """
    copy = data.copy(deepcopy=True)
    copy.labels = labels01.reshape(-1, 1).astype(np.float64)
    copy.scores = (labels01 if scores is None else scores).reshape(-1, 1).astype(np.float64)
    return copy
