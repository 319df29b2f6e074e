"""Tests of course_utils.data's Dataset: split, tf_dataset, subset and relabel."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.data import SPLITS, Dataset, load_dataset
from course_utils.errors import DatasetError


@pytest.fixture(scope="module")
def digits() -> Dataset:
    return load_dataset("digits")


def test_split_gives_the_arrays_of_each_split(digits):
    assert SPLITS == ("train", "val", "test")
    x, y = digits.split("val")
    assert x is digits.x_val and y is digits.y_val


def test_split_with_unknown_name_is_rejected(digits):
    with pytest.raises(DatasetError, match=r"'split' parameter of Dataset.split must be one of "
                       r"\['train', 'val', 'test'\]. Got 'valid' instead"):
        digits.split("valid")


def test_tf_dataset_batches_and_one_hot(digits):
    batches = list(digits.tf_dataset("val", batch_size=100, one_hot=True))
    assert batches[0][0].shape == (100, 8, 8, 1)
    assert batches[0][1].shape == (100, 10)
    assert sum(len(b[0]) for b in batches) == len(digits.x_val)
    assert batches[-1][0].shape[0] == len(digits.x_val) % 100 or len(digits.x_val) % 100 == 0
    np.testing.assert_array_equal(np.argmax(batches[0][1], axis=1), digits.y_val[:100])


def test_tf_dataset_shuffles_train_only_seeded_and_reshuffles_each_epoch(digits):
    val = next(iter(digits.tf_dataset("val", batch_size=50)))[1].numpy()
    np.testing.assert_array_equal(val, digits.y_val[:50])
    first = digits.tf_dataset("train", batch_size=50, seed=5)
    second = digits.tf_dataset("train", batch_size=50, seed=5)
    epoch_a = next(iter(first))[1].numpy()
    epoch_b = next(iter(first))[1].numpy()
    np.testing.assert_array_equal(epoch_a, next(iter(second))[1].numpy())
    assert not np.array_equal(epoch_a, epoch_b)
    assert not np.array_equal(epoch_a, digits.y_train[:50])


def test_tf_dataset_applies_a_batch_level_augment(digits):
    batch = next(iter(digits.tf_dataset("test", batch_size=8, augment=lambda x: x * 0.0 + 0.5)))
    np.testing.assert_allclose(batch[0].numpy(), 0.5)


def test_tf_dataset_one_hot_on_regression_is_rejected():
    with pytest.raises(DatasetError, match="one_hot=True needs a classification dataset"):
        load_dataset("sine", n_points=20).tf_dataset("train", one_hot=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 0}, r"'batch_size' parameter of Dataset.tf_dataset must be an int >= 1. "
         r"Got 0 instead"),
        ({"batch_size": True}, r"'batch_size' parameter .* Got True instead"),
        ({"shuffle": "yes"}, r"'shuffle' parameter .* must be True or False. Got 'yes'"),
    ],
)
def test_tf_dataset_bad_options_are_rejected(digits, kwargs, message):
    with pytest.raises(DatasetError, match=message):
        digits.tf_dataset("train", **kwargs)


def test_subset_relabels_kept_classes_and_caps_train_per_class(digits):
    upper = digits.subset(classes=[5, 6, 7, 8, 9], per_class=4, seed=1)
    assert upper.class_names == ("5", "6", "7", "8", "9") and upper.num_classes == 5
    assert np.bincount(upper.y_train).tolist() == [4] * 5
    assert set(upper.y_test) == set(range(5))
    assert len(upper.x_test) == int(np.isin(digits.y_test, [5, 6, 7, 8, 9]).sum())
    by_name = digits.subset(classes=["3", "1"])
    assert by_name.class_names == ("3", "1")
    np.testing.assert_array_equal(by_name.x_val[by_name.y_val == 0],
                                  digits.x_val[digits.y_val == 3])
    assert "at most 4 train examples per class" in upper.description


def test_subset_keeps_attributes_in_step():
    data = load_dataset("sine", n_points=40)
    assert data.attributes["train"]["x"].size == len(data.x_train)
    with pytest.raises(DatasetError, match=r"Dataset.subset needs a classification dataset"):
        data.subset(classes=[0])


def test_subset_with_unknown_class_is_rejected(digits):
    with pytest.raises(DatasetError, match=r"Unknown class 12 for 'digits'"):
        digits.subset(classes=[1, 12])
    with pytest.raises(DatasetError, match=r"Unknown class 'seven'"):
        digits.subset(classes=["seven"])
    with pytest.raises(DatasetError, match=r"lists a class twice"):
        digits.subset(classes=[1, "1"])
    with pytest.raises(DatasetError, match=r"'per_class' parameter of Dataset.subset must be "
                       r"None or an int >= 1. Got 0 instead"):
        digits.subset(per_class=0)


def test_relabel_regroups_classes(digits):
    parity = digits.relabel({i: i % 2 for i in range(10)}, ["even", "odd"])
    assert parity.class_names == ("even", "odd")
    np.testing.assert_array_equal(parity.y_test, digits.y_test % 2)
    assert digits.num_classes == 10  # the original is unchanged (frozen)


def test_relabel_needs_every_class_and_valid_targets(digits):
    with pytest.raises(DatasetError, match=r"classes \[9\] .* are missing"):
        digits.relabel({i: 0 for i in range(9)}, ["all"])
    with pytest.raises(DatasetError, match=r"map to indices 0..1"):
        digits.relabel({i: i for i in range(10)}, ["a", "b"])
    with pytest.raises(DatasetError, match=r"names classes \[10\] that 'digits' does not have"):
        digits.relabel({i: 0 for i in range(11)}, ["all"])
