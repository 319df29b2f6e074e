"""Transfer learning experiments on tiny digits: pretraining, label budgets, preprocessing."""

import keras
import numpy as np
import pandas as pd
import pytest

from course_utils.data import load_dataset
from course_utils.errors import ParameterError
from course_utils.models import cnn
from course_utils.transfer_learning import (
    BudgetRuns,
    conv_backbone,
    label_budget_runs,
    preprocessing_demo,
    pretrain,
)

TINY = {"blocks": (4,), "dense": (8,)}


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", image_size=(32, 32), channels=3, limit=150, seed=0)


@pytest.fixture(scope="module")
def source(digits):
    return pretrain(digits, [0, 1, 2, 3, 4], cnn_options=TINY, augment=["noise"], epochs=1,
                    progress=False)


def test_conv_backbone_ends_at_the_feature_map_before_flatten():
    assert conv_backbone(cnn((32, 32, 3), 5, blocks=(8, 16))).output_shape == (None, 8, 8, 16)


def test_conv_backbone_needs_a_flatten_layer():
    dense_only = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)], name="dense_only")
    with pytest.raises(ParameterError, match="'dense_only', which has none"):
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
    with pytest.raises(ParameterError, match="must not set 'output_activation'"):
        pretrain(digits, [0, 1], cnn_options={"output_activation": None}, epochs=1,
                 progress=False)


def test_label_budget_runs_trains_three_methods_per_budget_and_keeps_frozen_frozen(
        digits, source):
    budget = label_budget_runs(digits, source, classes=[5, 6, 7, 8, 9], labels_per_class=[1, 2],
                               epochs=1, fine_tune_epochs=1, progress=False)
    table = budget.table
    assert len(table) == 6 and set(table["method"]) == {"scratch", "frozen", "fine_tuned"}
    assert table.groupby("labels_per_class")["train_examples"].first().tolist() == [5, 10]
    frozen, tuned = budget.runs["frozen_n1"][0], budget.runs["fine_tuned_n1"][0]
    assert frozen.model is not tuned.model
    row = table[(table.method == "frozen") & (table.labels_per_class == 1)].iloc[0]
    recomputed = (frozen.predict("test").argmax(1) == frozen.data.y_test).mean()
    assert row["test_accuracy"] == pytest.approx(recomputed)
    frozen_backbone = frozen.model.layers[1].get_weights()
    for a, b in zip(frozen_backbone, source.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    named = budget.experiments()
    assert list(named)[-3:] == ["scratch", "frozen", "fine_tuned"]
    assert named["frozen"] == (budget.runs["frozen_n1"], 1)
    assert list(budget.summary.columns) == ["scratch", "frozen", "fine_tuned"]


@pytest.mark.parametrize("kwargs, match", [
    ({"labels_per_class": []}, "'labels_per_class' parameter"),
    ({"labels_per_class": [0, 5]}, "'labels_per_class' parameter"),
    ({"labels_per_class": [5, 5]}, "'labels_per_class' parameter"),
    ({"labels_per_class": [5], "repeats": 0}, "'repeats' parameter"),
])
def test_label_budget_runs_checks_budgets_and_repeats(digits, source, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        label_budget_runs(digits, source, classes=[5, 6], **kwargs)


def _budget(rows):
    frame = pd.DataFrame(rows, columns=["method", "labels_per_class", "test_accuracy"])
    return BudgetRuns(table=frame, runs={})


def test_conclusions_compare_the_best_transfer_method_with_scratch_per_budget():
    budget = _budget([
        ("scratch", 1, 0.5), ("frozen", 1, 0.6), ("fine_tuned", 1, 0.7),
        ("scratch", 1, 0.7), ("frozen", 1, 0.6), ("fine_tuned", 1, 0.7),
        ("scratch", 10, 0.95), ("frozen", 10, 0.9), ("fine_tuned", 10, 0.93),
    ])
    out = budget.conclusions()
    assert out["scratch_small"] == pytest.approx(0.6)
    assert out["best_transfer"] == "fine_tuned" and out["transfer_word"] == "helped"
    assert out["transfer_gain"] == pytest.approx(0.1)
    assert (out["budgets_helped"], out["budgets"]) == (1, 2)
    assert out["peak_gain_budget"] == 1 and out["large_winner"] == "scratch"
    assert out["large_gain"] == pytest.approx(-0.02) and out["gain_trend"] == "shrinks"


def test_conclusions_say_when_transfer_did_not_help():
    out = _budget([("scratch", 1, 0.8), ("frozen", 1, 0.6), ("fine_tuned", 1, 0.7)]).conclusions()
    assert out["transfer_word"] == "did not help" and out["transfer_gain"] < 0


def test_preprocessing_demo_shows_the_near_black_input_and_measures_both_ways(digits, source):
    demo = preprocessing_demo(digits, source, classes=[5, 6, 7, 8, 9], epochs=1, samples=8,
                              progress=False)
    assert not demo.on_application and "random initial weights" in demo.weights_note
    assert set(demo.ranges["backbone"]) == {"efficientnetb0", demo.backbone}
    out = demo.conclusions
    assert out["seen_max_right"] == pytest.approx(1.0, abs=1e-5)
    assert out["seen_max_wrong"] == pytest.approx(1 / 255, rel=1e-3)
    assert list(demo.accuracy.index) == ["preprocessed", "unpreprocessed"]
    assert demo.runs["preprocessed"].name == "backbone_preprocessed"
    assert out["mistake_word"] in {"costs", "does not cost"}
