"""Tests for the course_utils.augment room: its exports, and seeded tf.data pipelines that give
the same batches in any run, thread order and process."""

from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import tensorflow as tf

import course_utils.augment as augment
from course_utils.augment import make_augmenter

#: Every name the flat ``augment`` module exported before the room was split.
OLD_NAMES = ["AUGMENTATIONS", "LABEL_PRESERVING", "Augmenter", "cutout", "gaussian_noise",
             "keras_layers", "label_preserving", "make_augmenter", "random_affine",
             "random_crop_resize"]


def _pipeline_hash(seed: int) -> str:
    """Hash of one pass over a shuffled, batched, augmented dataset."""
    rng = np.random.default_rng(1)
    x = rng.uniform(0.0, 1.0, size=(256, 16, 16, 3)).astype("float32")
    y = np.arange(256)
    augmenter = make_augmenter(["flip", "rotation", "crop", "cutout", "noise"], seed=seed)
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


def test_all_is_a_literal_list_that_keeps_every_old_name():
    source = Path(augment.__file__).read_text(encoding="utf-8")
    (declared,) = [node.value for node in ast.parse(source).body
                   if isinstance(node, ast.Assign) and node.targets[0].id == "__all__"]
    names = ast.literal_eval(declared)
    assert isinstance(names, list) and sorted(names) == sorted(augment.__all__)
    assert set(OLD_NAMES) <= set(names)
    assert all(hasattr(augment, name) for name in names)


def test_augmenter_works_inside_tf_data_map_after_batch():
    images = np.random.default_rng(0).uniform(0.05, 1.0, size=(64, 32, 32, 3)).astype("float32")
    augmenter = make_augmenter(["flip", {"name": "cutout", "size": 4}], seed=0)
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


def test_reshuffled_epochs_get_fresh_augmentations():
    images = np.random.default_rng(0).uniform(0.05, 1.0, size=(64, 32, 32, 3)).astype("float32")
    augmenter = make_augmenter(["rotation"], seed=0)
    ds = tf.data.Dataset.from_tensor_slices(images).shuffle(64, seed=0).batch(16).map(augmenter)
    first, second = (np.concatenate(list(ds.as_numpy_iterator())) for _ in range(2))
    assert not np.array_equal(np.sort(first, axis=None), np.sort(second, axis=None))
