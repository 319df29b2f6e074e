"""Tests of course_utils.data.transforms: resizing, channels and class super-groups."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import make_image_folder

from course_utils.data import (
    DEFAULT_GROUPS,
    Dataset,
    class_groups,
    load_dataset,
    resize_images,
    set_channels,
)
from course_utils.errors import DatasetError


@pytest.fixture(scope="module")
def digits() -> Dataset:
    return load_dataset("digits", limit=50)


def test_resize_images_is_bilinear_and_keeps_range():
    images = np.zeros((3, 4, 4, 1), dtype=np.float32)
    images[:, :, 2:] = 1.0
    out = resize_images(images, (8, 8))
    assert out.shape == (3, 8, 8, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out[0, 0, :, 0], [0, 0, 0, 0.25, 0.75, 1, 1, 1], atol=1e-6)
    assert resize_images(images, None) is images and resize_images(images, (4, 4)) is images


def test_set_channels_converts_rgb_to_luminance_and_back():
    rgb = np.zeros((1, 2, 2, 3), dtype=np.float32)
    rgb[..., 0] = 1.0
    gray = set_channels(rgb, grayscale=True, channels=None)
    np.testing.assert_allclose(gray, 0.299, rtol=1e-6)
    again = set_channels(gray, grayscale=False, channels=3)
    assert again.shape == (1, 2, 2, 3)
    np.testing.assert_array_equal(again[..., 0], again[..., 2])
    with pytest.raises(DatasetError, match=r"grayscale=True and channels=3 contradict"):
        set_channels(rgb, grayscale=True, channels=3)


def test_class_groups_default_for_digits_is_by_shape(digits):
    mapping, names = class_groups(digits)
    assert names == ("round", "straight", "curvy")
    assert [mapping[i] for i in range(10)] == [0, 1, 2, 2, 1, 2, 0, 1, 0, 0]
    grouped = digits.relabel(mapping, names)
    assert set(np.unique(grouped.y_train)) == {0, 1, 2}


def test_default_groups_for_fashion_mnist_cover_its_ten_classes():
    groups = DEFAULT_GROUPS["fashion_mnist"]
    assert sorted(i for members in groups.values() for i in members) == list(range(10))
    assert groups["Accessories"] == [8]


def test_class_groups_accepts_names_and_falls_back_to_halves(tmp_path):
    folder = load_dataset("image_folder", make_image_folder(tmp_path, per_class=5))
    assert class_groups(folder) == ({0: 0, 1: 0, 2: 1}, ("cat+dog", "frog"))
    mapping, names = class_groups(folder, {"pet": ["cat", "dog"], "wild": ["frog"]})
    assert mapping == {0: 0, 1: 0, 2: 1} and names == ("pet", "wild")


def test_class_groups_rejects_unknown_repeated_and_missing_classes(digits):
    with pytest.raises(DatasetError, match=r"Unknown class 'seven'"):
        class_groups(digits, {"a": ["seven"]})
    with pytest.raises(DatasetError, match=r"puts class '1' in two super-classes"):
        class_groups(digits, {"a": [0, 1, 2, 3, 4], "b": [1, 5, 6, 7, 8, 9]})
    with pytest.raises(DatasetError, match=r"leaves classes \['9'\] of 'digits' in no"):
        class_groups(digits, {"a": list(range(9))})
    with pytest.raises(DatasetError, match=r"non-empty list of classes. Got \[\] for 'b'"):
        class_groups(digits, {"a": list(range(10)), "b": []})
    with pytest.raises(DatasetError, match=r"non-empty dict of super-class name"):
        class_groups(digits, {})


def test_class_groups_needs_a_classification_dataset():
    with pytest.raises(DatasetError, match=r"Dataset.class_groups needs a classification"):
        class_groups(load_dataset("sine", n_points=20))
