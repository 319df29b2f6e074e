"""Tests for course_utils.plots.curves: learning curves, learning rate, loss shapes, regression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import ParameterError
from course_utils.plots import (
    learning_curves,
    loss_curves_vs_probability,
    lr_curve,
    regression_curves,
)


@pytest.fixture
def history():
    rows = [
        {"variant": variant, "epoch": epoch, "accuracy": 0.5 + 0.1 * epoch + shift,
         "val_accuracy": 0.45 + 0.08 * epoch + shift, "loss": 1.0 / epoch,
         "val_loss": 1.1 / epoch, "lr": 0.01 * 0.1 ** (epoch // 3)}
        for shift, variant in ((0.0, "sgd"), (0.05, "adam"))
        for epoch in range(1, 6)
    ]
    return pd.DataFrame(rows)


def _legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_learning_curves_train_dashed_val_solid_one_colour_per_variant(pyplot, history):
    ax = learning_curves(history, metric="accuracy")
    lines = ax.get_lines()
    assert len(lines) == 4
    styles = [line.get_linestyle() for line in lines]
    assert styles == ["--", "-", "--", "-"]
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    assert _legend_texts(ax) == ["sgd", "adam", "train", "validation"]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "accuracy"
    np.testing.assert_allclose(lines[1].get_ydata(), history["val_accuracy"][:5])


def test_learning_curves_accepts_a_single_run_history(pyplot, history):
    one = history[history["variant"] == "sgd"].drop(columns="variant")
    ax = learning_curves(one, metric="loss")
    assert len(ax.get_lines()) == 2


def test_learning_curves_names_unknown_metric(pyplot, history):
    with pytest.raises(ParameterError,
                       match=r"'metric' .* as 'f1' or 'val_f1'\. Got 'f1' instead\. 'history'"):
        learning_curves(history, metric="f1")


def test_lr_curve_is_log_scaled_one_line_per_variant(pyplot, history):
    ax = lr_curve(history)
    assert ax.get_yscale() == "log"
    assert len(ax.get_lines()) == 2
    assert _legend_texts(ax) == ["sgd", "adam"]


def test_lr_curve_names_missing_column(pyplot, history):
    with pytest.raises(ParameterError, match=r"^The 'history' parameter of lr_curve must be a "
                                             r"DataFrame with columns \['epoch', 'lr'\]\. Got "
                                             r"columns .* \(missing \['lr'\]\) instead\.$"):
        lr_curve(history.drop(columns="lr"))
    with pytest.raises(ParameterError, match=r"'history' .* a pandas DataFrame\. Got list"):
        lr_curve([1, 2])


@pytest.mark.parametrize("num_classes", [2, 10])
def test_loss_curves_vs_probability_matches_gradients_of_the_logit(pyplot, num_classes):
    losses_ax, grads_ax = loss_curves_vs_probability(num_classes=num_classes, points=1000)
    ce_line, mse_line, start_line = losses_ax.get_lines()
    assert _legend_texts(losses_ax) == ["cross-entropy", "squared error (Keras MSE)",
                                        "p = 1/K (start)"]
    assert start_line.get_xdata()[0] == pytest.approx(1 / num_classes)
    p, ce = ce_line.get_data()
    np.testing.assert_allclose(ce, -np.log(p))
    # Keras' MSE is a mean over the K outputs; the other K-1 share 1 - p equally.
    np.testing.assert_allclose(mse_line.get_ydata(), (1 - p) ** 2 / (num_classes - 1))
    z = np.log(p * (num_classes - 1) / (1 - p))  # the true-class logit, the others at 0
    for loss_line, grad_line in zip(losses_ax.get_lines()[:2], grads_ax.get_lines()[:2],
                                    strict=True):
        numeric = np.abs(np.gradient(loss_line.get_ydata(), z))
        np.testing.assert_allclose(grad_line.get_ydata()[5:-5], numeric[5:-5], rtol=0.02,
                                   atol=1e-4)
    grads = [line.get_ydata() for line in grads_ax.get_lines()[:2]]
    # MSE's gradient vanishes when confidently wrong; cross-entropy's does not.
    assert grads[1][0] < 0.01 < grads[0][0]


def test_loss_curves_vs_probability_mse_gradient_at_the_start_is_two_k_minus_1_over_k_cubed(
        pyplot):
    _, grads_ax = loss_curves_vs_probability(num_classes=10, points=999)
    p, mse = grads_ax.get_lines()[1].get_data()
    at_start = np.interp(0.1, p, mse)
    assert at_start == pytest.approx(2 * 9 / 10**3, rel=1e-3)
    # the single-sigmoid formula 2p(1-p)^2 would be nine times larger here
    assert 2 * 0.1 * 0.9**2 / at_start == pytest.approx(9, rel=1e-3)


def test_loss_curves_vs_probability_uses_given_axes(pyplot):
    fig, axes = pyplot.subplots(1, 2)
    out = loss_curves_vs_probability(axes=axes)
    assert list(out) == list(axes) and pyplot.get_fignums() == [fig.number]
    with pytest.raises(ParameterError, match=r"'points' .* an int >= 2\. Got 1 instead"):
        loss_curves_vs_probability(points=1)
    with pytest.raises(ParameterError, match=r"'num_classes' .* an int >= 2\. Got 1 instead"):
        loss_curves_vs_probability(num_classes=1)


def test_regression_curves_true_learned_and_training_range(pyplot):
    x = np.linspace(-2 * np.pi, 2 * np.pi, 60)[::-1].reshape(-1, 1)
    curves = {"mlp": np.sin(x[:, 0]) * 0.9, "lstm": np.sin(x[:, 0]) * 1.1}
    ax = regression_curves(x, curves, y_true=np.sin(x), train_range=(-np.pi, np.pi))
    assert len(ax.get_lines()) == 3
    assert _legend_texts(ax) == ["training range", "true", "mlp", "lstm"]
    assert np.all(np.diff(ax.get_lines()[0].get_xdata()) > 0)
    assert len(ax.patches) == 1


def test_regression_curves_rejects_wrong_lengths_and_shapes(pyplot):
    with pytest.raises(ParameterError,
                       match=r"'curves' .* one value per x \(4\)\. Got 3 values for 'gru'"):
        regression_curves(np.arange(4), {"gru": np.zeros(3)})
    with pytest.raises(ParameterError, match=r"'y_true' .* Got 5 values for 'true'"):
        regression_curves(np.arange(4), {"gru": np.zeros(4)}, y_true=np.zeros(5))
    with pytest.raises(ParameterError, match=r"'x' .* \(n,\) or \(n, 1\)\. Got shape \(2, 2\)"):
        regression_curves(np.zeros((2, 2)), {})
