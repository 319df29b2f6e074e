"""Tests for course_utils.evaluate.classification: each score against scikit-learn."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

from course_utils.errors import ParameterError
from course_utils.evaluate import (
    SCORE_NAMES,
    confusion,
    metrics_table,
    per_class_accuracy,
    scores,
    top_confused_pairs,
)

NAMES = ["cat", "dog", "bird", "fish"]


@pytest.fixture
def multiclass():
    """Labels, probabilities and argmax predictions for 4 classes, 200 rows, all classes seen."""
    rng = np.random.default_rng(0)
    y_true = np.tile(np.arange(4), 50)
    logits = rng.normal(size=(200, 4)) + 1.5 * np.eye(4)[y_true]
    y_prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y_true, y_prob, y_prob.argmax(axis=1)


@pytest.fixture
def binary():
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 150)
    p1 = np.clip(0.3 * y_true + rng.uniform(0, 0.7, 150), 0, 1)
    return y_true, np.column_stack([1 - p1, p1])


# --- scores and metrics_table -----------------------------------------------------------------


def test_scores_match_sklearn_multiclass(multiclass):
    y_true, y_prob, y_pred = multiclass
    got = scores(y_true, y_prob)
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y_true, y_pred))
    for average in ("macro", "weighted"):
        assert got[f"precision_{average}"] == pytest.approx(
            skm.precision_score(y_true, y_pred, average=average))
        assert got[f"recall_{average}"] == pytest.approx(
            skm.recall_score(y_true, y_pred, average=average))
        assert got[f"f1_{average}"] == pytest.approx(skm.f1_score(y_true, y_pred, average=average))
    assert got["roc_auc_ovr"] == pytest.approx(
        skm.roc_auc_score(y_true, y_prob, multi_class="ovr", average="macro"))
    assert got["log_loss"] == pytest.approx(skm.log_loss(y_true, y_prob))
    assert all(type(value) is float for value in got.values())
    assert list(got) == list(SCORE_NAMES)


def test_metrics_table_is_one_row_of_scores(multiclass):
    y_true, y_prob, _ = multiclass
    table = metrics_table(y_true, y_prob, class_names=NAMES, name="adam")
    assert table.shape == (1, len(SCORE_NAMES))
    assert list(table.columns) == list(SCORE_NAMES)
    assert table.index.tolist() == ["adam"]
    assert table.loc["adam"].to_dict() == pytest.approx(scores(y_true, y_prob))


def test_binary_auc_uses_positive_column(binary):
    y_true, y_prob = binary
    got = scores(y_true, y_prob)
    assert got["roc_auc_ovr"] == pytest.approx(skm.roc_auc_score(y_true, y_prob[:, 1]))


def test_binary_accepts_1d_probability_of_class_one(binary):
    y_true, y_prob = binary
    assert scores(y_true, y_prob[:, 1]) == pytest.approx(scores(y_true, y_prob))


def test_labels_as_a_column_and_numpy_ints_are_accepted(binary):
    y_true, y_prob = binary
    column = y_true.astype(np.int32).reshape(-1, 1)
    assert scores(column, y_prob) == pytest.approx(scores(y_true, y_prob))


def test_absent_class_gives_nan_auc_with_clear_warning(multiclass):
    y_true, y_prob, _ = multiclass
    keep = y_true != 2
    with pytest.warns(UndefinedMetricWarning, match=r"class indices \[2\] do not occur"):
        got = scores(y_true[keep], y_prob[keep])
    assert np.isnan(got["roc_auc_ovr"])
    assert np.isfinite(got["log_loss"])


@pytest.mark.parametrize(
    ("y_true", "y_prob", "match"),
    [
        ([0, 1, 2], [[0.5, 0.5], [0.5, 0.5]],
         r"^The 'y_prob' parameter of scores must be as long as 'y_true' \(3 rows\)\. "
         r"Got 2 rows \(shape \(2, 2\)\) instead\.$"),
        ([0, 1, 2], [0.2, 0.5, 0.9],
         r"'y_prob' .* of shape \(n, 3\).*binary task\)\. Got shape \(3,\) with 3 classes"),
        ([0, 1], [[0.7, 0.7], [0.5, 0.5]],
         r"'y_prob' .* rows sum to 1.*Got 1 of 2 rows .* row 0 sums to 1\.4 instead"),
        ([0, 1], [[2.0, -1.0], [0.5, 0.5]],
         r"'y_prob' .* probabilities in \[0, 1\]\. Got values from -1 to 2 instead.*softmax"),
        ([0, 3], [[0.5, 0.5], [0.5, 0.5]],
         r"'y_true' .* class indices below the number of 'y_prob' columns \(2\)\. Got 3 instead"),
        ([[0, 1], [1, 0]], [[0.5, 0.5], [0.5, 0.5]],
         r"'y_true' .* 1-D .* Got shape \(2, 2\) instead"),
        ([0.5, 1.0], [[0.5, 0.5], [0.5, 0.5]],
         r"'y_true' .* whole-number class indices\. Got non-integer values such as \[0\.5\]"),
        (["a", "b"], [[0.5, 0.5], [0.5, 0.5]], r"'y_true' .* integer class indices\. Got dtype"),
        ([0, -1], [[0.5, 0.5], [0.5, 0.5]], r"'y_true' .* class indices >= 0\. Got -1 instead"),
        ([], [], r"'y_true' .* non-empty .* Got an empty array instead"),
    ],
)
def test_scores_rejects_bad_inputs_naming_the_parameter(y_true, y_prob, match):
    with pytest.raises(ParameterError, match=match):
        scores(y_true, y_prob)


def test_class_names_must_match_probability_columns(multiclass):
    y_true, y_prob, _ = multiclass
    with pytest.raises(ValueError, match=r"'class_names' .* one name per column of 'y_prob' "
                                         r"\(4\)\. Got 2 names"):
        metrics_table(y_true, y_prob, class_names=["a", "b"])


# --- per class, confusion, pairs --------------------------------------------------------------


def test_per_class_accuracy_matches_recall_and_support(multiclass):
    y_true, _, y_pred = multiclass
    table = per_class_accuracy(y_true, y_pred, class_names=NAMES)
    assert list(table.columns) == ["class", "support", "accuracy"]
    assert table["class"].tolist() == NAMES
    np.testing.assert_allclose(table["accuracy"], skm.recall_score(y_true, y_pred, average=None))
    assert table["support"].tolist() == np.bincount(y_true).tolist()


def test_per_class_accuracy_is_nan_for_a_class_without_examples():
    table = per_class_accuracy([0, 0, 1], [0, 1, 1], class_names=["a", "b", "c"])
    assert table["support"].tolist() == [2, 1, 0]
    assert np.isnan(table["accuracy"].iloc[2])


def test_per_class_accuracy_rejects_probabilities_with_a_fix(multiclass):
    y_true, y_prob, _ = multiclass
    with pytest.raises(ParameterError, match=r"'y_pred' .* 1-D .* y_prob\.argmax\(axis=1\)"):
        per_class_accuracy(y_true, y_prob, class_names=NAMES)


@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matches_sklearn_and_is_labelled(multiclass, normalize):
    y_true, _, y_pred = multiclass
    frame = confusion(y_true, y_pred, class_names=NAMES, normalize=normalize)
    np.testing.assert_allclose(frame.to_numpy(),
                               skm.confusion_matrix(y_true, y_pred, normalize=normalize))
    assert frame.index.tolist() == NAMES and frame.columns.tolist() == NAMES
    assert (frame.index.name, frame.columns.name) == ("true", "predicted")


def test_confusion_keeps_classes_never_seen():
    frame = confusion([0, 1], [1, 1], class_names=["a", "b", "c"])
    assert frame.shape == (3, 3) and frame.loc["c"].sum() == 0


def test_confusion_rejects_unknown_normalize():
    with pytest.raises(ParameterError, match=r"'normalize' .* one of .*Got 'rows' instead"):
        confusion([0], [0], class_names=["a", "b"], normalize="rows")


def test_confusion_rejects_label_beyond_class_names():
    with pytest.raises(ParameterError,
                       match=r"'y_pred' .* below the number of 'class_names' \(2\)\. Got 5"):
        confusion([0, 1], [0, 5], class_names=["a", "b"])


def test_confusion_rejects_mismatched_lengths():
    with pytest.raises(ParameterError, match=r"'y_pred' .* as long as 'y_true' \(3 rows\)\. Got 2"):
        confusion([0, 1, 1], [0, 1], class_names=["a", "b"])


def test_confusion_requires_class_names():
    with pytest.raises(ParameterError, match=r"'class_names' .* at least 2 class names\. Got None"):
        confusion([0, 1], [0, 1], class_names=None)
    with pytest.raises(ParameterError, match=r"'class_names' .* Got \['a'\] instead"):
        confusion([0, 0], [0, 0], class_names=["a"])


def test_top_confused_pairs_counts_off_diagonal_cells():
    y_true = [0, 0, 0, 0, 1, 1, 2, 2, 2]
    y_pred = [1, 1, 2, 0, 1, 0, 2, 2, 2]
    pairs = top_confused_pairs(y_true, y_pred, class_names=["a", "b", "c"], k=2)
    assert list(pairs.columns) == ["true", "predicted", "count", "share_of_true"]
    assert pairs[["true", "predicted"]].values.tolist() == [["a", "b"], ["a", "c"]]
    assert pairs["count"].tolist() == [2, 1]
    assert pairs["share_of_true"].tolist() == pytest.approx([0.5, 0.25])


def test_top_confused_pairs_agrees_with_confusion_matrix(multiclass):
    y_true, _, y_pred = multiclass
    matrix = skm.confusion_matrix(y_true, y_pred)
    np.fill_diagonal(matrix, 0)
    pairs = top_confused_pairs(y_true, y_pred, class_names=NAMES, k=np.int64(3))
    assert pairs["count"].tolist() == sorted(matrix.ravel(), reverse=True)[:3]


@pytest.mark.parametrize("k", [0, 1.5, True])
def test_top_confused_pairs_rejects_bad_k(k):
    with pytest.raises(ParameterError, match=rf"'k' .* an int >= 1\. Got {k!r} instead"):
        top_confused_pairs([0], [0], class_names=["a", "b"], k=k)


def test_scores_accept_float32_softmax_rows_without_a_warning():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(200, 10)).astype(np.float32)
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y_true = np.arange(200) % 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = scores(y_true, prob.astype(np.float32))
    assert values["accuracy"] == pytest.approx(float((prob.argmax(1) == y_true).mean()))


# --- the details a published number or message depends on (found by mutation testing) ---------


@pytest.mark.parametrize(("call", "function"), [
    (lambda: per_class_accuracy([0, 1], [0], class_names=["a", "b"]), "per_class_accuracy"),
    (lambda: confusion([0, 1], [0], class_names=["a", "b"]), "confusion"),
    (lambda: confusion([0], [0], class_names=["a", "b"], normalize="rows"), "confusion"),
    (lambda: top_confused_pairs([0], [0], class_names=["a", "b"], k=0), "top_confused_pairs"),
])
def test_errors_name_the_function_that_was_called(call, function):
    with pytest.raises(ParameterError, match=rf"^The '\w+' parameter of {function} must"):
        call()


def test_the_undefined_auc_warning_names_scores(multiclass):
    y_true, y_prob, _ = multiclass
    with pytest.warns(UndefinedMetricWarning, match=r"^scores: roc_auc_ovr is undefined"):
        scores(y_true[y_true != 2], y_prob[y_true != 2])


def test_scores_of_an_absent_class_warn_about_auc_only():
    y_true, y_pred = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 1, 0, 0])
    y_prob = np.full((6, 4), 0.1) + 0.6 * np.eye(4)[y_pred]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = scores(y_true, y_prob)
    assert [str(w.message).split(":")[0] for w in caught] == ["scores"]
    # class 2 is never predicted, class 3 never occurs: both count 0 over all 4 classes
    assert got["precision_macro"] == pytest.approx((1 / 3 + 2 / 3) / 4)
    assert got["recall_macro"] == pytest.approx((1 / 2 + 1) / 4)


def test_metrics_table_row_is_named_zero_unless_named(multiclass):
    y_true, y_prob, _ = multiclass
    assert metrics_table(y_true, y_prob).index.tolist() == [0]


def test_per_class_accuracy_of_several_classes_keeps_integer_support(multiclass):
    y_true, _, y_pred = multiclass
    table = per_class_accuracy(y_true, y_pred, class_names=NAMES)
    assert table["support"].dtype == np.int64
    assert table["accuracy"].tolist() == pytest.approx(
        skm.recall_score(y_true, y_pred, average=None).tolist())


def test_top_confused_pairs_keeps_five_by_default_and_never_a_pair_never_confused():
    y_true = [0, 0, 0, 1, 1, 2, 2, 3, 3, 3]
    y_pred = [1, 2, 3, 0, 2, 0, 3, 0, 1, 2]
    names = ["a", "b", "c", "d"]
    assert len(top_confused_pairs(y_true, y_pred, class_names=names)) == 5
    every = top_confused_pairs(y_true, y_pred, class_names=names, k=16)
    assert len(every) == 10 and (every["count"] > 0).all()
    # ties in count are ordered by true class, then by predicted class, both ascending
    assert every[["true", "predicted"]].values.tolist()[:4] == [
        ["a", "b"], ["a", "c"], ["a", "d"], ["b", "a"]]
    assert every.index.tolist() == list(range(10))
