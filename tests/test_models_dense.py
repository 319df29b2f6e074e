"""Tests for course_utils.models.dense: the MLP and its input checks."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.models import mlp


def test_utkface_mlp_has_4483605_parameters():
    model = mlp((100, 100, 1), 5)
    assert model.count_params() == 4_483_605


def test_fashion_baseline_mlp_gives_logits():
    model = mlp((28, 28, 1), 10, hidden=(128,), output_activation=None)
    assert model.count_params() == 101_770
    assert model.layers[-1].activation is keras.activations.linear


def test_batch_norm_momentum_reaches_the_batchnorm_layer():
    default = mlp((8, 8, 1), 10, hidden=(16,), batch_norm=True)
    assert [layer.momentum for layer in default.layers
            if isinstance(layer, keras.layers.BatchNormalization)] == [0.99]


def test_mlp_takes_numpy_integers_and_gives_the_same_model():
    plain = mlp((8, 8, 1), 10, hidden=(16, 8))
    numpy = mlp((np.int64(8), np.int64(8), np.int64(1)), np.int64(10),
                hidden=(np.int64(16), np.int64(8)))
    assert numpy.count_params() == plain.count_params() == 1_266
    assert numpy.output_shape == (None, 10)


def test_mlp_dropout_and_activity_penalty_reach_every_hidden_layer():
    model = mlp((4,), 2, hidden=(3, 3), dropout=0.25, activity_l2=1e-3)
    assert [layer.rate for layer in model.layers
            if isinstance(layer, keras.layers.Dropout)] == [0.25, 0.25]
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert all(isinstance(layer.activity_regularizer, keras.regularizers.L2)
               for layer in dense[:-1])


def test_mlp_rejects_a_boolean_class_count_with_the_standard_message():
    with pytest.raises(ParameterError, match=r"^The 'num_classes' parameter of mlp must be an "
                       r"int >= 1\. Got True instead\.$"):
        mlp((8, 8, 1), True)


@pytest.mark.parametrize(("options", "message"), [
    ({"hidden": (16, 0)}, "'hidden' parameter of mlp must be a sequence of ints >= 1"),
    ({"hidden": 16}, "'hidden' parameter of mlp.*Got 16 instead"),
    ({"dropout": 1.0}, "'dropout' parameter of mlp must be a number in \\[0, 1\\)"),
    ({"l2": -0.1}, "'l2' parameter of mlp must be a number >= 0"),
    ({"batch_norm": 1}, "'batch_norm' parameter of mlp must be True or False"),
])
def test_mlp_rejects_bad_options(options, message):
    with pytest.raises(ParameterError, match=message):
        mlp((8, 8, 1), 10, **options)


def test_mlp_rejects_a_bad_input_shape():
    with pytest.raises(ParameterError, match="'input_shape' parameter of mlp.*Got '8x8'"):
        mlp("8x8", 10)
