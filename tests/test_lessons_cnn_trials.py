"""Tests for course_utils.lessons.cnn_trials (and the Fashion-MNIST course set-up it shares
with notebook 07): the trials, the seven cumulative models, and the page's numbers."""

from __future__ import annotations

from types import SimpleNamespace

import keras
import numpy as np
import pandas as pd
import pytest

from course_utils._stats import wilson_interval
from course_utils.data import fashion_mnist_available, load_dataset
from course_utils.errors import ParameterError
from course_utils.evaluate import accuracy_interval, paired_comparison
from course_utils.lessons.cnn_trials import (
    COURSE_MODELS,
    COURSE_STEPS,
    accuracy_table,
    beside_originals,
    cnn_trial_variants,
    compare_pairs,
    comparison_frame,
    course_augmentation,
    course_features,
    course_model_variants,
    course_pairs,
    early_stopping_epochs,
    load_course_data,
    pick_on,
    plot_beside_originals,
    shrink,
)
from course_utils.models import cnn, mlp

ALL_TRIALS = ["mlp", "one_block", "three_blocks", "valid_padding", "same_padding", "kernel_3x3",
              "kernel_5x5", "wider", "stacked_no_pool", "bn_dropout_l2"]


# --- the trials -----------------------------------------------------------------------------

def test_cnn_trial_variants_always_include_the_baseline_and_keep_the_order():
    trials = cnn_trial_variants(["wider", "mlp"], batch_norm_momentum=0.9)
    assert list(trials) == ["mlp", "one_block", "wider"]
    assert trials["wider"]["model"]["blocks"] == (128,)
    assert trials["mlp"]["build"] == "mlp"
    bundle = cnn_trial_variants(["bn_dropout_l2"], batch_norm_momentum=0.9)["bn_dropout_l2"]
    assert bundle["model"]["batch_norm_momentum"] == 0.9


def test_the_repeats_are_the_baseline_under_other_names():
    trials = cnn_trial_variants(["same_padding", "kernel_3x3", "kernel_5x5"])
    assert trials["same_padding"] == trials["kernel_3x3"] == trials["one_block"]
    assert trials["kernel_5x5"]["model"] == {"blocks": (64,), "dense": (128,), "kernel_size": 5}


def test_every_trial_builds_with_the_course_builders():
    trials = cnn_trial_variants(ALL_TRIALS, batch_norm_momentum=0.9)
    assert list(trials) == ALL_TRIALS
    counts = {name: (mlp if spec.get("build") == "mlp" else cnn)(
        (16, 16, 1), 10, **spec["model"]).count_params() for name, spec in trials.items()}
    assert counts["one_block"] == 640 + (8 * 8 * 64 + 1) * 128 + 1290
    assert counts["same_padding"] == counts["kernel_3x3"] == counts["one_block"]
    assert counts["valid_padding"] < counts["one_block"] < counts["wider"]


def test_cnn_trial_variants_reject_unknown_names_a_string_and_a_bad_momentum():
    with pytest.raises(ParameterError, match="Unknown: \\['d_cnn'\\]"):
        cnn_trial_variants(["one_block", "d_cnn"])
    with pytest.raises(ParameterError, match="'names' parameter of cnn_trial_variants must be "
                       "a list"):
        cnn_trial_variants("one_block")
    with pytest.raises(ParameterError, match="'batch_norm_momentum' parameter of "
                       "cnn_trial_variants"):
        cnn_trial_variants(["one_block"], batch_norm_momentum=1.5)


# --- the seven cumulative models ------------------------------------------------------------

def test_the_course_models_are_the_originals_seven_in_order():
    assert COURSE_MODELS == ("d_baseline", "d_mlp", "d_cnn", "d_batch_norm", "d_dropout",
                             "d_l2", "d_l1")


def test_each_course_model_adds_exactly_one_thing_to_its_parent():
    assert course_features("d_baseline") == {"augment": False, "conv": False,
                                             "batch_norm": False, "dropout": 0.0, "l2": 0.0,
                                             "l1": 0.0}
    for name, (parent, _) in COURSE_STEPS.items():
        if parent is None:
            continue
        mine, theirs = course_features(name), course_features(parent)
        changed = [key for key in mine if mine[key] != theirs[key]]
        assert len(changed) == 1, (name, changed)
        assert COURSE_MODELS.index(parent) < COURSE_MODELS.index(name)


def test_l2_and_l1_are_siblings_on_the_dropout_model():
    assert COURSE_STEPS["d_l2"][0] == COURSE_STEPS["d_l1"][0] == "d_dropout"
    assert course_features("d_l2")["l1"] == 0.0 and course_features("d_l1")["l2"] == 0.0
    assert course_features("d_l2")["l2"] == course_features("d_l1")["l1"] == 1e-4
    assert course_features("d_l1")["dropout"] == 0.2 and course_features("d_l1")["batch_norm"]
    assert course_pairs(list(COURSE_MODELS)) == [
        ("d_baseline", "d_mlp"), ("d_mlp", "d_cnn"), ("d_cnn", "d_batch_norm"),
        ("d_batch_norm", "d_dropout"), ("d_dropout", "d_l2"), ("d_dropout", "d_l1")]
    assert course_pairs(["d_baseline", "d_cnn"]) == []


def _layers(model, kind):
    return [layer for layer in model.layers if isinstance(layer, kind)]


def test_course_models_build_the_original_architectures():
    specs = course_model_variants(augment=abs, batch_norm_momentum=0.9)
    built = {name: (mlp if spec["build"] == "mlp" else cnn)((28, 28, 1), 10, **spec["model"])
             for name, spec in specs.items()}
    assert built["d_baseline"].count_params() == 784 * 128 + 128 + 129 * 10
    assert built["d_mlp"].count_params() == built["d_baseline"].count_params()
    convs = _layers(built["d_cnn"], keras.layers.Conv2D)
    assert [c.filters for c in convs] == [32, 32] and not _layers(built["d_cnn"],
                                                                  keras.layers.Dropout)
    assert [d.units for d in _layers(built["d_cnn"], keras.layers.Dense)] == [128, 84, 10]
    for name in ("d_batch_norm", "d_dropout", "d_l2", "d_l1"):
        norms = _layers(built[name], keras.layers.BatchNormalization)
        assert len(norms) == 4 and {n.momentum for n in norms} == {0.9}, name
    assert {d.rate for d in _layers(built["d_dropout"], keras.layers.Dropout)} == {0.2}
    l2 = built["d_l2"].layers[0].kernel_regularizer.get_config()
    l1 = built["d_l1"].layers[0].kernel_regularizer.get_config()
    assert l2.get("l2") == pytest.approx(1e-4) and not l2.get("l1")
    assert l1.get("l1") == pytest.approx(1e-4) and not l1.get("l2")
    for model in built.values():  # logits out, trained with from_logits=True
        assert model.layers[-1].get_config()["activation"] == "linear"
    assert all(spec["from_logits"] for spec in specs.values())


def test_only_the_augmented_models_get_the_augmenter():
    specs = course_model_variants(augment=abs)
    assert "augment" not in specs["d_baseline"]
    assert all(specs[name]["augment"] is abs for name in COURSE_MODELS[1:])
    assert {k: v for k, v in specs["d_mlp"].items() if k != "augment"} == specs["d_baseline"]


def test_course_model_variants_need_an_augmenter_only_for_augmented_models():
    assert list(course_model_variants(["d_baseline"], augment=None)) == ["d_baseline"]
    with pytest.raises(ParameterError, match="'augment' parameter of course_model_variants "
                       "must be a batch augmentation"):
        course_model_variants(["d_baseline", "d_mlp"], augment=None)
    with pytest.raises(ParameterError, match="Unknown: \\['d_best'\\]"):
        course_model_variants(["d_best"], augment=abs)


def test_course_augmentation_is_cutout_flip_and_five_degrees():
    assert course_augmentation((28, 28, 1), "fashion_mnist") == [
        {"name": "cutout", "size": 10}, "flip", {"name": "rotation", "factor": 5 / 360}]
    digits = course_augmentation((16, 16, 1), "digits")
    assert digits == [{"name": "cutout", "size": 6}, {"name": "rotation", "factor": 5 / 360}]
    assert course_augmentation((28, 28, 1), "fashion_mnist", cutout_size=4)[0]["size"] == 4
    with pytest.raises(ParameterError, match="'cutout_size' parameter of course_augmentation"):
        course_augmentation((8, 8, 1), "digits", cutout_size=9)


# --- data -----------------------------------------------------------------------------------

def test_shrink_caps_train_per_class_and_validation_but_keeps_the_test_split():
    data = load_dataset("digits")
    small = shrink(data, train_per_class=7, val_size=50, seed=1)
    assert np.bincount(small.y_train).tolist() == [7] * 10
    assert len(small.y_val) == 50 and np.bincount(small.y_val).tolist() == [5] * 10
    assert np.array_equal(small.y_test, data.y_test)
    rows = [np.flatnonzero((data.x_val == x).all(axis=(1, 2, 3)))[0] for x in small.x_val[:5]]
    assert np.array_equal(data.y_val[rows], small.y_val[:5])
    assert shrink(data) is data
    with pytest.raises(ParameterError, match="'val_size' parameter of shrink"):
        shrink(data, val_size=0)


def test_load_course_data_upsamples_digits_with_the_courses_validation_share():
    data = load_course_data("digits")
    assert data.input_shape == (16, 16, 1)
    assert len(data.y_val) / (len(data.y_train) + len(data.y_val)) == pytest.approx(1 / 6,
                                                                                     abs=0.01)


@pytest.mark.skipif(not fashion_mnist_available(), reason="Fashion-MNIST files not installed")
def test_load_course_data_is_the_original_split_of_fashion_mnist():
    data = load_course_data("auto")
    assert (len(data.y_train), len(data.y_val), len(data.y_test)) == (50_000, 10_000, 10_000)
    course = load_dataset("fashion_mnist", val_fraction=1 / 6, val_split="course")
    assert np.array_equal(data.y_val, course.y_val)


# --- early stopping -------------------------------------------------------------------------

def _keras_replay(values, **options):
    """What keras.callbacks.EarlyStopping itself does with ``values`` as val_accuracy."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    stopper = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", **options)
    stopper.set_model(model)
    stopper.on_train_begin()
    run = len(values)
    for epoch, value in enumerate(values):
        stopper.on_epoch_end(epoch, {"val_accuracy": value})
        if getattr(model, "stop_training", False):
            run = epoch + 1
            break
    kept = stopper.best_epoch + 1 if options.get("restore_best_weights") else run
    return kept, run


@pytest.mark.parametrize("options", [
    {"patience": 5, "min_delta": 0.02, "restore_best_weights": True},
    {"patience": 5, "min_delta": 0.0, "restore_best_weights": True},
    {"patience": 2, "min_delta": 0.0, "restore_best_weights": True},
    {"patience": 2, "min_delta": 0.02, "restore_best_weights": False},
    {"patience": 1, "min_delta": 0.005, "restore_best_weights": True},
])
def test_early_stopping_epochs_agrees_with_keras(options):
    curves = [[0.80, 0.83, 0.84, 0.845, 0.849, 0.85, 0.852, 0.853],
              [0.5, 0.6, 0.55, 0.58, 0.57, 0.56, 0.61, 0.6],
              [0.9, 0.9, 0.9, 0.9]]
    for curve in curves:
        assert early_stopping_epochs(curve, **options) == _keras_replay(curve, **options), curve


def test_min_delta_with_restored_weights_throws_away_small_later_gains():
    curve = [0.80, 0.83, 0.84, 0.845, 0.849]  # each later gain is below 0.02
    assert early_stopping_epochs(curve, patience=5, min_delta=0.02) == (2, 5)
    assert early_stopping_epochs(curve, patience=5) == (5, 5)
    with pytest.raises(ParameterError, match="'mode' parameter of early_stopping_epochs"):
        early_stopping_epochs(curve, patience=5, mode="best")


# --- the page's numbers ---------------------------------------------------------------------

class _Run:
    """Enough of a RunResult: data splits and cached test probabilities."""

    def __init__(self, y, predicted, k=3, metrics=None):
        self.data = SimpleNamespace(y_train=y, y_val=y, y_test=y,
                                    split=lambda s: (None, y))
        self._p = np.eye(k)[predicted]
        self.metrics = metrics or {}
        self.predicted = []

    def probabilities(self, split="test"):
        self.predicted.append(split)
        return self._p


def test_compare_pairs_is_the_paired_comparison_of_the_test_predictions():
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    runs = {"a": _Run(y, [0, 1, 2, 0, 0, 0, 0, 0]), "b": _Run(y, y)}
    out = compare_pairs(runs, [("a", "b")], seed=3)
    assert list(out) == ["b_vs_a"]
    expected = paired_comparison(y, runs["a"].probabilities().argmax(1), y, seed=3)
    assert out["b_vs_a"] == expected and out["b_vs_a"].diff == pytest.approx(0.375)
    frame = comparison_frame(out, [("a", "b")])
    assert frame.loc["b_vs_a", ["first", "second"]].tolist() == ["a", "b"]
    runs["c"] = _Run(y[::-1].copy(), y)
    with pytest.raises(ParameterError, match="same test split"):
        compare_pairs(runs, [("a", "c")])


def test_accuracy_table_gives_each_split_its_wilson_interval():
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    table = accuracy_table({"a": _Run(y, [0, 1, 2, 0, 1, 2, 0, 1, 0, 1])}, splits=["test"])
    acc, low, high = accuracy_interval(y, [0, 1, 2, 0, 1, 2, 0, 1, 0, 1])
    assert table.loc["a"].tolist() == pytest.approx([acc, low, high]) and acc == 0.8


def test_accuracy_table_takes_train_and_val_from_keras_and_test_from_the_predictions():
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    run = _Run(y, [0, 1, 2, 0, 1, 2, 0, 1, 0, 1],
               metrics={"train_accuracy": 0.9, "val_accuracy": 0.7, "test_accuracy": 0.1})
    table = accuracy_table({"a": run})
    assert table.loc["a", ["train_accuracy", "val_accuracy", "test_accuracy"]].tolist() == \
        pytest.approx([0.9, 0.7, 0.8])
    assert run.predicted == ["test"]
    assert table.at["a", "val_low"] == pytest.approx(wilson_interval(7, 10)[0])


def test_beside_originals_and_pick_on():
    ours = pd.DataFrame({"val_accuracy": [0.9, 0.92, 0.92], "val_low": [0.0] * 3,
                         "val_high": [1.0] * 3, "test_accuracy": [0.95, 0.9, 0.91],
                         "test_low": [0.0] * 3, "test_high": [1.0] * 3}, index=["a", "b", "c"])
    table = beside_originals(ours, {"a": {"test_accuracy": 0.5}}, ["val", "test"])
    assert table["test_original"].tolist()[0] == 0.5 and table["test_original"].isna().sum() == 2
    assert table.columns.tolist()[3] == "val_original"
    assert pick_on(ours, ["a", "b", "c"], "val") == "b"  # tie goes to the first
    assert pick_on(ours, ["a", "b", "c"], "test") == "a"
    assert pick_on(ours.assign(test_accuracy=[np.nan, 0.1, 0.2]), ["a", "b", "c"], "test") == "c"


def test_plot_beside_originals_draws_both(pyplot):
    table = pd.DataFrame({"test_accuracy": [0.9, 0.8], "test_low": [0.88, 0.77],
                          "test_high": [0.92, 0.83], "test_original": [0.91, 0.85]},
                         index=["d_cnn", "d_mlp"])
    ax = plot_beside_originals(table)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["d_cnn", "d_mlp"]
    assert ax.collections[-1].get_offsets()[:, 0].tolist() == [0.91, 0.85]
