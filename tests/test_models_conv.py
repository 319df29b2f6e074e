"""Tests for course_utils.models.conv: the CNN of every course experiment."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.models import cnn, param_table


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
    fast = cnn((8, 8, 1), 10, blocks=(8, 8), dense=(16,), batch_norm=True,
               batch_norm_momentum=0.9)
    assert [layer.momentum for layer in fast.layers
            if isinstance(layer, keras.layers.BatchNormalization)] == [0.9, 0.9, 0.9]


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


# ---------------------------------------------------------------- input checks
def test_cnn_takes_numpy_integers_and_gives_the_same_model():
    plain = cnn((8, 8, 1), 10, blocks=(4,), dense=(6,), kernel_size=3)
    numpy = cnn(np.array([8, 8, 1]), np.int64(10), blocks=np.array([4]), dense=(np.int32(6),),
                kernel_size=np.int64(3), convs_per_block=np.int64(1))
    assert kinds(numpy) == kinds(plain)
    assert numpy.count_params() == plain.count_params() == 40 + (4 * 4 * 4 + 1) * 6 + 70


def test_cnn_rejects_a_boolean_kernel_size_with_the_standard_message():
    with pytest.raises(ParameterError, match=r"^The 'kernel_size' parameter of cnn must be an "
                       r"int >= 1\. Got True instead\.$"):
        cnn((8, 8, 1), 10, kernel_size=True)


def test_cnn_rejects_a_padding_list_of_the_wrong_length():
    with pytest.raises(ParameterError, match="'padding' parameter of cnn.*one entry per conv"):
        cnn((32, 32, 3), 10, convs_per_block=2, padding=("same",))


def test_cnn_rejects_unknown_pooling():
    with pytest.raises(ParameterError, match="'pooling' parameter of cnn.*Got 'min'"):
        cnn((32, 32, 3), 10, pooling="min")


@pytest.mark.parametrize(("options", "message"), [
    ({"regularize": "dense"}, "'regularize' parameter of cnn must be one of"),
    ({"blocks": (8, -1)}, "'blocks' parameter of cnn must be a sequence of ints >= 1"),
    ({"convs_per_block": 0}, "'convs_per_block' parameter of cnn must be an int >= 1"),
    ({"block_dropout": 1.5}, "'block_dropout' parameter of cnn"),
    ({"batch_norm_momentum": True}, "'batch_norm_momentum' parameter of cnn.*Got True"),
])
def test_cnn_rejects_bad_options(options, message):
    with pytest.raises(ParameterError, match=message):
        cnn((8, 8, 1), 10, **options)
