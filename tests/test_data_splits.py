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


# --- the details a published split depends on (found by mutation testing) -------------------
from sklearn.model_selection import train_test_split  # noqa: E402

from course_utils.data._splits import _take  # noqa: E402


@pytest.mark.parametrize(("options", "message"), [
    ({"grayscale": 1}, "The 'grayscale' parameter of load_dataset must be True or False. "
     "Got 1 instead."),
    ({"val_fraction": 1.5}, "The 'val_fraction' parameter of load_dataset must be a number in "
     "[0, 1). Got 1.5 instead."),
    ({"test_fraction": -0.1}, "The 'test_fraction' parameter of load_dataset must be a number "
     "in [0, 1). Got -0.1 instead."),
    ({"seed": -1}, "The 'seed' parameter of load_dataset must be an int >= 0. Got -1 instead."),
    ({"limit": 0}, "The 'limit' parameter of load_dataset must be None or an int >= 1. "
     "Got 0 instead."),
    ({"on_bad_file": "ignore"}, "The 'on_bad_file' parameter of load_dataset must be one of "
     "['raise', 'skip']. Got 'ignore' instead."),
    ({"image_size": (0, 8)}, "The 'image_size' parameter of load_dataset must be (height, "
     "width) with positive ints. Got (0, 8) instead."),
    ({"image_size": (8,)}, None), ({"image_size": (1, 2, 3)}, None),
    ({"image_size": [8, 8.5]}, None), ({"image_size": "8x8"}, None),
    ({"image_size": (-1, 4)}, None),
])
def test_request_refuses_each_bad_option_with_the_full_message(options, message):
    with pytest.raises(DatasetError) as caught:
        request(**options)
    assert type(caught.value) is DatasetError
    if message is None:
        value = repr(options["image_size"])
        message = ("The 'image_size' parameter of load_dataset must be (height, width) with "
                   f"positive ints. Got {value} instead.")
    assert str(caught.value) == message


def test_request_defaults_are_the_loaders_defaults():
    assert request() == Request(name="digits", data_dir=None)
    assert Request(name="digits", data_dir=None) == Request(
        "digits", None, None, False, 0.2, 0.2, 0, None, "raise")
    assert request(image_size=[1, 1]).image_size == (1, 1)
    # a folder is only looked at when the dataset reads one
    assert Request.make("digits", "/nowhere", needs_dir=False).data_dir is None


def test_request_checks_the_data_folder(tmp_path):
    with pytest.raises(DatasetError) as caught:
        Request.make("utkface", None, needs_dir=True)
    assert str(caught.value) == ("Dataset 'utkface' is read from disk: pass data_dir=<folder "
                                 "holding it>.")
    for options in ({"needs_dir": True}, {"needs_dir": False, "uses_dir": True}):
        with pytest.raises(DatasetError) as caught:
            Request.make("utkface", tmp_path / "none", **options)
        assert str(caught.value) == (
            f"The 'data_dir' folder for 'utkface' does not exist: {tmp_path / 'none'} "
            f"(got data_dir='{tmp_path / 'none'}'); expected a folder holding the dataset.")
    assert Request.make("utkface", tmp_path, needs_dir=False, uses_dir=True).data_dir == tmp_path
    assert Request.make("utkface", None, needs_dir=False, uses_dir=True).data_dir is None


def test_take_splits_even_two_rows_and_always_leaves_one():
    rest, taken = _take(np.arange(2), np.array([0, 1]), 0.5, 0, True)
    assert (len(rest), len(taken)) == (1, 1)
    rest, taken = _take(np.arange(3), np.zeros(3, int), 0.9, 0, True)  # round(2.7) = 3 -> 2
    assert (len(rest), len(taken)) == (1, 2)
    rest, taken = _take(np.arange(1), np.zeros(1, int), 0.9, 0, True)
    assert (rest.tolist(), taken.tolist()) == ([0], [])


def test_take_without_stratification_and_its_fallback_are_sklearns_plain_split():
    rows, labels = np.arange(40), np.repeat([0, 1], [36, 4])
    expected = train_test_split(rows, test_size=10, random_state=5)
    rest, taken = _take(rows, labels, 0.25, 5, stratify=False)
    assert rest.tolist() == expected[0].tolist() and taken.tolist() == expected[1].tolist()
    tiny = np.array([0] * 9 + [1])  # one example of class 1: stratification is impossible
    rest, taken = _take(np.arange(10), tiny, 0.5, 2, True)
    plain = train_test_split(np.arange(10), test_size=5, random_state=2)
    assert rest.tolist() == plain[0].tolist() and taken.tolist() == plain[1].tolist()


def test_split_indices_pin_the_seeded_rows():
    parts = split_indices(np.arange(30) % 3, request(seed=3))
    assert parts["test"].tolist() == [5, 22, 16, 20, 24, 9]
    assert parts["val"].tolist() == [15, 12, 25, 17, 11]
    assert sorted(parts["train"].tolist()) == sorted(
        set(range(30)) - {5, 22, 16, 20, 24, 9, 15, 12, 25, 17, 11})


def test_an_unstratified_split_limits_without_looking_at_labels():
    labels = np.repeat([0, 1], [30, 10])
    parts = split_indices(labels, request(seed=1, limit=5), stratify=False)
    whole = split_indices(labels, request(seed=1), stratify=False)
    for name in parts:
        expected = cap_indices(whole[name], np.zeros(len(whole[name])), 5, 1)
        assert parts[name].tolist() == expected.tolist()


def test_a_limit_is_seeded_and_pinned():
    assert cap_indices(np.arange(20), np.arange(20) % 2, 5, seed=11).tolist() == [2, 8, 9, 15, 18]
    labels = np.arange(40) % 4
    parts = train_val_indices(labels, request(seed=4, limit=6), val_split="course")
    again = train_val_indices(labels, request(seed=4, limit=6), val_split="course")
    other = train_val_indices(labels, request(seed=5, limit=6), val_split="course")
    assert parts["train"].tolist() == again["train"].tolist() != other["train"].tolist()


def test_cap_indices_returns_integer_rows_in_their_order_when_all_fit():
    rows = np.array([7.0, 3.0, 5.0])
    kept = cap_indices(rows, np.array([0, 1, 0]), 3, seed=0)
    assert kept.dtype == np.int64 and kept.tolist() == [7, 3, 5]
    assert cap_indices([7, 3, 5], [0, 1, 0], None, seed=0).tolist() == [7, 3, 5]


def test_assemble_casts_labels_flattens_columns_and_keeps_a_single_example():
    arrays = {"train": (np.ones((2, 3)), np.array([[0.0], [1.0]])),
              "val": (np.ones((1, 3)), [1.0]), "test": ([], [])}
    data = assemble("toy", arrays, class_names=("a", "b"), description="toy")
    assert data.y_train.dtype == np.int64 and data.y_train.tolist() == [0, 1]
    assert data.x_val.shape == (1, 3) and data.y_val.tolist() == [1]
    assert data.x_test.shape == (0, 3) and data.x_test.dtype == np.float32
    assert data.source == ""
    regression = assemble("toy", arrays, class_names=(), description="toy", task="regression")
    assert regression.y_train.dtype == np.float32
