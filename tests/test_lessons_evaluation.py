"""Lesson evaluation (notebook 05): the course's split, per-class intervals, confused pairs,
comparisons across label sets, and the identity weighted recall = accuracy."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import make_fashion_mnist
from sklearn.model_selection import train_test_split

from course_utils.errors import ParameterError
from course_utils.evaluate import accuracy_interval, paired_comparison, scores
from course_utils.lessons.evaluation import (
    accuracy_table,
    class_accuracy_table,
    compare_correct,
    confused_pairs,
    course_data,
    metric_name,
)

NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
         "Bag", "Ankle boot"]


def test_course_data_gives_fashion_mnist_the_course_split(tmp_path):
    folder = make_fashion_mnist(tmp_path / "fashion", n_train=60, n_test=20)
    data = course_data("fashion_mnist", folder)
    assert (len(data.y_train), len(data.y_val), len(data.y_test)) == (50, 10, 20)
    # the original course: train_test_split(test_size=1/6, random_state=42), unstratified
    _, val_rows = train_test_split(np.arange(60), test_size=1 / 6, random_state=42)
    np.testing.assert_array_equal(data.y_val, (np.arange(60) % 10)[val_rows])
    same = course_data("Fashion-MNIST", folder)
    np.testing.assert_array_equal(same.y_val, data.y_val)


def test_course_data_lets_options_override_and_leaves_other_datasets_alone(tmp_path):
    folder = make_fashion_mnist(tmp_path / "fashion", n_train=60, n_test=20)
    stratified = course_data("fashion_mnist", folder, val_fraction=0.5, val_split="stratified")
    assert len(stratified.y_val) == 30
    assert np.bincount(stratified.y_val).tolist() == [3] * 10
    digits = course_data("digits", limit=30)
    assert digits.name == "digits" and len(digits.y_val) == 30


def test_course_data_auto_falls_back_to_digits_without_the_files(tmp_path):
    data = course_data("auto", tmp_path, limit=20)
    assert data.name == "digits"


@pytest.mark.parametrize(("name", "want"), [
    ("T-shirt/top", "t_shirt_top"), ("Ankle boot", "ankle_boot"), ("Shirt", "shirt"),
    ("Top", "top"), ("Accessories", "accessories"), (" a - b ", "a_b"),
])
def test_metric_name_lower_cases_and_joins_with_underscores(name, want):
    assert metric_name(name) == want


def test_metric_name_refuses_empty_or_non_strings():
    with pytest.raises(ParameterError, match=r"^The 'name' parameter of metric_name must be a "
                                             r"non-empty string\. Got '' instead\.$"):
        metric_name("")
    with pytest.raises(ParameterError, match=r"Got 3 instead"):
        metric_name(3)


def test_class_accuracy_table_gives_each_class_its_wilson_interval():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 10, 500)
    y_pred = np.where(rng.random(500) < 0.8, y_true, (y_true + 1) % 10)
    table = class_accuracy_table(y_true, y_pred, class_names=NAMES)
    assert table["metric"].tolist()[:2] == ["class_accuracy_t_shirt_top",
                                            "class_accuracy_trouser"]
    for index, row in table.iterrows():
        rows = y_true == index
        acc, low, high = accuracy_interval(y_true[rows], y_pred[rows])
        assert row["support"] == rows.sum()
        assert (row["accuracy"], row["low"], row["high"]) == pytest.approx((acc, low, high))
        assert row["low"] < row["accuracy"] < row["high"]


def test_class_accuracy_table_prefix_and_an_absent_class():
    table = class_accuracy_table([0, 0, 1], [0, 1, 1], class_names=["Top", "Bottom", "Bag"],
                                 prefix="group_accuracy_")
    assert table["metric"].tolist() == ["group_accuracy_top", "group_accuracy_bottom",
                                        "group_accuracy_bag"]
    assert np.isnan(table.loc[2, "accuracy"]) and np.isnan(table.loc[2, "low"])


def test_accuracy_table_takes_answers_with_their_own_labels():
    table = accuracy_table({"ten": ([0, 5, 9, 9], [0, 5, 9, 1]), "three": ([0, 1], [0, 1])})
    assert table.index.tolist() == ["ten", "three"]
    assert table["accuracy"].tolist() == [0.75, 1.0]
    assert table.loc["ten", "low"] == pytest.approx(accuracy_interval([0, 5, 9, 9],
                                                                      [0, 5, 9, 1])[1])
    with pytest.raises(ParameterError, match=r"'answers' .* non-empty dict"):
        accuracy_table({})


def test_confused_pairs_counts_both_directions_in_class_order():
    y_true = [6, 6, 6, 0, 0, 2, 4, 4, 1]
    y_pred = [0, 0, 6, 6, 0, 4, 2, 2, 1]
    pairs = confused_pairs(y_true, y_pred, class_names=NAMES, k=5)
    assert pairs[["first", "second", "count"]].values.tolist() == [
        ["T-shirt/top", "Shirt", 3], ["Pullover", "Coat", 3]]
    assert pairs.loc[0, "share"] == pytest.approx(3 / 5)
    assert len(confused_pairs(y_true, y_true, class_names=NAMES)) == 0


def test_compare_correct_is_the_paired_comparison_of_where_each_was_right():
    rng = np.random.default_rng(1)
    right_a, right_b = rng.random(300) < 0.7, rng.random(300) < 0.8
    cmp = compare_correct(right_a, right_b, seed=3)
    y = rng.integers(0, 3, 300)
    pred_a, pred_b = np.where(right_a, y, (y + 1) % 3), np.where(right_b, y, (y + 2) % 3)
    same = paired_comparison(y, pred_a, pred_b, seed=3)
    assert cmp == same
    assert cmp.diff == pytest.approx(right_b.mean() - right_a.mean())
    with pytest.raises(ParameterError, match=r"'correct_a' .* booleans.*Got an array of "
                                             r"dtype int64 instead"):
        compare_correct(np.array([1, 0]), np.array([True, False]))


def test_weighted_recall_equals_accuracy_whatever_the_imbalance():
    rng = np.random.default_rng(2)
    y_true = rng.choice(3, size=400, p=[0.7, 0.25, 0.05])
    y_prob = rng.dirichlet(np.ones(3), size=400)
    values = scores(y_true, y_prob)
    assert values["recall_weighted"] == pytest.approx(values["accuracy"], abs=1e-12)
    assert values["recall_macro"] != pytest.approx(values["accuracy"], abs=1e-3)
