"""Tests for course_utils.train.optimizers: seeds, optimizers by name, optimizer variants."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.train import get_optimizer, optimizer_variants, set_seed


# ---------------------------------------------------------------- seeds
def test_set_seed_rejects_a_non_integer():
    with pytest.raises(ParameterError, match="'seed' parameter of set_seed.*'zero'"):
        set_seed("zero")


def test_set_seed_rejects_a_boolean_with_the_standard_message():
    with pytest.raises(ParameterError, match=r"^The 'seed' parameter of set_seed must be an "
                       r"int >= 0\. Got True instead\.$"):
        set_seed(True)


def test_set_seed_takes_a_numpy_integer_and_seeds_the_same_way():
    set_seed(np.int64(7), deterministic=False)
    first = np.random.random(3)
    set_seed(7, deterministic=False)
    np.testing.assert_array_equal(first, np.random.random(3))


# ---------------------------------------------------------------- optimizers
@pytest.mark.parametrize(
    ("spec", "cls"),
    [("sgd", keras.optimizers.SGD), ("adam", keras.optimizers.Adam),
     ("adamax", keras.optimizers.Adamax), ("rmsprop", keras.optimizers.RMSprop),
     ("adagrad", keras.optimizers.Adagrad), ("nadam", keras.optimizers.Nadam)],
)
def test_optimizer_names_resolve_to_keras_classes(spec, cls):
    assert type(get_optimizer(spec)) is cls


def test_momentum_and_nesterov_are_sgd_with_momentum():
    momentum = get_optimizer("momentum")
    nesterov = get_optimizer("nesterov")
    assert isinstance(momentum, keras.optimizers.SGD) and momentum.momentum == 0.9
    assert nesterov.nesterov and not momentum.nesterov


def test_optimizer_dict_and_learning_rate_override():
    opt = get_optimizer({"name": "sgd", "learning_rate": 0.01, "momentum": 0.5})
    assert opt.momentum == 0.5
    assert float(opt.learning_rate) == pytest.approx(0.01)
    assert float(get_optimizer("adam", learning_rate=0.05).learning_rate) == pytest.approx(0.05)


def test_optimizer_object_gets_the_learning_rate_override():
    given = keras.optimizers.SGD(learning_rate=0.1)
    assert get_optimizer(given, learning_rate=0.02) is given
    assert float(given.learning_rate) == pytest.approx(0.02)


def test_learning_rate_must_be_a_number():
    with pytest.raises(ParameterError, match="'learning_rate' parameter of get_optimizer must "
                       "be a number >= 0. Got True instead."):
        get_optimizer("sgd", learning_rate=True)


def test_optimizer_dict_with_lr_names_the_fix():
    with pytest.raises(ParameterError, match="'lr'; Keras 3 calls it 'learning_rate'"):
        get_optimizer({"name": "sgd", "lr": 0.01})


def test_unknown_optimizer_is_rejected():
    with pytest.raises(ParameterError, match="'optimizer' parameter.*Got 'lbfgs'"):
        get_optimizer("lbfgs")


def test_optimizer_options_that_do_not_fit_are_rejected():
    with pytest.raises(ParameterError, match="do not fit Adam"):
        get_optimizer({"name": "adam", "momentum": 0.9})


# ---------------------------------------------------------------- variants
def test_optimizer_variants_are_named_after_optimizer_and_momentum():
    variants = optimizer_variants(["sgd", {"name": "sgd", "momentum": 0.5}, "adam",
                                   {"name": "adam", "beta_1": 0.8}])
    assert list(variants) == ["sgd", "momentum_0.5", "adam", "adam_beta_1_0.8"]
    assert variants["momentum_0.5"] == {"optimizer": {"name": "sgd", "momentum": 0.5}}


def test_optimizer_variants_take_learning_rates_by_variant_then_optimizer_name():
    variants = optimizer_variants(
        ["sgd", {"name": "sgd", "momentum": 0.9}, "adam", "rmsprop"],
        learning_rates={"sgd": 0.01, "momentum_0.9": 0.05, "adam": 0.002})
    rates = {name: v.get("learning_rate") for name, v in variants.items()}
    assert rates == {"sgd": 0.01, "momentum_0.9": 0.05, "adam": 0.002, "rmsprop": None}
    one = optimizer_variants(["sgd", "adam"], learning_rates=0.1)
    assert {v["learning_rate"] for v in one.values()} == {0.1}


def test_optimizer_variants_use_a_label_and_drop_it_from_the_spec():
    variants = optimizer_variants([{"name": "sgd", "momentum": 0.9, "label": "heavy"}])
    assert variants == {"heavy": {"optimizer": {"name": "sgd", "momentum": 0.9}}}


@pytest.mark.parametrize("optimizers, message", [
    ("sgd", "non-empty list"),
    (["sgd", "sgd"], "lists 'sgd' twice"),
    ([{"momentum": 0.9}], "'name' key"),
    (["lbfgs"], "Got 'lbfgs'"),
])
def test_optimizer_variants_reject_bad_lists(optimizers, message):
    with pytest.raises(ParameterError, match=message):
        optimizer_variants(optimizers)


def test_optimizer_variants_reject_a_bad_learning_rate():
    with pytest.raises(ParameterError, match="'learning_rates' parameter of optimizer_variants "
                       "must be a positive number.*Got -1 instead. That is the entry for 'adam'"):
        optimizer_variants(["adam"], learning_rates={"adam": -1})
