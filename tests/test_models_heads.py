"""Tests for course_utils.models.heads: transfer heads, fine-tuning, embeddings."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.models import ImagePreprocessing, cnn, mlp, penultimate, set_trainable, transfer

SMALL = {"alpha": 0.35}


@pytest.fixture(scope="module")
def frozen():
    """A small MobileNetV2 transfer model (random weights); tests must not change it."""
    return transfer((32, 32, 3), 5, backbone="mobilenetv2", backbone_options=SMALL)


def test_transfer_freezes_the_backbone_and_adds_preprocessing(frozen):
    model = frozen
    assert isinstance(model.get_layer("preprocess"), ImagePreprocessing)
    assert not model.get_layer("backbone").trainable
    head = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert head == (1280 + 1) * 256 + (256 + 1) * 5


def test_transfer_without_preprocess_feeds_inputs_straight_in():
    model = transfer((32, 32, 3), 5, backbone="mobilenetv2", preprocess=False,
                     backbone_options=SMALL)
    assert "preprocess" not in [layer.name for layer in model.layers]


def test_transfer_loads_backbone_weights_from_a_file(frozen, tmp_path):
    first = frozen
    path = tmp_path / "backbone.weights.h5"
    first.get_layer("backbone").save_weights(str(path))
    second = transfer((32, 32, 3), 5, backbone="mobilenetv2", weights=path,
                      backbone_options=SMALL)
    for a, b in zip(first.get_layer("backbone").weights, second.get_layer("backbone").weights,
                    strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a),
                                      keras.ops.convert_to_numpy(b))


def test_transfer_rejects_a_missing_weights_file(tmp_path):
    with pytest.raises(ParameterError, match="'weights' parameter of transfer.*does not exist"):
        transfer((32, 32, 3), 3, backbone="mobilenetv2", weights=tmp_path / "none.weights.h5",
                 backbone_options=SMALL)


def test_transfer_rejects_an_unknown_backbone_name():
    with pytest.raises(ParameterError, match="'backbone' parameter of transfer.*'alexnet'"):
        transfer((32, 32, 3), 3, backbone="alexnet")


def test_transfer_rejects_a_backbone_that_is_neither_a_name_nor_a_model():
    with pytest.raises(ParameterError, match="'backbone' parameter of transfer.*Got 3 instead"):
        transfer((32, 32, 3), 3, backbone=3)


def test_transfer_on_a_small_cnn_feature_extractor():
    source = cnn((16, 16, 3), 10, blocks=(8,), dense=(12,))
    model = transfer((16, 16, 3), 4, backbone=penultimate(source), head=(), dropout=0.1)
    assert model.predict(np.zeros((2, 16, 16, 3)), verbose=0).shape == (2, 4)
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == (12 + 1) * 4
    with pytest.raises(ParameterError, match="'imagenet' only for a named backbone"):
        transfer((16, 16, 3), 4, backbone=penultimate(source), weights="imagenet")


def test_transfer_rejects_an_unknown_preprocess_name():
    source = cnn((8, 8, 3), 4, blocks=(4,), dense=(6,))
    with pytest.raises(ParameterError, match="'preprocess' parameter of transfer.*'alexnet'"):
        transfer((8, 8, 3), 2, backbone=penultimate(source), preprocess="alexnet")


def test_set_trainable_unfreezes_the_top_layers_but_keeps_batchnorm_frozen():
    model = transfer((32, 32, 3), 3, backbone="mobilenetv2", backbone_options=SMALL)
    backbone = set_trainable(model, top=np.int64(10))
    top = backbone.layers[-10:]
    assert all(not layer.trainable for layer in backbone.layers[:-10])
    assert any(layer.trainable for layer in top)
    assert all(not layer.trainable for layer in top
               if isinstance(layer, keras.layers.BatchNormalization))
    assert all(layer.trainable for layer in top
               if not isinstance(layer, keras.layers.BatchNormalization) and layer.weights)
    set_trainable(model, top=0)
    assert not any(layer.trainable for layer in backbone.layers)


def test_set_trainable_rejects_a_negative_count(frozen):
    with pytest.raises(ParameterError, match="'top' parameter of set_trainable.*Got -1 instead"):
        set_trainable(frozen, top=-1)


def test_penultimate_returns_the_embedding_before_the_output_layer():
    model = mlp((8, 8, 1), 10, hidden=(32, 16))
    embedding = penultimate(model)
    assert embedding.predict(np.zeros((2, 8, 8, 1)), verbose=0).shape == (2, 16)
