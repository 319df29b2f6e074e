"""Tests of course_utils.data.embedded: scikit-learn's digits and the synthetic sine."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.data import Dataset, load_dataset
from course_utils.errors import DatasetError


@pytest.fixture(scope="module")
def digits() -> Dataset:
    return load_dataset("digits")


# --------------------------------------------------------------------------- digits


def test_digits_default_shapes_dtypes_and_range(digits):
    assert digits.input_shape == (8, 8, 1)
    assert digits.x_train.dtype == np.float32 and digits.y_train.dtype == np.int64
    assert digits.x_train.min() >= 0.0 and digits.x_train.max() == 1.0
    assert digits.num_classes == 10 and digits.task == "classification"
    assert len(digits.x_train) + len(digits.x_val) + len(digits.x_test) == 1797
    assert len(digits.x_test) == pytest.approx(0.2 * 1797, abs=1)
    assert len(digits.x_val) == pytest.approx(0.2 * (1797 - len(digits.x_test)), abs=1)
    assert "scikit-learn" in digits.description and digits.source == "embedded"


def test_digits_splits_are_stratified(digits):
    for split in ("train", "val", "test"):
        counts = np.bincount(digits.split(split)[1], minlength=10)
        assert counts.max() - counts.min() <= 0.05 * counts.sum() + 2


def test_digits_image_size_upsamples_and_channels_option_repeats_gray():
    data = load_dataset("digits", image_size=(32, 32), limit=20)
    assert data.x_train.shape == (20, 32, 32, 1)
    rgb = load_dataset("digits", image_size=(16, 16), channels=3, limit=20)
    assert rgb.input_shape == (16, 16, 3)
    np.testing.assert_array_equal(rgb.x_train[..., 0], rgb.x_train[..., 2])
    assert 0.0 <= rgb.x_train.min() and rgb.x_train.max() <= 1.0


def test_digits_grayscale_without_channels_stays_one_channel():
    assert load_dataset("digits", image_size=(12, 12), limit=5).input_shape == (12, 12, 1)


def test_digits_channels_must_be_one_or_three():
    with pytest.raises(DatasetError, match=r"'channels' parameter of load_dataset must be 1 or "
                       r"3. Got 2 instead"):
        load_dataset("digits", channels=2)
    with pytest.raises(DatasetError, match=r"Got True instead"):
        load_dataset("digits", channels=True)
    assert load_dataset("digits", channels=np.int64(3), limit=2).input_shape == (8, 8, 3)


def test_same_seed_same_split_and_different_seed_different(digits):
    again = load_dataset("digits", seed=0)
    other = load_dataset("digits", seed=1)
    np.testing.assert_array_equal(digits.x_test, again.x_test)
    np.testing.assert_array_equal(digits.y_val, again.y_val)
    assert not np.array_equal(digits.x_test, other.x_test)


def test_limit_caps_each_split_with_balanced_classes():
    data = load_dataset("digits", limit=30)
    assert [len(data.split(s)[0]) for s in ("train", "val", "test")] == [30, 30, 30]
    assert np.bincount(data.y_train, minlength=10).tolist() == [3] * 10


def test_fractions_of_zero_give_empty_splits_with_the_right_shape():
    data = load_dataset("digits", val_fraction=0.0, test_fraction=0.0)
    assert len(data.x_train) == 1797
    assert data.x_val.shape == (0, 8, 8, 1) and data.y_test.shape == (0,)


# --------------------------------------------------------------------------- sine


def test_sine_default_is_x_to_sin_x_regression():
    data = load_dataset("sine")
    assert data.task == "regression" and data.class_names == () and data.num_classes == 0
    assert data.x_train.shape[1:] == (1,) and data.y_train.dtype == np.float32
    assert sum(len(data.split(s)[1]) for s in ("train", "val", "test")) == 1000
    np.testing.assert_allclose(data.y_train, np.sin(data.x_train[:, 0]), atol=1e-6)
    assert data.x_train[:, 0].min() >= -np.pi - 1e-6 and data.x_train[:, 0].max() <= np.pi
    assert np.all(np.diff(data.attributes["train"]["x"]) > 0)
    assert "synthetic" in data.description


def test_sine_windows_hold_previous_values_and_target_is_the_next_one():
    k = 7
    data = load_dataset("sine", n_points=200, timesteps=k, noise=0.1, seed=3)
    assert data.input_shape == (k, 1)
    grid = np.linspace(-np.pi, np.pi, 200)
    for split in ("train", "val", "test"):
        x, y = data.split(split)
        positions = data.attributes[split]["position"].to_numpy()
        np.testing.assert_allclose(grid[positions], data.attributes[split]["x"], atol=1e-12)
        assert np.all(np.diff(positions) == 1), split  # one stretch, every window in it
        for i in range(len(y) - 1):
            assert x[i + 1, -1, 0] == y[i]
            np.testing.assert_array_equal(x[i + 1, :-1, 0], x[i, 1:, 0])


def _window_points(data, split, k):
    """Series positions each window of a split reads or predicts: [p - k, p] per target p."""
    positions = data.attributes[split]["position"].to_numpy()
    return positions, {int(q) for p in positions for q in range(p - k, p + 1)}


@pytest.mark.parametrize(("n_points", "k", "limit"), [(1000, 20, None), (200, 10, None),
                                                       (300, 5, 30)])
def test_sine_windows_are_split_in_time_order_with_no_shared_point(n_points, k, limit):
    data = load_dataset("sine", n_points=n_points, timesteps=k, limit=limit)
    spans = {split: _window_points(data, split, k) for split in ("train", "val", "test")}
    train, val, test = (spans[s][0] for s in ("train", "val", "test"))
    assert len(train) and len(val) and len(test)
    # time order: every training target before every validation target, before every test one
    assert train.max() < val.min() and val.max() < test.min()
    # no window of one split includes a point of a window of another split
    for a, b in (("train", "val"), ("train", "test"), ("val", "test")):
        assert not spans[a][1] & spans[b][1], (a, b)
    # the nearest points of two splits are more than `timesteps` steps apart
    assert min(spans["val"][1]) - max(spans["train"][1]) > k
    assert min(spans["test"][1]) - max(spans["val"][1]) > k
    if limit is not None:
        assert max(len(train), len(val), len(test)) <= limit


def test_sine_time_split_takes_the_fractions_of_the_windows():
    data = load_dataset("sine", n_points=1000, timesteps=20)
    counts = [len(data.split(s)[1]) for s in ("train", "val", "test")]
    assert counts == [576, 144, 180]  # 900 windows (1000 - 5 x 20): test 20%, val 20% of rest
    assert data.attributes["test"]["position"].iloc[-1] == 999  # the test stretch ends the series
    assert "time order" in data.description


def test_sine_without_validation_leaves_one_gap():
    data = load_dataset("sine", n_points=50, timesteps=4, val_fraction=0.0)
    assert len(data.y_val) == 0
    train = data.attributes["train"]["position"].to_numpy()
    test = data.attributes["test"]["position"].to_numpy()
    assert train[0] == 4 and test[-1] == 49 and test[0] - train[-1] == 9  # 4 gap + 4 inputs + 1
    assert len(train) + len(test) == 50 - 3 * 4


def test_sine_too_short_for_three_time_stretches_is_refused():
    with pytest.raises(DatasetError, match=r"'n_points' parameter of load_dataset\('sine'\) "
                       r"must be an int >= 28 for timesteps=5. Got 27 instead. The series is cut"):
        load_dataset("sine", n_points=27, timesteps=5)
    assert len(load_dataset("sine", n_points=28, timesteps=5).y_test) == 1


def test_sine_points_without_windows_stay_a_random_split():
    data = load_dataset("sine", n_points=100)
    train = data.attributes["train"]["position"].to_numpy()
    test = data.attributes["test"]["position"].to_numpy()
    assert test.min() < train.max() and train.min() < test.max()  # interleaved: interpolation
    assert sorted([*train, *test, *data.attributes["val"]["position"]]) == list(range(100))


def test_sine_noise_free_windows_match_sin_of_the_preceding_points():
    data = load_dataset("sine", n_points=50, timesteps=3)
    step = 2 * np.pi / 49
    x_target = data.attributes["test"]["x"].to_numpy()
    expected = np.sin(x_target[:, None] + step * np.array([-3, -2, -1]))
    np.testing.assert_allclose(data.x_test[..., 0], expected, atol=1e-5)
    np.testing.assert_allclose(data.y_test, np.sin(x_target), atol=1e-6)


def test_sine_x_range_sets_the_grid():
    data = load_dataset("sine", n_points=20, x_range=[0, 1], val_fraction=0.0,
                        test_fraction=0.0)
    np.testing.assert_allclose(data.x_train[:, 0], np.linspace(0, 1, 20), atol=1e-7)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_points": 10, "timesteps": 10},
         r"'timesteps' parameter of load_dataset\('sine'\) must be None or an int in \[1, 9\]. "
         r"Got 10 instead"),
        ({"n_points": 1}, r"'n_points' parameter .* must be an int >= 2. Got 1 instead"),
        ({"n_points": 10.0}, r"'n_points' parameter .* Got 10.0 instead"),
        ({"noise": -0.1}, r"'noise' parameter .* must be a number >= 0. Got -0.1 instead"),
        ({"x_range": (1, 0)}, r"'x_range' parameter .* must be \(low, high\) with numbers "
         r"low < high. Got \(1, 0\) instead"),
    ],
)
def test_sine_bad_options_are_rejected(kwargs, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset("sine", **kwargs)
