"""Tests for course_utils.augment.ops: shapes, ranges, statistics and seeding of the
hand-made batch operations."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from course_utils.augment import cutout, gaussian_noise, random_affine, random_crop_resize
from course_utils.errors import ParameterError


@pytest.fixture(scope="module")
def images():
    """A batch of 64 random 32x32 RGB images with no exact zeros."""
    rng = np.random.default_rng(0)
    return rng.uniform(0.05, 1.0, size=(64, 32, 32, 3)).astype("float32")


def test_cutout_zeroes_exactly_one_square_where_applied(images):
    out = cutout(images, size=6, probability=1.0, seed=3).numpy()
    zeroed = np.all(out == 0.0, axis=-1)
    for mask in zeroed:
        rows, cols = np.nonzero(mask)
        assert mask.sum() == 36
        assert rows.max() - rows.min() == 5 and cols.max() - cols.min() == 5
    untouched = ~np.repeat(zeroed[..., None], 3, axis=-1)
    np.testing.assert_array_equal(out[untouched], images[untouched])


def test_cutout_applied_fraction_is_near_probability():
    batch = np.ones((4000, 12, 12, 1), dtype="float32")
    out = cutout(batch, size=4, probability=0.3, seed=0).numpy()
    zeros_per_image = (out == 0.0).reshape(len(batch), -1).sum(axis=1)
    assert set(np.unique(zeros_per_image)) <= {0, 16}
    assert abs((zeros_per_image > 0).mean() - 0.3) < 0.03


def test_cutout_probability_zero_changes_nothing(images):
    out = cutout(images, size=10, probability=0.0, seed=0)
    np.testing.assert_array_equal(out.numpy(), images)


def test_cutout_accepts_numpy_ints_as_size_and_seed(images):
    np.testing.assert_array_equal(
        cutout(images, size=np.int64(6), probability=1.0, seed=np.int32(3)).numpy(),
        cutout(images, size=6, probability=1.0, seed=3).numpy())


def test_gaussian_noise_std_is_the_standard_deviation_not_the_variance():
    batch = np.full((64, 32, 32, 1), 0.5, dtype="float32")
    out = gaussian_noise(batch, std=0.1, seed=0).numpy()
    measured = (out - batch).std()
    assert measured == pytest.approx(0.1, rel=0.03)  # std**2 would give 0.01


def test_gaussian_noise_is_clipped_to_unit_range():
    batch = np.zeros((8, 16, 16, 1), dtype="float32")
    out = gaussian_noise(batch, std=0.5, seed=0).numpy()
    assert out.min() == 0.0 and out.max() <= 1.0


def test_random_crop_resize_changes_images_but_keeps_shape(images):
    out = random_crop_resize(images, min_fraction=0.78, seed=0).numpy()
    assert out.shape == images.shape
    changed = np.abs(out - images).reshape(len(images), -1).max(axis=1) > 1e-3
    assert changed.mean() > 0.9


def test_random_crop_resize_of_full_box_is_the_identity(images):
    out = random_crop_resize(images, min_fraction=1.0, seed=0).numpy()
    np.testing.assert_allclose(out, images, atol=1e-6)


def test_random_crop_resize_zooms_in():
    ramp = np.tile(np.linspace(0.0, 1.0, 32, dtype="float32"), (32, 1))[None, ..., None]
    batch = np.repeat(ramp, 16, axis=0)
    out = random_crop_resize(batch, min_fraction=0.5, seed=1).numpy()
    spans = out[:, 0, -1, 0] - out[:, 0, 0, 0]
    assert np.all(spans <= 1.0 + 1e-6) and spans.mean() < 0.95


def test_random_affine_with_no_motion_is_the_identity(images):
    out = random_affine(images, rotation=0.0, translation=0.0, seed=0).numpy()
    np.testing.assert_allclose(out, images, atol=1e-5)


def test_random_affine_flip_mirrors_about_half_the_images(images):
    out = random_affine(images, rotation=0.0, translation=0.0, flip=True, seed=0).numpy()
    mirrored = [np.allclose(o, i[:, ::-1], atol=1e-5) for o, i in zip(out, images, strict=True)]
    kept = [np.allclose(o, i, atol=1e-5) for o, i in zip(out, images, strict=True)]
    assert all(m or k for m, k in zip(mirrored, kept, strict=True))
    assert 16 <= sum(mirrored) <= 48


def test_random_affine_shift_moves_content_by_whole_pixels():
    batch = np.zeros((32, 20, 20, 1), dtype="float32")
    batch[:, 8:12, 8:12] = 1.0
    out = random_affine(batch, rotation=0.0, translation=0.2, fill_mode="constant",
                        interpolation="nearest", seed=0).numpy()
    assert np.all(out.sum(axis=(1, 2, 3)) == 16)  # the square moved, intact
    assert not np.array_equal(out, batch)


def test_hand_made_ops_are_reproducible_per_seed(images):
    for op in (random_crop_resize, cutout, gaussian_noise, random_affine):
        np.testing.assert_array_equal(op(images, seed=1).numpy(), op(images, seed=1).numpy())
        assert not np.array_equal(op(images, seed=1).numpy(), op(images, seed=2).numpy())


def test_a_stateless_seed_tensor_is_used_as_given():
    """An int seed is mixed with the batch's bytes; a seed tensor is taken as it is."""
    low, high = np.full((2, 8, 8, 1), 0.4, "float32"), np.full((2, 8, 8, 1), 0.5, "float32")
    seed = tf.constant([4, 2], tf.int32)
    noise_low = gaussian_noise(low, std=0.01, seed=seed).numpy() - low
    noise_high = gaussian_noise(high, std=0.01, seed=seed).numpy() - high
    np.testing.assert_allclose(noise_low, noise_high, atol=1e-6)
    by_int = gaussian_noise(high, std=0.01, seed=4).numpy() - high
    assert not np.allclose(by_int, gaussian_noise(low, std=0.01, seed=4).numpy() - low)


def test_images_in_one_batch_get_different_augmentations():
    batch = np.repeat(np.random.default_rng(0).uniform(size=(1, 16, 16, 1)), 8, 0)
    out = random_crop_resize(batch.astype("float32"), seed=0).numpy()
    assert len({arr.tobytes() for arr in out}) == 8


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda x: random_crop_resize(x, min_fraction=0, seed=0),
         r"^The 'min_fraction' parameter of random_crop_resize must be a number in "
         r"\(0\.0, 1\.0\]\. Got 0 instead\.$"),
        (lambda x: cutout(x, size=9, seed=0),
         r"'size' parameter of cutout must be an int at most the image side 8\. Got 9"),
        (lambda x: cutout(x, size=0, seed=0), r"'size' parameter of cutout .* >= 1\. Got 0"),
        (lambda x: cutout(x, probability=True, size=2, seed=0),
         r"'probability' parameter of cutout .* \[0\.0, 1\.0\]\. Got True"),
        (lambda x: gaussian_noise(x, std=2.0, seed=0), r"'std' parameter of gaussian_noise"),
        (lambda x: random_affine(x, fill_mode="mirror", seed=0),
         r"'fill_mode' parameter of random_affine must be one of \['constant', .*'mirror'"),
        (lambda x: random_affine(x, flip=1, seed=0),
         r"'flip' parameter of random_affine must be True or False\. Got 1"),
        (lambda x: random_affine(x, rotation=0.6, seed=0), r"'rotation' .* \[0\.0, 0\.5\]"),
        (lambda x: gaussian_noise(x, seed=1.5),
         r"'seed' parameter of gaussian_noise must be an int or a stateless seed tensor"),
        (lambda x: gaussian_noise(x[0], seed=0),
         r"'images' parameter of gaussian_noise .* \(n, height, width, channels\)\. "
         r"Got shape \(8, 8, 1\) instead"),
    ],
)
def test_bad_values_are_named_in_the_standard_message(call, match):
    with pytest.raises(ParameterError, match=match):
        call(np.zeros((1, 8, 8, 1), "float32"))
