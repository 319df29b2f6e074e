"""Tests for course_utils.augment.layers: Keras random layers by name."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils.augment import keras_layers
from course_utils.augment.layers import KERAS_OPS, apply_keras_layer
from course_utils.errors import ParameterError


def test_keras_layers_builds_the_named_layers_in_order():
    model = keras_layers(["flip", "rotation", "contrast"], seed=0, rotation=0.05)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["RandomFlip", "RandomRotation", "RandomContrast"]
    assert isinstance(model, keras.Sequential)
    assert model.layers[1].factor == (-0.05, 0.05)
    assert model.layers[0].mode == "horizontal"
    out = model(np.ones((2, 16, 16, 3), "float32"), training=True)
    assert out.shape == (2, 16, 16, 3)


def test_keras_layers_names_unknown_names_and_strengths():
    with pytest.raises(ParameterError,
                       match=r"'names' parameter of keras_layers .*'contrast'.*Got 'cutout'"):
        keras_layers(["cutout"], seed=0)
    with pytest.raises(ParameterError, match=r"'blur' parameter of keras_layers .*Got 0\.1"):
        keras_layers(["flip"], blur=0.1)


def test_a_layer_that_keras_refuses_names_the_options():
    with pytest.raises(ParameterError, match=r"'options' parameter of keras.layers.RandomRotation"
                                             r" .*Got factor=0\.1 and \{'bogus': 1\}"):
        KERAS_OPS["rotation"].build(0.1, 0, bogus=1)


def test_apply_keras_layer_follows_the_seed_not_the_layer_state():
    layer = KERAS_OPS["rotation"].build(0.2, 0)
    images = tf.constant(np.random.default_rng(0).uniform(size=(4, 12, 12, 1)), tf.float32)
    seed = tf.constant([1, 2], tf.int32)
    first = apply_keras_layer(layer, images, seed).numpy()
    np.testing.assert_array_equal(first, apply_keras_layer(layer, images, seed).numpy())
    assert not np.array_equal(first, apply_keras_layer(layer, images, seed + 1).numpy())
    assert first.dtype == np.float32 and first.shape == (4, 12, 12, 1)
