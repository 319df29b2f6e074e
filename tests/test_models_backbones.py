"""Tests for course_utils.models.backbones: preprocessing, offline weights, first-conv input."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.models import (
    ImagePreprocessing,
    cnn,
    first_conv_input,
    mlp,
    penultimate,
    resolve_backbone_weights,
    transfer,
)


@pytest.mark.parametrize(
    ("application", "zero", "one"),
    [
        ("mobilenetv2", [-1.0, -1.0, -1.0], [1.0, 1.0, 1.0]),
        ("efficientnetb0", [0.0, 0.0, 0.0], [255.0, 255.0, 255.0]),
        ("resnet50", [-103.939, -116.779, -123.68], [151.061, 138.221, 131.32]),
    ],
)
def test_image_preprocessing_maps_unit_range_to_what_the_backbone_expects(application, zero,
                                                                         one):
    layer = ImagePreprocessing(application)
    images = np.stack([np.zeros((2, 2, 3)), np.ones((2, 2, 3))]).astype("float32")
    out = keras.ops.convert_to_numpy(layer(images))
    np.testing.assert_allclose(out[0, 0, 0], zero, rtol=1e-5)
    np.testing.assert_allclose(out[1, 0, 0], one, rtol=1e-5)


def test_image_preprocessing_rejects_an_unknown_application():
    with pytest.raises(ParameterError, match="'application' parameter of ImagePreprocessing"):
        ImagePreprocessing("alexnet")


def test_image_preprocessing_survives_saving_and_loading(tmp_path):
    model = keras.Sequential([keras.Input((4, 4, 3)), ImagePreprocessing("resnet50"),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    path = tmp_path / "preprocess.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.layers[0].application == "resnet50"
    x = np.random.default_rng(0).random((2, 4, 4, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5)


def _raw_pixel_backbone(shape=(8, 8, 3)):
    """A small CNN that, like EfficientNet, expects [0, 255] pixels and rescales inside."""
    inner = penultimate(cnn(shape, 4, blocks=(4,), dense=(6,)))
    return keras.Sequential([keras.Input(shape), keras.layers.Rescaling(1 / 255), inner])


def test_first_conv_input_sees_through_nested_backbones():
    images = np.ones((2, 8, 8, 3), dtype="float32")
    right = transfer((8, 8, 3), 2, backbone=_raw_pixel_backbone(), preprocess="efficientnetb0")
    wrong = transfer((8, 8, 3), 2, backbone=_raw_pixel_backbone(), preprocess=False)
    assert right.get_layer("preprocess").application == "efficientnetb0"
    assert float(first_conv_input(right, images).max()) == pytest.approx(1.0)
    assert float(first_conv_input(wrong, images).max()) == pytest.approx(1 / 255)


def test_first_conv_input_needs_a_conv():
    with pytest.raises(ParameterError, match="no Conv2D layer"):
        first_conv_input(mlp((4,), 2, hidden=(3,)), np.zeros((1, 4)))


def test_efficientnet_weights_load_from_a_saved_file_and_dividing_by_255_darkens_its_input(
        tmp_path):
    first = transfer((32, 32, 3), 3, backbone="efficientnetb0")
    path = tmp_path / "efficientnetb0.weights.h5"
    first.get_layer("backbone").save_weights(str(path))
    weights, note = resolve_backbone_weights("efficientnetb0", path)
    assert weights == str(path) and "efficientnetb0.weights.h5" in note
    right = transfer((32, 32, 3), 3, backbone="efficientnetb0", weights=weights)
    wrong = transfer((32, 32, 3), 3, backbone="efficientnetb0", weights=weights,
                     preprocess=False)
    for a, b in zip(first.get_layer("backbone").weights, wrong.get_layer("backbone").weights,
                    strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a),
                                      keras.ops.convert_to_numpy(b))
    images = np.ones((1, 32, 32, 3), dtype="float32")
    assert float(first_conv_input(right, images).max()) == pytest.approx(1.0, rel=1e-4)
    assert float(first_conv_input(wrong, images).max()) == pytest.approx(1 / 255, rel=1e-4)


def test_resolve_backbone_weights_grants_imagenet_only_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    weights, note = resolve_backbone_weights("efficientnetb0", "imagenet")
    assert weights is None and "not in the Keras cache" in note
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "efficientnetb0_notop.h5").write_bytes(b"")
    assert resolve_backbone_weights("efficientnetb0", "imagenet")[0] == "imagenet"
    assert resolve_backbone_weights("efficientnetb0", None)[0] is None


def test_resolve_backbone_weights_finds_the_cache_under_home_without_keras_home(
        tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".keras" / "models").mkdir(parents=True)
    (tmp_path / ".keras" / "models" / "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
     ).write_bytes(b"")
    assert resolve_backbone_weights("resnet50", "imagenet")[0] == "imagenet"
    assert resolve_backbone_weights("vgg16", "imagenet")[0] is None


def test_resolve_backbone_weights_rejects_a_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="'weights' parameter of resolve_backbone_weights"):
        resolve_backbone_weights("efficientnetb0", tmp_path / "none.weights.h5")
