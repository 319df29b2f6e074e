"""Tests for course_utils.augment: shapes, ranges, statistics, seeding, tf.data use."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import augment
from course_utils.errors import ParameterError

ALL_NAMES = sorted(augment.AUGMENTATIONS)


@pytest.fixture(scope="module")
def images():
    """A batch of 64 random 32x32 RGB images with no exact zeros."""
    rng = np.random.default_rng(0)
    return rng.uniform(0.05, 1.0, size=(64, 32, 32, 3)).astype("float32")


def _pipeline_hash(seed: int) -> str:
    """Hash of one pass over a shuffled, batched, augmented dataset."""
    rng = np.random.default_rng(1)
    x = rng.uniform(0.0, 1.0, size=(256, 16, 16, 3)).astype("float32")
    y = np.arange(256)
    augmenter = augment.make_augmenter(["flip", "rotation", "crop", "cutout", "noise"], seed=seed)
    ds = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(256, seed=0)
        .batch(32)
        .map(augmenter, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )
    digest = hashlib.sha256()
    for batch_x, batch_y in ds.as_numpy_iterator():
        digest.update(batch_x.tobytes())
        digest.update(batch_y.tobytes())
    return digest.hexdigest()


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_augmentation_keeps_shape_dtype_and_range(images, name):
    out = augment.make_augmenter([name], seed=0)(images)
    assert out.shape == images.shape
    assert out.dtype == tf.float32
    values = out.numpy()
    assert values.min() >= 0.0 and values.max() <= 1.0
    assert not np.array_equal(values, images)


def test_cutout_zeroes_exactly_one_square_where_applied(images):
    out = augment.cutout(images, size=6, probability=1.0, seed=3).numpy()
    zeroed = np.all(out == 0.0, axis=-1)
    for mask in zeroed:
        rows, cols = np.nonzero(mask)
        assert mask.sum() == 36
        assert rows.max() - rows.min() == 5 and cols.max() - cols.min() == 5
    untouched = ~np.repeat(zeroed[..., None], 3, axis=-1)
    np.testing.assert_array_equal(out[untouched], images[untouched])


def test_cutout_applied_fraction_is_near_probability():
    batch = np.ones((4000, 12, 12, 1), dtype="float32")
    out = augment.cutout(batch, size=4, probability=0.3, seed=0).numpy()
    zeros_per_image = (out == 0.0).reshape(len(batch), -1).sum(axis=1)
    assert set(np.unique(zeros_per_image)) <= {0, 16}
    assert abs((zeros_per_image > 0).mean() - 0.3) < 0.03


def test_cutout_probability_zero_changes_nothing(images):
    out = augment.cutout(images, size=10, probability=0.0, seed=0)
    np.testing.assert_array_equal(out.numpy(), images)


def test_gaussian_noise_std_is_the_standard_deviation_not_the_variance():
    batch = np.full((64, 32, 32, 1), 0.5, dtype="float32")
    out = augment.gaussian_noise(batch, std=0.1, seed=0).numpy()
    measured = (out - batch).std()
    assert measured == pytest.approx(0.1, rel=0.03)  # std**2 would give 0.01


def test_gaussian_noise_is_clipped_to_unit_range():
    batch = np.zeros((8, 16, 16, 1), dtype="float32")
    out = augment.gaussian_noise(batch, std=0.5, seed=0).numpy()
    assert out.min() == 0.0 and out.max() <= 1.0


def test_random_crop_resize_changes_images_but_keeps_shape(images):
    out = augment.random_crop_resize(images, min_fraction=0.78, seed=0).numpy()
    assert out.shape == images.shape
    changed = np.abs(out - images).reshape(len(images), -1).max(axis=1) > 1e-3
    assert changed.mean() > 0.9


def test_random_crop_resize_of_full_box_is_the_identity(images):
    out = augment.random_crop_resize(images, min_fraction=1.0, seed=0).numpy()
    np.testing.assert_allclose(out, images, atol=1e-6)


def test_random_crop_resize_zooms_in():
    ramp = np.tile(np.linspace(0.0, 1.0, 32, dtype="float32"), (32, 1))[None, ..., None]
    batch = np.repeat(ramp, 16, axis=0)
    out = augment.random_crop_resize(batch, min_fraction=0.5, seed=1).numpy()
    spans = out[:, 0, -1, 0] - out[:, 0, 0, 0]
    assert np.all(spans <= 1.0 + 1e-6) and spans.mean() < 0.95


def test_random_affine_with_no_motion_is_the_identity(images):
    out = augment.random_affine(images, rotation=0.0, translation=0.0, seed=0).numpy()
    np.testing.assert_allclose(out, images, atol=1e-5)


def test_random_affine_flip_mirrors_about_half_the_images(images):
    out = augment.random_affine(images, rotation=0.0, translation=0.0, flip=True, seed=0).numpy()
    mirrored = [np.allclose(o, i[:, ::-1], atol=1e-5) for o, i in zip(out, images, strict=True)]
    kept = [np.allclose(o, i, atol=1e-5) for o, i in zip(out, images, strict=True)]
    assert all(m or k for m, k in zip(mirrored, kept, strict=True))
    assert 16 <= sum(mirrored) <= 48


def test_random_affine_shift_moves_content_by_whole_pixels():
    batch = np.zeros((32, 20, 20, 1), dtype="float32")
    batch[:, 8:12, 8:12] = 1.0
    out = augment.random_affine(batch, rotation=0.0, translation=0.2, fill_mode="constant",
                                interpolation="nearest", seed=0).numpy()
    assert np.all(out.sum(axis=(1, 2, 3)) == 16)  # the square moved, intact
    assert not np.array_equal(out, batch)


@pytest.mark.parametrize(
    "spec",
    [["crop"], ["cutout"], ["noise"], ["affine"], ["flip", "rotation", "zoom", "translation"]],
)
def test_same_seed_same_output_other_seed_other_output(images, spec):
    first = augment.make_augmenter(spec, seed=5)(images).numpy()
    again = augment.make_augmenter(spec, seed=5)(images).numpy()
    other = augment.make_augmenter(spec, seed=6)(images).numpy()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_hand_made_ops_are_reproducible_per_seed(images):
    ops = (augment.random_crop_resize, augment.cutout, augment.gaussian_noise,
           augment.random_affine)
    for op in ops:
        np.testing.assert_array_equal(op(images, seed=1).numpy(), op(images, seed=1).numpy())
        assert not np.array_equal(op(images, seed=1).numpy(), op(images, seed=2).numpy())


def test_images_in_one_batch_get_different_augmentations():
    batch = np.repeat(np.random.default_rng(0).uniform(size=(1, 16, 16, 1)), 8, 0)
    out = augment.random_crop_resize(batch.astype("float32"), seed=0).numpy()
    assert len({arr.tobytes() for arr in out}) == 8


def test_augmenter_works_inside_tf_data_map_after_batch(images):
    augmenter = augment.make_augmenter(["flip", {"name": "cutout", "size": 4}], seed=0)
    labels = np.arange(len(images))
    ds = (
        tf.data.Dataset.from_tensor_slices((images, labels))
        .batch(16)
        .map(augmenter, num_parallel_calls=tf.data.AUTOTUNE)
    )
    batches = list(ds.as_numpy_iterator())
    assert [b[0].shape for b in batches] == [(16, 32, 32, 3)] * 4
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), labels)
    images_only = tf.data.Dataset.from_tensor_slices(images).batch(16).map(augmenter)
    assert next(iter(images_only)).shape == (16, 32, 32, 3)


def test_two_fresh_pipelines_give_identical_batches():
    assert _pipeline_hash(7) == _pipeline_hash(7)
    assert _pipeline_hash(7) != _pipeline_hash(8)


def test_a_fresh_process_gives_the_same_batches():
    code = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_augment import _pipeline_hash
        print(_pipeline_hash(7))
        """
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == _pipeline_hash(7)


def test_reshuffled_epochs_get_fresh_augmentations(images):
    augmenter = augment.make_augmenter(["rotation"], seed=0)
    ds = tf.data.Dataset.from_tensor_slices(images).shuffle(64, seed=0).batch(16).map(augmenter)
    first, second = (np.concatenate(list(ds.as_numpy_iterator())) for _ in range(2))
    assert not np.array_equal(np.sort(first, axis=None), np.sort(second, axis=None))


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ParameterError, match=r"Unknown augmentation 'shear'.*'crop'.*'zoom'"):
        augment.make_augmenter(["flip", "shear"])


def test_unknown_option_and_bad_value_are_named():
    with pytest.raises(ParameterError, match=r"Unknown option 'width' for augmentation 'cutout'"):
        augment.make_augmenter([{"name": "cutout", "width": 3}])
    with pytest.raises(ParameterError, match=r"'probability' parameter of cutout.*Got 1.5"):
        augment.make_augmenter([{"name": "cutout", "probability": 1.5}])
    with pytest.raises(ParameterError, match=r"'min_fraction'.*Got 0"):
        augment.random_crop_resize(np.zeros((1, 8, 8, 1), "float32"), min_fraction=0, seed=0)
    with pytest.raises(ParameterError, match=r"'size' parameter of cutout.*image side 8"):
        augment.cutout(np.zeros((1, 8, 8, 1), "float32"), size=9, seed=0)
    with pytest.raises(ParameterError, match=r"'fill_mode' parameter of random_affine"):
        augment.make_augmenter([{"name": "affine", "fill_mode": "mirror"}])
    with pytest.raises(ParameterError, match=r"must be a name or a dict"):
        augment.make_augmenter([3])


def test_keras_layers_builds_the_named_layers_in_order():
    model = augment.keras_layers(["flip", "rotation", "contrast"], seed=0, rotation=0.05)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["RandomFlip", "RandomRotation", "RandomContrast"]
    assert isinstance(model, keras.Sequential)
    assert model.layers[1].factor == (-0.05, 0.05)
    assert model.layers[0].mode == "horizontal"
    out = model(np.ones((2, 16, 16, 3), "float32"), training=True)
    assert out.shape == (2, 16, 16, 3)
    with pytest.raises(ParameterError, match=r"unknown name 'cutout'.*'contrast'"):
        augment.keras_layers(["cutout"], seed=0)


def test_label_preserving_says_flip_is_wrong_for_digits():
    assert augment.label_preserving("flip", "digits") is False
    assert augment.label_preserving("flip", "cifar10") is True
    assert augment.label_preserving("flip", "fashion_mnist") is True
    assert augment.label_preserving("rotation", "digits") is True
    with pytest.raises(ParameterError, match=r"Unknown augmentation 'blur'"):
        augment.label_preserving("blur", "digits")
