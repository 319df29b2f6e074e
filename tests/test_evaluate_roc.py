"""Tests for course_utils.evaluate.roc: curves and AUCs against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

from course_utils.errors import ParameterError
from course_utils.evaluate import roc_auc_from_labels, roc_curves, scores

NAMES = ["cat", "dog", "bird", "fish"]


@pytest.fixture
def multiclass():
    rng = np.random.default_rng(0)
    y_true = np.tile(np.arange(4), 50)
    logits = rng.normal(size=(200, 4)) + 1.5 * np.eye(4)[y_true]
    return y_true, np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)


@pytest.fixture
def binary():
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 150)
    p1 = np.clip(0.3 * y_true + rng.uniform(0, 0.7, 150), 0, 1)
    return y_true, np.column_stack([1 - p1, p1])


def test_roc_curves_one_vs_rest_match_sklearn(multiclass):
    y_true, y_prob = multiclass
    curves = roc_curves(y_true, y_prob, class_names=NAMES)
    assert list(curves) == NAMES
    for index, name in enumerate(NAMES):
        fpr, tpr, auc = curves[name]
        want_fpr, want_tpr, _ = skm.roc_curve(y_true == index, y_prob[:, index])
        np.testing.assert_allclose(fpr, want_fpr)
        np.testing.assert_allclose(tpr, want_tpr)
        assert auc == pytest.approx(skm.roc_auc_score(y_true == index, y_prob[:, index]))
    mean_auc = np.mean([curve[2] for curve in curves.values()])
    assert mean_auc == pytest.approx(scores(y_true, y_prob)["roc_auc_ovr"])


def test_roc_curves_binary_returns_the_positive_class(binary):
    y_true, y_prob = binary
    curves = roc_curves(y_true, y_prob, class_names=["female", "male"])
    assert list(curves) == ["male"]
    assert curves["male"][2] == pytest.approx(skm.roc_auc_score(y_true, y_prob[:, 1]))


def test_roc_curves_skips_absent_class_with_warning(multiclass):
    y_true, y_prob = multiclass
    keep = y_true != 3
    with pytest.warns(UndefinedMetricWarning, match=r"no ROC curve for classes \['fish'\]"):
        curves = roc_curves(y_true[keep], y_prob[keep], class_names=NAMES)
    assert list(curves) == NAMES[:3]


def test_roc_curves_requires_class_names(binary):
    y_true, y_prob = binary
    with pytest.raises(ParameterError, match=r"'class_names' parameter of roc_curves .* Got None"):
        roc_curves(y_true, y_prob, class_names=None)


def test_auc_from_hard_labels_differs_from_auc_from_probabilities(binary):
    """The original course scored AUC on argmax labels; that is a different, wrong number."""
    y_true, y_prob = binary
    from_labels = roc_auc_from_labels(y_true, y_prob.argmax(axis=1))
    from_probs = scores(y_true, y_prob)["roc_auc_ovr"]
    assert from_labels == pytest.approx(skm.roc_auc_score(y_true, y_prob.argmax(axis=1)))
    assert from_labels == pytest.approx(skm.balanced_accuracy_score(y_true, y_prob.argmax(1)))
    assert abs(from_labels - from_probs) > 0.01


def test_auc_from_hard_labels_multiclass_is_one_hot_ovr(multiclass):
    y_true, y_prob = multiclass
    y_pred = y_prob.argmax(axis=1)
    want = skm.roc_auc_score(y_true, np.eye(4)[y_pred], multi_class="ovr")
    assert roc_auc_from_labels(y_true, y_pred, num_classes=4) == pytest.approx(want)
    assert roc_auc_from_labels(y_true, y_pred) == pytest.approx(want)


def test_auc_from_hard_labels_checks_its_inputs():
    with pytest.raises(ParameterError, match=r"'num_classes' .* None or an int >= 2\. Got 1"):
        roc_auc_from_labels([0, 1], [0, 1], num_classes=1)
    with pytest.raises(ParameterError, match=r"'y_pred' .* as long as 'y_true' \(2 rows\)"):
        roc_auc_from_labels([0, 1], [0, 1, 1])
