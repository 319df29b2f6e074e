"""Tests for course_utils.fairness.synthetic: synthetic groups, planted bias, the mark."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import fairness
from course_utils.errors import ParameterError


def test_synthetic_groups_are_stratified_so_bias_zero_shows_no_disparity():
    y = np.repeat(np.arange(10), 50)
    groups = fairness.synthetic_groups(y, group_fraction=0.3, seed=0)
    assert set(groups) == set(fairness.SYNTHETIC_GROUPS)
    assert np.mean(groups == "group B") == pytest.approx(0.3)
    for digit in range(10):
        assert np.sum(groups[y == digit] == "group B") == 15
    target = (y >= 5).astype(int)
    unbiased = fairness.inject_bias(target, groups, bias=0.0)
    summary = fairness.fairness_summary(target, unbiased, groups, privileged="group A")
    assert summary["statistical_parity_difference"] == pytest.approx(0.0, abs=1e-9)


def test_synthetic_groups_are_seeded():
    y = np.tile([0, 1], 50)
    first = fairness.synthetic_groups(y, seed=np.int64(4))
    np.testing.assert_array_equal(first, fairness.synthetic_groups(y, seed=4))
    assert not np.array_equal(first, fairness.synthetic_groups(y, seed=5))


def test_inject_bias_zero_leaves_labels_unchanged():
    y = np.tile([0, 1], 100)
    groups = fairness.synthetic_groups(y, seed=2)
    biased = fairness.inject_bias(y, groups, bias=0.0)
    np.testing.assert_array_equal(biased, y)
    assert biased is not y


def test_inject_bias_flips_favorable_labels_of_the_disadvantaged_group_only():
    y = np.tile([0, 1], 500)
    groups = fairness.synthetic_groups(y, group_fraction=0.3, seed=0)
    spds = []
    for bias in [0.0, 0.2, 0.6]:
        biased = fairness.inject_bias(y, groups, bias=bias, seed=1)
        changed = biased != y
        assert np.all(groups[changed] == "group B") and np.all(y[changed] == 1)
        assert changed.sum() == round(bias * np.sum((groups == "group B") & (y == 1)))
        spds.append(
            fairness.fairness_summary(y, biased, groups, privileged="group A")[
                "statistical_parity_difference"
            ]
        )
    assert spds[0] == pytest.approx(0.0, abs=1e-9)
    assert spds[1] == pytest.approx(-0.2 * 0.5)
    assert spds[2] == pytest.approx(-0.6 * 0.5)


def test_mark_groups_stamps_only_the_marked_group():
    x = np.zeros((4, 8, 8, 1), dtype=np.float32)
    groups = np.array(["group A", "group B", "group B", "group A"])
    marked = fairness.mark_groups(x, groups)
    assert np.all(marked[1:3, :2, :2, 0] == 1.0)
    assert marked[[0, 3]].sum() == 0 and marked[1:3].sum() == 2 * 4
    assert x.sum() == 0
    assert fairness.mark_groups(x, groups, size=3, value=0.5)[1].sum() == pytest.approx(4.5)


def test_bias_fraction_and_mark_out_of_range_are_refused():
    y = np.tile([0, 1], 10)
    groups = fairness.synthetic_groups(y)
    with pytest.raises(ParameterError, match=r"'bias' parameter of inject_bias must be a number "
                                             r"in \[0, 1\]. Got 1.5 instead"):
        fairness.inject_bias(y, groups, bias=1.5)
    with pytest.raises(ParameterError, match="'group_fraction' parameter of synthetic_groups"):
        fairness.synthetic_groups(y, group_fraction=0.0)
    with pytest.raises(ParameterError, match="Got True instead"):
        fairness.synthetic_groups(y, group_fraction=True)
    with pytest.raises(ParameterError, match="Got 'group Z' instead. The groups present"):
        fairness.inject_bias(y, groups, bias=0.1, disadvantaged="group Z")
    with pytest.raises(ParameterError, match=r"'size' parameter of mark_groups must be an int "
                                             r"in \[1, 8\]. Got 9 instead"):
        fairness.mark_groups(np.zeros((20, 8, 8)), groups, size=9)
    with pytest.raises(ParameterError, match=r"'x' parameter of mark_groups .* Got \(20, 8\)"):
        fairness.mark_groups(np.zeros((20, 8)), groups)


@pytest.fixture(scope="module")
def binary_digits():
    from course_utils.data import load_dataset

    digits = load_dataset("digits", seed=0)
    return digits.relabel({d: int(d >= 5) for d in range(10)}, ["digit < 5", "digit >= 5"])


def test_with_synthetic_groups_marks_group_b_and_biases_train_and_val_labels(binary_digits):
    data = fairness.with_synthetic_groups(binary_digits, group_fraction=0.3, bias=0.5, seed=1)
    for split in ("train", "val", "test"):
        groups = fairness.group_values(data, "group", split=split)
        x, _ = data.split(split)
        in_b = groups == "group B"
        assert np.mean(in_b) == pytest.approx(0.3, abs=0.01)
        assert np.all(x[in_b, :2, :2, 0] == 1.0)
        np.testing.assert_array_equal(x[~in_b], binary_digits.split(split)[0][~in_b])
    np.testing.assert_array_equal(data.y_test, binary_digits.y_test)  # the truth stays clean
    for split in ("train", "val"):  # what reweighing and the post-processor learn from
        groups = fairness.group_values(data, "group", split=split)
        original = binary_digits.split(split)[1]
        changed = data.split(split)[1] != original
        favorable_b = (groups == "group B") & (original == 1)
        assert np.all(favorable_b[changed])
        assert changed.sum() == round(0.5 * favorable_b.sum()) > 0
    assert "SYNTHETIC" in data.description and "bias 0.5" in data.description


def test_with_synthetic_groups_refuses_a_multiclass_dataset_and_bad_shares(binary_digits):
    from course_utils.data import load_dataset

    with pytest.raises(ParameterError, match="must be a binary classification dataset"):
        fairness.with_synthetic_groups(load_dataset("digits", limit=50))
    with pytest.raises(ParameterError, match="'bias' parameter of with_synthetic_groups"):
        fairness.with_synthetic_groups(binary_digits, bias=-0.1)
    with pytest.raises(ParameterError, match="'group_fraction' parameter of with_synthetic"):
        fairness.with_synthetic_groups(binary_digits, group_fraction=1.0)
