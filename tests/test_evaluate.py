"""Tests for course_utils.evaluate: each result against scikit-learn on seeded random data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

from course_utils import evaluate
from course_utils.errors import ParameterError

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
    got = evaluate.scores(y_true, y_prob)
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


def test_metrics_table_is_one_row_of_scores(multiclass):
    y_true, y_prob, _ = multiclass
    table = evaluate.metrics_table(y_true, y_prob, class_names=NAMES, name="adam")
    assert table.shape == (1, len(evaluate.SCORE_NAMES))
    assert list(table.columns) == list(evaluate.SCORE_NAMES)
    assert table.index.tolist() == ["adam"]
    assert table.loc["adam"].to_dict() == pytest.approx(evaluate.scores(y_true, y_prob))


def test_binary_auc_uses_positive_column(binary):
    y_true, y_prob = binary
    got = evaluate.scores(y_true, y_prob)
    assert got["roc_auc_ovr"] == pytest.approx(skm.roc_auc_score(y_true, y_prob[:, 1]))


def test_binary_accepts_1d_probability_of_class_one(binary):
    y_true, y_prob = binary
    assert evaluate.scores(y_true, y_prob[:, 1]) == pytest.approx(evaluate.scores(y_true, y_prob))


def test_auc_from_hard_labels_differs_from_auc_from_probabilities(binary):
    """The original course scored AUC on argmax labels; that is a different, wrong number."""
    y_true, y_prob = binary
    from_labels = evaluate.roc_auc_from_labels(y_true, y_prob.argmax(axis=1))
    from_probs = evaluate.scores(y_true, y_prob)["roc_auc_ovr"]
    assert from_labels == pytest.approx(skm.roc_auc_score(y_true, y_prob.argmax(axis=1)))
    assert from_labels == pytest.approx(skm.balanced_accuracy_score(y_true, y_prob.argmax(1)))
    assert abs(from_labels - from_probs) > 0.01


def test_absent_class_gives_nan_auc_with_clear_warning(multiclass):
    y_true, y_prob, _ = multiclass
    keep = y_true != 2
    with pytest.warns(UndefinedMetricWarning, match=r"class indices \[2\] do not occur"):
        got = evaluate.scores(y_true[keep], y_prob[keep])
    assert np.isnan(got["roc_auc_ovr"])
    assert np.isfinite(got["log_loss"])


@pytest.mark.parametrize(
    ("y_true", "y_prob", "match"),
    [
        ([0, 1, 2], [[0.5, 0.5], [0.5, 0.5]],
         r"'y_true' and 'y_prob' .* same number of rows\. Got 3 \(shape \(3,\)\) and 2"),
        ([0, 1, 2], [0.2, 0.5, 0.9], r"'y_prob' .* is 1-D \(shape \(3,\)\).* 3 classes"),
        ([0, 1], [[0.7, 0.7], [0.5, 0.5]], r"rows of the 'y_prob' .* sum to 1.*row 0 sums to 1\.4"),
        ([0, 1], [[2.0, -1.0], [0.5, 0.5]], r"'y_prob' .* probabilities in \[0, 1\].*softmax"),
        ([0, 3], [[0.5, 0.5], [0.5, 0.5]], r"class index 3, but 'y_prob' has only 2 columns"),
        ([[0, 1], [1, 0]], [[0.5, 0.5], [0.5, 0.5]], r"'y_true' .* 1-D .* Got shape \(2, 2\)"),
        ([0.5, 1.0], [[0.5, 0.5], [0.5, 0.5]], r"'y_true' .* whole-number class indices"),
    ],
)
def test_scores_rejects_bad_inputs_naming_the_parameter(y_true, y_prob, match):
    with pytest.raises(ParameterError, match=match):
        evaluate.scores(y_true, y_prob)


def test_class_names_must_match_probability_columns(multiclass):
    y_true, y_prob, _ = multiclass
    with pytest.raises(ValueError, match=r"'class_names' .* names 2 classes but 'y_prob' has 4"):
        evaluate.metrics_table(y_true, y_prob, class_names=["a", "b"])


# --- per class, confusion, pairs --------------------------------------------------------------


def test_per_class_accuracy_matches_recall_and_support(multiclass):
    y_true, _, y_pred = multiclass
    table = evaluate.per_class_accuracy(y_true, y_pred, class_names=NAMES)
    assert list(table.columns) == ["class", "support", "accuracy"]
    assert table["class"].tolist() == NAMES
    np.testing.assert_allclose(table["accuracy"], skm.recall_score(y_true, y_pred, average=None))
    assert table["support"].tolist() == np.bincount(y_true).tolist()


def test_per_class_accuracy_is_nan_for_a_class_without_examples():
    table = evaluate.per_class_accuracy([0, 0, 1], [0, 1, 1], class_names=["a", "b", "c"])
    assert table["support"].tolist() == [2, 1, 0]
    assert np.isnan(table["accuracy"].iloc[2])


def test_per_class_accuracy_rejects_probabilities_with_a_fix(multiclass):
    y_true, y_prob, _ = multiclass
    with pytest.raises(ParameterError, match=r"'y_pred' .* 1-D .* y_prob\.argmax\(axis=1\)"):
        evaluate.per_class_accuracy(y_true, y_prob, class_names=NAMES)


@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matches_sklearn_and_is_labelled(multiclass, normalize):
    y_true, _, y_pred = multiclass
    frame = evaluate.confusion(y_true, y_pred, class_names=NAMES, normalize=normalize)
    np.testing.assert_allclose(frame.to_numpy(),
                               skm.confusion_matrix(y_true, y_pred, normalize=normalize))
    assert frame.index.tolist() == NAMES and frame.columns.tolist() == NAMES
    assert (frame.index.name, frame.columns.name) == ("true", "predicted")


def test_confusion_keeps_classes_never_seen():
    frame = evaluate.confusion([0, 1], [1, 1], class_names=["a", "b", "c"])
    assert frame.shape == (3, 3) and frame.loc["c"].sum() == 0


def test_confusion_rejects_unknown_normalize():
    with pytest.raises(ParameterError, match=r"'normalize' .* one of .*Got 'rows'"):
        evaluate.confusion([0], [0], class_names=["a", "b"], normalize="rows")


def test_confusion_rejects_label_beyond_class_names():
    with pytest.raises(ParameterError, match=r"'y_pred' .* class index 5, but 'class_names'"):
        evaluate.confusion([0, 1], [0, 5], class_names=["a", "b"])


def test_confusion_rejects_mismatched_lengths():
    with pytest.raises(ParameterError, match=r"'y_true' and 'y_pred' .* Got 3 .* and 2"):
        evaluate.confusion([0, 1, 1], [0, 1], class_names=["a", "b"])


def test_top_confused_pairs_counts_off_diagonal_cells():
    y_true = [0, 0, 0, 0, 1, 1, 2, 2, 2]
    y_pred = [1, 1, 2, 0, 1, 0, 2, 2, 2]
    pairs = evaluate.top_confused_pairs(y_true, y_pred, class_names=["a", "b", "c"], k=2)
    assert list(pairs.columns) == ["true", "predicted", "count", "share_of_true"]
    assert pairs[["true", "predicted"]].values.tolist() == [["a", "b"], ["a", "c"]]
    assert pairs["count"].tolist() == [2, 1]
    assert pairs["share_of_true"].tolist() == pytest.approx([0.5, 0.25])


def test_top_confused_pairs_agrees_with_confusion_matrix(multiclass):
    y_true, _, y_pred = multiclass
    matrix = skm.confusion_matrix(y_true, y_pred)
    np.fill_diagonal(matrix, 0)
    pairs = evaluate.top_confused_pairs(y_true, y_pred, class_names=NAMES, k=3)
    assert pairs["count"].tolist() == sorted(matrix.ravel(), reverse=True)[:3]


def test_top_confused_pairs_rejects_bad_k():
    with pytest.raises(ParameterError, match=r"'k' .* int >= 1\. Got 0"):
        evaluate.top_confused_pairs([0], [0], class_names=["a", "b"], k=0)


# --- ROC curves -------------------------------------------------------------------------------


def test_roc_curves_one_vs_rest_match_sklearn(multiclass):
    y_true, y_prob, _ = multiclass
    curves = evaluate.roc_curves(y_true, y_prob, class_names=NAMES)
    assert list(curves) == NAMES
    for index, name in enumerate(NAMES):
        fpr, tpr, auc = curves[name]
        want_fpr, want_tpr, _ = skm.roc_curve(y_true == index, y_prob[:, index])
        np.testing.assert_allclose(fpr, want_fpr)
        np.testing.assert_allclose(tpr, want_tpr)
        assert auc == pytest.approx(skm.roc_auc_score(y_true == index, y_prob[:, index]))
    mean_auc = np.mean([curve[2] for curve in curves.values()])
    assert mean_auc == pytest.approx(evaluate.scores(y_true, y_prob)["roc_auc_ovr"])


def test_roc_curves_binary_returns_the_positive_class(binary):
    y_true, y_prob = binary
    curves = evaluate.roc_curves(y_true, y_prob, class_names=["female", "male"])
    assert list(curves) == ["male"]
    assert curves["male"][2] == pytest.approx(skm.roc_auc_score(y_true, y_prob[:, 1]))


def test_roc_curves_skips_absent_class_with_warning(multiclass):
    y_true, y_prob, _ = multiclass
    keep = y_true != 3
    with pytest.warns(UndefinedMetricWarning, match=r"no ROC curve for classes \['fish'\]"):
        curves = evaluate.roc_curves(y_true[keep], y_prob[keep], class_names=NAMES)
    assert list(curves) == NAMES[:3]


# --- regression, summaries, t-SNE -------------------------------------------------------------


def test_regression_table_matches_sklearn():
    rng = np.random.default_rng(2)
    y_true = np.sin(np.linspace(-np.pi, np.pi, 100))
    y_pred = (y_true + rng.normal(scale=0.1, size=100)).reshape(-1, 1)
    got = evaluate.regression_table(y_true, y_pred)
    assert got == pytest.approx({
        "mse": skm.mean_squared_error(y_true, y_pred[:, 0]),
        "rmse": np.sqrt(skm.mean_squared_error(y_true, y_pred[:, 0])),
        "mae": skm.mean_absolute_error(y_true, y_pred[:, 0]),
        "max_abs_error": np.max(np.abs(y_true - y_pred[:, 0])),
    })


def test_regression_table_rejects_mismatched_and_multioutput():
    with pytest.raises(ParameterError, match=r"'y_true' and 'y_pred' .* Got 3 .* and 2"):
        evaluate.regression_table([0.0, 1.0, 2.0], [0.0, 1.0])
    with pytest.raises(ParameterError, match=r"'y_pred' .* \(n,\) or \(n, 1\).*\(2, 3\)"):
        evaluate.regression_table([0.0, 1.0], np.zeros((2, 3)))


def test_train_val_gap_adds_column_without_changing_input():
    summary = pd.DataFrame({"variant": ["a", "b"], "train_accuracy": [0.9, 0.8],
                            "val_accuracy": [0.7, 0.8]})
    out = evaluate.train_val_gap(summary)
    assert out["gap"].tolist() == pytest.approx([0.2, 0.0])
    assert "gap" not in summary.columns


def test_train_val_gap_names_missing_columns():
    with pytest.raises(ParameterError, match=r"missing \['val_accuracy'\]"):
        evaluate.train_val_gap(pd.DataFrame({"train_accuracy": [0.9]}))


def test_tsne_embed_is_seeded_and_capped():
    data = np.random.default_rng(3).normal(size=(120, 5))
    options = {"perplexity": 10, "max_points": 60, "max_iter": 250}
    points, index = evaluate.tsne_embed(data, seed=1, **options)
    again, index_again = evaluate.tsne_embed(data, seed=1, **options)
    assert points.shape == (60, 2) and index.shape == (60,)
    assert np.all(np.diff(index) > 0)
    np.testing.assert_array_equal(index, index_again)
    np.testing.assert_allclose(points, again)
    _, other = evaluate.tsne_embed(data, seed=2, **options)
    assert not np.array_equal(index, other)


def test_tsne_embed_rejects_perplexity_above_points():
    with pytest.raises(ParameterError, match=r"'perplexity' .* below the number of points \(20\)"):
        evaluate.tsne_embed(np.zeros((20, 3)), perplexity=30)


def test_scores_accept_float32_softmax_rows_without_a_warning():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(200, 10)).astype(np.float32)
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y_true = np.arange(200) % 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = evaluate.scores(y_true, prob.astype(np.float32))
    assert values["accuracy"] == pytest.approx(float((prob.argmax(1) == y_true).mean()))


def test_change_from_compares_each_row_with_its_baseline():
    frame = pd.DataFrame({"test_accuracy": [0.5, 0.75, 0.6, 0.7]},
                         index=["base", "wide", "other", "other_plus"])
    out = evaluate.change_from(frame, {"base": "base", "wide": "base", "other_plus": "other"})
    assert out["compared_to"].tolist() == ["base", "base", "other", "other"]
    np.testing.assert_allclose(out["change"], [0.0, 0.25, 0.0, 0.1])
    assert "change" not in frame


def test_change_from_names_a_missing_baseline_or_metric():
    frame = pd.DataFrame({"test_accuracy": [0.5]}, index=["base"])
    with pytest.raises(ParameterError, match="names \\['gone'\\], which are not rows"):
        evaluate.change_from(frame, "gone")
    with pytest.raises(ParameterError, match="needs a 'val_accuracy' column"):
        evaluate.change_from(frame, "base", metric="val_accuracy")
