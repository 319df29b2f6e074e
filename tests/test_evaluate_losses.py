"""Tests for course_utils.evaluate.losses: the softmax loss shapes, checked against Keras."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.evaluate import softmax_loss_curves


def _keras_loss(loss, true_logit: float, num_classes: int) -> float:
    """``loss`` of softmax(logits) against the one-hot class 0, the true class's logit
    ``true_logit`` and the others 0 (so they share 1 - p equally)."""
    logits = np.zeros((1, num_classes), dtype="float64")
    logits[0, 0] = true_logit
    target = np.eye(num_classes, dtype="float64")[[0]]
    probs = keras.ops.softmax(keras.ops.convert_to_tensor(logits), axis=-1)
    return float(keras.ops.convert_to_numpy(loss(target, probs)))


def _true_logit(p: float, num_classes: int) -> float:
    return float(np.log(p * (num_classes - 1) / (1 - p)))


@pytest.mark.parametrize("num_classes", [2, 3, 10])
@pytest.mark.parametrize("p", [0.01, 0.1, 0.3, 0.5, 0.9])
def test_gradients_match_a_finite_difference_of_the_keras_losses(num_classes, p):
    row = softmax_loss_curves([p], num_classes=num_classes).iloc[0]
    z, h = _true_logit(p, num_classes), 1e-5
    for loss, value, gradient in (
        (keras.losses.MeanSquaredError(dtype="float64"), "mse_loss", "mse_gradient"),
        (keras.losses.CategoricalCrossentropy(dtype="float64"), "ce_loss", "ce_gradient"),
    ):
        assert _keras_loss(loss, z, num_classes) == pytest.approx(row[value], rel=1e-6)
        slope = (_keras_loss(loss, z + h, num_classes)
                 - _keras_loss(loss, z - h, num_classes)) / (2 * h)
        assert slope < 0  # both losses fall as the true class's logit rises
        assert -slope == pytest.approx(row[gradient], rel=1e-4)


def test_mse_gradient_at_the_start_is_two_k_minus_1_over_k_cubed():
    for k in (2, 5, 10, 102):
        row = softmax_loss_curves([1 / k], num_classes=k).iloc[0]
        assert row["mse_gradient"] == pytest.approx(2 * (k - 1) / k**3)
        assert row["gradient_ratio"] == pytest.approx(k**2 / 2)
    ten = softmax_loss_curves([0.1], num_classes=10).iloc[0]
    assert ten["gradient_ratio"] == pytest.approx(50.0)  # not 1 / (2 p (1 - p)) = 5.6


def test_two_classes_give_the_single_sigmoid_formula():
    p = np.linspace(0.05, 0.95, 7)
    curves = softmax_loss_curves(p, num_classes=2)
    np.testing.assert_allclose(curves["mse_gradient"], 2 * p * (1 - p) ** 2)
    np.testing.assert_allclose(curves["mse_loss"], (1 - p) ** 2)
    assert list(curves.columns) == ["p", "ce_loss", "ce_gradient", "mse_loss", "mse_gradient",
                                    "gradient_ratio"]


def test_bad_inputs_are_refused_with_the_parameter_named():
    with pytest.raises(ParameterError, match=r"^The 'num_classes' parameter of "
                                             r"softmax_loss_curves must be an int >= 2\. Got 1"):
        softmax_loss_curves([0.5], num_classes=1)
    with pytest.raises(ParameterError, match=r"'num_classes' .* Got True instead"):
        softmax_loss_curves([0.5], num_classes=True)
    with pytest.raises(ParameterError, match=r"'p' .* strictly between 0 and 1\. Got values "
                                             r"from 0 to 0\.5 instead"):
        softmax_loss_curves([0.0, 0.5])
    assert softmax_loss_curves(0.5, num_classes=np.int64(4))["p"].tolist() == [0.5]
