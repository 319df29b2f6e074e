"""Tests of course_utils.data._splits: seeded splits, balanced limits, the course's split."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.data._splits import (
    COURSE_SPLIT_SEED,
    Request,
    assemble,
    cap_indices,
    split_indices,
    train_val_indices,
)
from course_utils.errors import DatasetError


def request(**kw) -> Request:
    return Request.make("digits", None, needs_dir=False, **kw)


def test_split_indices_cover_every_row_once_and_are_stratified():
    labels = np.repeat(np.arange(4), 25)
    parts = split_indices(labels, request(val_fraction=0.25, test_fraction=0.2))
    together = np.concatenate(list(parts.values()))
    assert sorted(together.tolist()) == list(range(100))
    assert [len(parts[s]) for s in ("train", "val", "test")] == [60, 20, 20]
    assert np.bincount(labels[parts["test"]]).tolist() == [5, 5, 5, 5]


def test_split_indices_fall_back_when_a_class_is_too_small_to_stratify():
    labels = np.array([0] * 9 + [1])
    parts = split_indices(labels, request(val_fraction=0.0, test_fraction=0.3))
    assert len(parts["test"]) == 3 and len(parts["train"]) == 7


def test_cap_indices_takes_classes_in_turn():
    rows = np.arange(100, 130)
    labels = np.array([0] * 20 + [1] * 5 + [2] * 5)
    chosen = cap_indices(rows, labels, 9, seed=0)
    assert np.bincount(labels[chosen - 100]).tolist() == [3, 3, 3]
    assert np.all(np.diff(chosen) > 0)
    np.testing.assert_array_equal(cap_indices(rows, labels, None, seed=0), rows)
    np.testing.assert_array_equal(cap_indices(rows, labels, 100, seed=0), rows)


def test_train_val_indices_stratified_matches_split_indices_without_test():
    labels = np.repeat(np.arange(3), 20)
    req = request(val_fraction=0.25, test_fraction=0.5)
    parts = train_val_indices(labels, req)
    assert set(parts) == {"train", "val"} and len(parts["val"]) == 15
    assert np.bincount(labels[parts["val"]]).tolist() == [5, 5, 5]


def test_train_val_indices_course_is_sklearns_split_with_random_state_42():
    from sklearn.model_selection import train_test_split

    labels = np.arange(600) % 10
    parts = train_val_indices(labels, request(val_fraction=1 / 6, seed=7), val_split="course")
    train, val = train_test_split(np.arange(600), test_size=1 / 6,
                                  random_state=COURSE_SPLIT_SEED)
    np.testing.assert_array_equal(parts["train"], train)
    np.testing.assert_array_equal(parts["val"], val)
    assert len(parts["val"]) == 100


def test_train_val_indices_course_with_limit_and_no_val():
    labels = np.arange(600) % 10
    capped = train_val_indices(labels, request(val_fraction=1 / 6, limit=20), val_split="course")
    assert np.bincount(labels[capped["train"]], minlength=10).tolist() == [2] * 10
    assert len(capped["val"]) == 20
    none = train_val_indices(labels, request(val_fraction=0.0), val_split="course")
    assert len(none["train"]) == 600 and len(none["val"]) == 0


def test_train_val_indices_unknown_split_is_rejected():
    with pytest.raises(DatasetError, match=r"'val_split' parameter of load_dataset must be one "
                       r"of \['stratified', 'course'\]. Got 'random' instead"):
        train_val_indices(np.zeros(4), request(), val_split="random")


def test_assemble_casts_and_gives_empty_splits_the_train_shape():
    x = np.ones((3, 2, 2, 1), dtype=np.float64)
    data = assemble("demo", {"train": (x, [0, 1, 0]), "val": (x[:0], []), "test": (x, [1, 1, 0])},
                    class_names=("a", "b"), description="demo data", source="here")
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert data.x_val.shape == (0, 2, 2, 1) and data.input_shape == (2, 2, 1)
    assert data.source == "here" and data.class_names == ("a", "b")
