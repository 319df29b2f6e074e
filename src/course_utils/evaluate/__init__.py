"""Evaluation: metrics tables, per-class views, ROC curves, regression errors, comparisons.

Every number here is computed by scikit-learn from the labels and the predicted
*probabilities*; this room only checks the inputs at the boundary, calls the
right scikit-learn function and labels the result.

Modules
-------
- :mod:`~course_utils.evaluate.classification`: :func:`scores`,
  :func:`metrics_table`, :func:`per_class_accuracy`, :func:`confusion`,
  :func:`top_confused_pairs`;
- :mod:`~course_utils.evaluate.roc`: :func:`roc_curves`, :func:`roc_auc_from_labels`;
- :mod:`~course_utils.evaluate.regression`: :func:`regression_table`;
- :mod:`~course_utils.evaluate.comparison`: :func:`train_val_gap`, :func:`change_from`;
- :mod:`~course_utils.evaluate.embedding`: :func:`tsne_embed`;
- :mod:`~course_utils.evaluate.losses`: :func:`softmax_loss_curves` (how hard
  cross-entropy and MSE push a softmax's true-class logit);
- :mod:`~course_utils.evaluate.uncertainty`: :func:`accuracy_interval` (Wilson),
  :func:`paired_comparison` (paired bootstrap and McNemar) and its
  :class:`PairedComparison`.

Shapes: ``y_true`` is ``(n,)`` of class indices ``0..k-1``; ``y_prob`` is
``(n, k)`` with rows summing to 1 (a 1-D ``(n,)`` array is read as the
probability of class 1 in a binary task); ``y_pred`` is ``(n,)`` of class
indices.

Example
-------
>>> from course_utils.evaluate import metrics_table
>>> y_true, y_prob = [0, 1, 1, 0], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.9, 0.1]]
>>> float(metrics_table(y_true, y_prob).loc[0, "accuracy"])
0.75
"""

from .classification import (
    SCORE_NAMES,
    confusion,
    metrics_table,
    per_class_accuracy,
    scores,
    top_confused_pairs,
)
from .comparison import change_from, train_val_gap
from .embedding import tsne_embed
from .losses import softmax_loss_curves
from .regression import regression_table
from .roc import roc_auc_from_labels, roc_curves
from .uncertainty import PairedComparison, accuracy_interval, paired_comparison

__all__ = [
    "SCORE_NAMES",
    "metrics_table",
    "scores",
    "per_class_accuracy",
    "confusion",
    "roc_curves",
    "roc_auc_from_labels",
    "top_confused_pairs",
    "regression_table",
    "train_val_gap",
    "change_from",
    "tsne_embed",
    "softmax_loss_curves",
    "accuracy_interval",
    "paired_comparison",
    "PairedComparison",
]
