"""Tests for course_utils.models: builders, parameter formulas, transfer heads."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.models import (
    ImagePreprocessing,
    batchnorm_params,
    cnn,
    conv2d_params,
    dense_params,
    first_conv_input,
    forecast,
    gru_params,
    lstm_params,
    mlp,
    param_table,
    penultimate,
    resolve_backbone_weights,
    rnn,
    set_trainable,
    transfer,
)


def model_s():
    return cnn((32, 32, 3), 10, blocks=(16, 32, 64), padding="same", dense=(128,))


def ip102_cnn(padding=("same", "valid")):
    return cnn((100, 100, 3), 102, blocks=(32, 64), convs_per_block=2, padding=padding,
               l1=1e-5, l2=1e-5, regularize="first", block_dropout=0.25, dense=(512,),
               dropout=0.5)


def kinds(model):
    return [type(layer).__name__ for layer in model.layers]


def assert_formulas_match_keras(model):
    table = param_table(model)
    assert (table["params_formula"] == table["params_keras"]).all(), table
    assert int(table["params_keras"].sum()) == model.count_params()
    assert int(table["params_formula"].sum()) == model.count_params()


# ---------------------------------------------------------------- course parameter counts
def test_model_s_has_the_courses_156074_parameters():
    model = model_s()
    assert model.count_params() == 156_074
    assert_formulas_match_keras(model)


def test_model_s_first_conv_formula_text():
    table = param_table(model_s())
    assert table.loc[0, "formula"] == "(3*3*3+1)*16"
    assert table.loc[table["layer"] == "output", "formula"].item() == "(128+1)*10"


def test_ip102_cnn_needs_valid_second_convs_for_17452678_parameters():
    model = ip102_cnn()
    assert model.count_params() == 17_452_678
    assert_formulas_match_keras(model)
    assert ip102_cnn(padding="same").count_params() == 20_598_406


def test_ip102_cnn_regularizes_only_the_first_conv_and_drops_out():
    model = ip102_cnn()
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert isinstance(convs[0].kernel_regularizer, keras.regularizers.L1L2)
    assert all(conv.kernel_regularizer is None for conv in convs[1:])
    rates = [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    assert rates == [0.25, 0.25, 0.5]


def test_sine_lstm_has_7457_parameters():
    model = rnn((1, 1), kind="lstm")
    assert model.count_params() == 7_457
    assert_formulas_match_keras(model)


def test_sine_gru_default_reset_after_gives_5745_parameters():
    model = rnn((1, 1), kind="gru")
    assert model.count_params() == 5_745
    assert_formulas_match_keras(model)


def test_sine_gru_without_reset_after_gives_5601_parameters():
    model = rnn((1, 1), kind="gru", reset_after=False)
    assert model.count_params() == 5_601
    assert_formulas_match_keras(model)
    assert param_table(model).loc[0, "formula"] == "3*((1+16)*16+16)"


def test_sine_mlp_is_dense16_dense32_dense1():
    model = rnn((1,), kind="mlp")
    assert [layer.units for layer in model.layers] == [16, 32, 1]
    assert model.count_params() == 609


def test_simple_rnn_formula_matches_keras():
    assert_formulas_match_keras(rnn((5, 1), kind="simple"))


def test_utkface_mlp_has_4483605_parameters():
    model = mlp((100, 100, 1), 5)
    assert model.count_params() == 4_483_605


def test_formula_functions():
    assert dense_params(1024, 128) == 131_200
    assert conv2d_params(3, 3, 16) == 448
    assert conv2d_params((5, 5), 3, 64) == 4_864
    assert lstm_params(1, 16) == 1_152
    assert gru_params(1, 16) - gru_params(1, 16, reset_after=False) == 3 * 16
    assert batchnorm_params(32) == 128


def test_param_table_total_row():
    model = model_s()
    table = param_table(model, total=True)
    assert table.iloc[-1]["layer"] == "total"
    assert table.iloc[-1]["params_keras"] == model.count_params()
    assert table.iloc[-1]["params_formula"] == model.count_params()


# ---------------------------------------------------------------- Fashion-MNIST and CIFAR trials
FASHION = {
    "cnn": {},
    "batch_norm": {"batch_norm": True},
    "dropout": {"dropout": 0.2},
    "l2": {"l2": 1e-4},
    "l1": {"l1": 1e-4},
}


@pytest.mark.parametrize("variant", list(FASHION))
def test_fashion_cnn_variants_build_and_counts_match(variant):
    model = cnn((28, 28, 1), 10, blocks=(32, 32), dense=(128, 84), **FASHION[variant])
    assert_formulas_match_keras(model)
    assert [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)] == [
        128, 84, 10]


def test_fashion_variants_carry_their_regularization():
    bn = cnn((28, 28, 1), 10, blocks=(32, 32), dense=(128, 84), batch_norm=True)
    assert kinds(bn).count("BatchNormalization") == 4
    l1 = cnn((28, 28, 1), 10, blocks=(32, 32), dense=(128, 84), l1=1e-4)
    assert isinstance(l1.layers[0].kernel_regularizer, keras.regularizers.L1)
    l2 = cnn((28, 28, 1), 10, blocks=(32, 32), dense=(128, 84), l2=1e-4)
    assert isinstance(l2.layers[-2].kernel_regularizer, keras.regularizers.L2)


def test_batch_norm_momentum_reaches_every_batchnorm_layer():
    default = mlp((8, 8, 1), 10, hidden=(16,), batch_norm=True)
    assert [layer.momentum for layer in default.layers
            if isinstance(layer, keras.layers.BatchNormalization)] == [0.99]
    fast = cnn((8, 8, 1), 10, blocks=(8, 8), dense=(16,), batch_norm=True,
               batch_norm_momentum=0.9)
    assert [layer.momentum for layer in fast.layers
            if isinstance(layer, keras.layers.BatchNormalization)] == [0.9, 0.9, 0.9]


def test_fashion_baseline_mlp_gives_logits():
    model = mlp((28, 28, 1), 10, hidden=(128,), output_activation=None)
    assert model.count_params() == 101_770
    assert model.layers[-1].activation is keras.activations.linear


def test_cifar_single_conv_same_plus_pool():
    model = cnn((32, 32, 3), 10, blocks=(64,), dense=())
    assert kinds(model) == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert model.count_params() == (3 * 3 * 3 + 1) * 64 + (16 * 16 * 64 + 1) * 10


def test_cifar_valid_padding_shrinks_the_feature_map():
    same = cnn((32, 32, 3), 10, blocks=(32, 64, 128), padding="same")
    valid = cnn((32, 32, 3), 10, blocks=(32, 64, 128), padding="valid")
    assert same.layers[-4].output.shape[1:] == (4, 4, 128)
    assert valid.layers[-4].output.shape[1:] == (2, 2, 128)


def test_cifar_5x5_kernels_and_128_filters():
    model = cnn((32, 32, 3), 10, blocks=(128, 128), kernel_size=5)
    assert model.layers[0].kernel_size == (5, 5)
    assert_formulas_match_keras(model)


def test_cifar_stacked_convs_without_pooling():
    model = cnn((16, 16, 3), 10, blocks=(32, 32, 32), pooling=None, dense=())
    assert "MaxPooling2D" not in kinds(model)
    assert kinds(model).count("Conv2D") == 3


def test_cifar_bn_dropout_l2_with_average_pooling():
    model = cnn((32, 32, 3), 10, blocks=(128, 128, 128), batch_norm=True, block_dropout=0.4,
                l2=1e-4, pooling="average")
    assert kinds(model).count("AveragePooling2D") == 3
    assert kinds(model).count("Dropout") == 3
    assert_formulas_match_keras(model)


def test_cnn_rejects_a_padding_list_of_the_wrong_length():
    with pytest.raises(ParameterError, match="'padding' parameter of cnn"):
        cnn((32, 32, 3), 10, convs_per_block=2, padding=("same",))


def test_cnn_rejects_unknown_pooling():
    with pytest.raises(ParameterError, match="'pooling' parameter of cnn.*Got 'min'"):
        cnn((32, 32, 3), 10, pooling="min")


def test_rnn_rejects_unknown_kind():
    with pytest.raises(ParameterError, match="'kind' parameter of rnn.*Got 'transformer'"):
        rnn((1, 1), kind="transformer")


def test_penultimate_returns_the_embedding_before_the_output_layer():
    model = mlp((8, 8, 1), 10, hidden=(32, 16))
    embedding = penultimate(model)
    assert embedding.predict(np.zeros((2, 8, 8, 1)), verbose=0).shape == (2, 16)


# ---------------------------------------------------------------- transfer
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


def test_transfer_on_a_small_cnn_feature_extractor():
    source = cnn((16, 16, 3), 10, blocks=(8,), dense=(12,))
    model = transfer((16, 16, 3), 4, backbone=penultimate(source), head=(), dropout=0.1)
    assert model.predict(np.zeros((2, 16, 16, 3)), verbose=0).shape == (2, 4)
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == (12 + 1) * 4
    with pytest.raises(ParameterError, match="'imagenet' only for a named backbone"):
        transfer((16, 16, 3), 4, backbone=penultimate(source), weights="imagenet")


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

def test_set_trainable_unfreezes_the_top_layers_but_keeps_batchnorm_frozen():
    model = transfer((32, 32, 3), 3, backbone="mobilenetv2", backbone_options=SMALL)
    backbone = set_trainable(model, top=10)
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
    with pytest.raises(ParameterError, match="'top' parameter of set_trainable.*-1"):
        set_trainable(frozen, top=-1)


# ---------------------------------------------------------------- sine: one timestep, forecasting
def test_rnn_reads_a_flat_input_as_one_timestep_with_the_same_counts():
    for kind, count in (("lstm", 7457), ("gru", 5745)):
        model = rnn((1,), kind=kind)
        assert kinds(model)[0] == "Reshape"
        assert model.count_params() == count
        assert model.predict(np.zeros((3, 1)), verbose=0).shape == (3, 1)
        assert_formulas_match_keras(model)


def _last_plus_one(timesteps):
    model = keras.Sequential([keras.Input((timesteps, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    kernel = np.zeros((timesteps, 1), dtype="float32")
    kernel[-1] = 1.0
    model.layers[-1].set_weights([kernel, np.ones(1, dtype="float32")])
    return model


def test_forecast_feeds_each_prediction_back_into_the_window():
    np.testing.assert_allclose(forecast(_last_plus_one(3), np.zeros(3), 4), [1, 2, 3, 4])


def test_forecast_slides_the_window_rather_than_growing_it():
    model = keras.Sequential([keras.Input((2, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.layers[-1].set_weights([np.ones((2, 1), dtype="float32"), np.zeros(1, "float32")])
    # each value is the sum of the previous two: a Fibonacci roll-forward
    np.testing.assert_allclose(forecast(model, np.array([[1.0], [1.0]]), 4), [2, 3, 5, 8])


def test_forecast_rejects_zero_steps():
    with pytest.raises(ParameterError, match="'steps' parameter of forecast.*Got 0"):
        forecast(_last_plus_one(2), np.zeros(2), 0)


# ---------------------------------------------------------------- backbone input range, weights
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


def test_transfer_rejects_an_unknown_preprocess_name():
    with pytest.raises(ParameterError, match="'preprocess' parameter of transfer.*'alexnet'"):
        transfer((8, 8, 3), 2, backbone=_raw_pixel_backbone(), preprocess="alexnet")


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


def test_resolve_backbone_weights_rejects_a_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="'weights' parameter of resolve_backbone_weights"):
        resolve_backbone_weights("efficientnetb0", tmp_path / "none.weights.h5")
