"""Tests for course_utils.train.variants: run_variants and Comparison."""

from __future__ import annotations

import keras
import pytest

from course_utils.data import load_dataset
from course_utils.errors import ParameterError
from course_utils.models import mlp
from course_utils.train import Comparison, run_variants

QUIET = {"progress": False, "batch_size": 32}


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", limit=96)


def small_mlp(data):
    return mlp(data.input_shape, data.num_classes, hidden=(16,))


def test_run_variants_builds_fresh_models_with_the_same_seed(digits):
    variants = {"a": {"model": {"hidden": (8,)}}, "b": {"model": {"hidden": (8,)}}}
    comparison = run_variants(variants, digits, build="mlp", epochs=2, **QUIET)
    assert isinstance(comparison, Comparison)
    assert comparison["a"].metrics == comparison["b"].metrics
    summary = comparison.summary
    assert summary["variant"].tolist() == ["a", "b"]
    assert list(summary.columns[:6]) == ["variant", "params", "train_accuracy", "val_accuracy",
                                         "test_accuracy", "test_loss"]
    assert {"best_epoch", "epochs_run", "epoch_seconds", "wall_seconds"} <= set(summary.columns)
    history = comparison.history
    assert history.columns[0] == "variant"
    assert history["variant"].tolist() == ["a", "a", "b", "b"]
    assert {"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr",
            "epoch_seconds"} <= set(history.columns)


def test_run_variants_lets_a_variant_override_fit_options(digits):
    comparison = run_variants({"short": {"epochs": 1, "optimizer": "sgd"}}, digits, epochs=2,
                              build=lambda: small_mlp(digits), **QUIET)
    assert comparison.summary["epochs_run"].tolist() == [1]
    assert comparison.results["short"].params == small_mlp(digits).count_params()


def test_run_variants_rejects_an_unknown_builder(digits):
    with pytest.raises(ParameterError, match="'build' parameter of run_variants.*'vit'"):
        run_variants({"a": {}}, digits, build="vit")


def test_run_variants_rejects_an_empty_dict(digits):
    with pytest.raises(ParameterError, match="'variants' parameter of run_variants must be a "
                       "non-empty dict"):
        run_variants({}, digits, build="mlp")


def test_run_variants_takes_a_builder_per_variant(digits):
    variants = {"dense": {"build": "mlp", "model": {"hidden": (8,)}},
                "conv": {"model": {"blocks": (4,), "dense": ()}}}
    results = run_variants(variants, digits, build="cnn", epochs=1, **QUIET).results
    assert any(isinstance(layer, keras.layers.Conv2D) for layer in results["conv"].model.layers)
    assert not any(isinstance(layer, keras.layers.Conv2D)
                   for layer in results["dense"].model.layers)


def test_run_variants_rejects_an_unknown_builder_of_one_variant(digits):
    with pytest.raises(ParameterError, match="'build' parameter of run_variants"):
        run_variants({"a": {"build": "lstm"}}, digits, build="mlp", epochs=1, **QUIET)


def test_a_common_tensorboard_folder_gets_one_log_folder_per_variant(digits, tmp_path):
    variants = {"a": {}, "b": {"tensorboard": tmp_path / "own"}}
    run_variants(variants, digits, build="mlp", epochs=1, tensorboard=tmp_path / "logs", **QUIET)
    assert sorted(p.name for p in (tmp_path / "logs").iterdir()) == ["a"]
    assert list((tmp_path / "logs" / "a").rglob("events.out.tfevents.*"))
    assert list((tmp_path / "own").rglob("events.out.tfevents.*"))  # a variant's own wins
