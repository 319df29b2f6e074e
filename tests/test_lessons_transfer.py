"""Lesson transfer (notebook 09) on tiny digits: pretraining, the three ways, label budgets,
preprocessing."""

import keras
import numpy as np
import pandas as pd
import pytest

from course_utils.data import load_dataset
from course_utils.errors import ParameterError
from course_utils.lessons.transfer import (
    METHODS,
    BudgetRuns,
    conv_backbone,
    fine_tuning_copy,
    label_budget_runs,
    new_head,
    preprocessing_demo,
    pretrain,
    trainable_params,
    ways_table,
)
from course_utils.models import cnn, set_trainable
from course_utils.train import fit, set_seed

TINY = {"blocks": (4,), "dense": (8,)}
TARGET = [5, 6, 7, 8, 9]


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", image_size=(32, 32), channels=3, limit=150, seed=0)


@pytest.fixture(scope="module")
def source(digits):
    return pretrain(digits, [0, 1, 2, 3, 4], cnn_options=TINY, augment=["noise"], epochs=1,
                    progress=False)


@pytest.fixture(scope="module")
def budget(digits, source):
    return label_budget_runs(digits, source, classes=TARGET, labels_per_class=[1, 2],
                             epochs=1, fine_tune_epochs=1, progress=False)


def test_conv_backbone_ends_at_the_feature_map_before_flatten():
    assert conv_backbone(cnn((32, 32, 3), 5, blocks=(8, 16))).output_shape == (None, 8, 8, 16)


def test_conv_backbone_needs_a_flatten_layer():
    dense_only = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)], name="dense_only")
    with pytest.raises(ParameterError, match="The 'model' parameter of conv_backbone must be a "
                       r"model with a Flatten layer .* Got 'dense_only' instead\."):
        conv_backbone(dense_only)


def test_pretrain_trains_on_the_source_classes_and_hands_out_fresh_backbones(source):
    assert source.result.data.class_names == ("0", "1", "2", "3", "4")
    assert source.cnn_options == TINY
    first, second = source.backbone(), source.backbone()
    assert first is not second
    for a, b in zip(first.get_weights(), source.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    first.layers[-2].kernel.assign(np.zeros(first.layers[-2].kernel.shape))
    assert not np.array_equal(second.get_weights()[0], first.get_weights()[0])


def test_pretrain_refuses_a_non_softmax_output(digits):
    with pytest.raises(ParameterError, match="The 'cnn_options' parameter of pretrain must be "
                       "cnn\\(\\) options without 'output_activation'"):
        pretrain(digits, [0, 1], cnn_options={"output_activation": None}, epochs=1,
                 progress=False)


def test_new_head_trains_the_backbone_only_when_it_is_trainable(source):
    frozen_backbone = source.backbone()
    frozen_backbone.trainable = False
    frozen = new_head(frozen_backbone, 5)
    head = 16 * 16 * 4 * 5 + 5  # Flatten of the (16, 16, 4) feature map into Dense(5)
    assert frozen.output_shape == (None, 5) and frozen.name == "frozen"
    assert trainable_params(frozen) == head
    assert frozen.count_params() == head + 3 * 3 * 3 * 4 + 4
    assert trainable_params(new_head(source.backbone(), 5)) == frozen.count_params()


def test_new_head_checks_its_inputs(source):
    with pytest.raises(ParameterError, match="The 'backbone' parameter of new_head must be a "
                       "keras.Model. Got 'str' instead."):
        new_head("efficientnetb0", 5)
    with pytest.raises(ParameterError, match="The 'num_classes' parameter of new_head must be "
                       "an int >= 1. Got True instead."):
        new_head(source.backbone(), True)


def test_fine_tuning_copy_has_the_weights_but_not_the_layers_of_the_original(digits, source):
    backbone = source.backbone()
    backbone.trainable = False
    original = new_head(backbone, 5)
    original.layers[-1].kernel.assign(np.ones(original.layers[-1].kernel.shape))
    copy = fine_tuning_copy(original, source)
    for a, b in zip(copy.get_weights(), original.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert trainable_params(copy) == trainable_params(original)
    set_trainable(copy)
    assert trainable_params(copy) == copy.count_params()
    assert trainable_params(original) < original.count_params()


def test_fine_tuning_copy_refuses_a_model_of_another_shape(source):
    other = new_head(conv_backbone(cnn((32, 32, 3), 5, blocks=(6,))), 5, name="other")
    with pytest.raises(ParameterError, match="The 'model' parameter of fine_tuning_copy must be "
                       "a new_head\\(\\) model on the pretrained backbone. Got 'other'"):
        fine_tuning_copy(other, source)


def test_label_budget_runs_trains_three_methods_per_budget_and_keeps_frozen_frozen(
        budget, source):
    table = budget.table
    assert len(table) == 6 and set(table["method"]) == set(METHODS)
    assert table.groupby("labels_per_class")["train_examples"].first().tolist() == [5, 10]
    frozen, tuned = budget.runs["frozen_n1"][0], budget.runs["fine_tuned_n1"][0]
    assert frozen.model is not tuned.model
    row = table[(table.method == "frozen") & (table.labels_per_class == 1)].iloc[0]
    recomputed = (frozen.predict("test").argmax(1) == frozen.data.y_test).mean()
    assert row["test_accuracy"] == pytest.approx(recomputed)
    frozen_backbone = frozen.model.layers[1].get_weights()
    for a, b in zip(frozen_backbone, source.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert trainable_params(tuned.model) > trainable_params(frozen.model)
    named = budget.experiments()
    assert list(named)[-3:] == ["scratch", "frozen", "fine_tuned"]
    assert named["frozen"] == (budget.runs["frozen_n1"], 1)
    assert list(budget.summary.columns) == ["scratch", "frozen", "fine_tuned"]


def test_the_notebook_steps_by_hand_give_the_runs_of_label_budget_runs(digits, source, budget):
    """Notebook 09's visible cells, for one budget, reproduce label_budget_runs exactly."""
    target = digits.subset(classes=TARGET, per_class=1, seed=0)
    set_seed(0)
    scratch = fit(cnn(target.input_shape, target.num_classes, **source.cnn_options), target,
                  epochs=1, learning_rate=1e-3, seed=0, progress=False)
    set_seed(0)
    backbone = source.backbone()
    backbone.trainable = False
    frozen = fit(new_head(backbone, target.num_classes), target, epochs=1, learning_rate=1e-2,
                 seed=0, progress=False)
    tuned_model = fine_tuning_copy(frozen.model, source)
    set_trainable(tuned_model)
    tuned = fit(tuned_model, target, epochs=1, learning_rate=1e-4, seed=0, progress=False)
    by_hand = ways_table({"scratch": scratch, "frozen": frozen, "fine_tuned": tuned})
    looped = budget.table[budget.table.labels_per_class == 1].set_index("method")
    for method in METHODS:
        np.testing.assert_allclose(by_hand.loc[method, "test_accuracy"],
                                   looped.loc[method, "test_accuracy"])
        np.testing.assert_allclose(
            by_hand.loc[method, "val_accuracy"], looped.loc[method, "val_accuracy"])
    np.testing.assert_allclose(tuned.model.get_weights()[0],
                               budget.runs["fine_tuned_n1"][0].model.get_weights()[0])


def test_ways_table_counts_the_parameters_that_trained(budget):
    runs = {m: budget.runs[f"{m}_n1"][0] for m in METHODS}
    table = ways_table(runs)
    assert list(table.columns) == ["params", "trainable_params", "epochs", "learning_rate",
                                   "train_accuracy", "val_accuracy", "test_accuracy"]
    assert table["epochs"].tolist() == [r.stopped_epoch for r in runs.values()]
    assert table.loc["fine_tuned", "learning_rate"] < table.loc["frozen", "learning_rate"]
    assert table.loc["scratch", "trainable_params"] == table.loc["scratch", "params"]
    assert table.loc["frozen", "trainable_params"] == 16 * 16 * 4 * 5 + 5
    assert table.loc["frozen", "test_accuracy"] == pytest.approx(
        runs["frozen"].accuracy("test"))


@pytest.mark.parametrize("kwargs, match", [
    ({"labels_per_class": []}, "'labels_per_class' parameter of label_budget_runs must be"),
    ({"labels_per_class": [0, 5]}, r"a non-empty list of distinct ints >= 1, e.g. \[1, 5, 25\]"),
    ({"labels_per_class": [5, 5]}, r"Got \[5, 5\] instead"),
    ({"labels_per_class": [True]}, r"Got \[True\] instead"),
    ({"labels_per_class": 5}, "Got 5 instead"),
    ({"labels_per_class": [5], "repeats": 0},
     "The 'repeats' parameter of label_budget_runs must be an int >= 1. Got 0 instead."),
])
def test_label_budget_runs_checks_budgets_and_repeats(digits, source, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        label_budget_runs(digits, source, classes=[5, 6], **kwargs)


def _budget(rows):
    """Rows of (method, labels per class, test accuracy[, val accuracy]); val defaults to test."""
    rows = [row if len(row) == 4 else (*row, row[2]) for row in rows]
    frame = pd.DataFrame(rows, columns=["method", "labels_per_class", "test_accuracy",
                                        "val_accuracy"])
    return BudgetRuns(table=frame, runs={})


def test_conclusions_compare_the_chosen_transfer_method_with_scratch_per_budget():
    budget = _budget([
        ("scratch", 1, 0.5), ("frozen", 1, 0.6), ("fine_tuned", 1, 0.7),
        ("scratch", 1, 0.7), ("frozen", 1, 0.6), ("fine_tuned", 1, 0.7),
        ("scratch", 10, 0.95), ("frozen", 10, 0.9), ("fine_tuned", 10, 0.93),
    ])
    out = budget.conclusions()
    assert out["scratch_small"] == pytest.approx(0.6)
    assert out["best_transfer"] == "fine_tuned" and out["transfer_gain"] == pytest.approx(0.1)
    assert (out["budgets_helped"], out["budgets"]) == (1, 2)
    assert out["peak_gain_budget"] == 1 and out["large_winner"] == "scratch_n10"
    assert out["large_gain"] == pytest.approx(-0.02)
    assert out["gain_drop"] == pytest.approx(0.12)


def test_conclusions_choose_on_validation_and_report_the_choice_on_test():
    # On test fine_tuned looks best at both budgets; validation prefers frozen at 1 label
    # and scratch at 10. Choosing on test would claim a gain of +0.2 at 1 label.
    budget = _budget([
        ("scratch", 1, 0.5, 0.5), ("frozen", 1, 0.55, 0.8), ("fine_tuned", 1, 0.7, 0.6),
        ("scratch", 10, 0.8, 0.9), ("frozen", 10, 0.6, 0.6), ("fine_tuned", 10, 0.9, 0.7),
    ])
    out = budget.conclusions()
    assert out["best_transfer"] == "frozen"
    assert out["best_transfer_small"] == pytest.approx(0.55)
    assert out["transfer_gain"] == pytest.approx(0.05)
    assert out["large_winner"] == "scratch_n10"
    assert out["large_gain"] == pytest.approx(0.1)  # fine_tuned is chosen at 10 on val
    assert budget.validation.loc[1].tolist() == [0.5, 0.8, 0.6]


def test_conclusions_return_numbers_not_words():
    out = _budget([("scratch", 1, 0.8), ("frozen", 1, 0.6), ("fine_tuned", 1, 0.7)]).conclusions()
    assert out["transfer_gain"] == pytest.approx(-0.1) and out["gain_drop"] == 0.0
    assert "transfer_word" not in out and "gain_trend" not in out


def test_preprocessing_demo_shows_the_near_black_input_and_measures_both_ways(digits, source):
    demo = preprocessing_demo(digits, source, classes=TARGET, epochs=1, samples=8,
                              progress=False)
    assert not demo.on_application and "random initial weights" in demo.weights_note
    assert set(demo.ranges["backbone"]) == {"efficientnetb0", demo.backbone}
    out = demo.conclusions
    assert out["seen_max_right"] == pytest.approx(1.0, abs=1e-5)
    assert out["seen_max_wrong"] == pytest.approx(1 / 255, rel=1e-3)
    assert list(demo.accuracy.index) == ["preprocessed", "unpreprocessed"]
    assert demo.runs["preprocessed"].name == "backbone_preprocessed"
    assert out["mistake_cost"] == pytest.approx(out["acc_right"] - out["acc_wrong"])
    assert out["acc_right"] == pytest.approx(demo.runs["preprocessed"].accuracy("test"))


def test_preprocessing_demo_checks_the_sample_count(digits, source):
    with pytest.raises(ParameterError, match="The 'samples' parameter of preprocessing_demo "
                       "must be an int >= 1. Got 0 instead."):
        preprocessing_demo(digits, source, classes=TARGET, samples=0, progress=False)
