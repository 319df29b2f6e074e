"""Tests for course_utils.augment.pipeline: the table, make_augmenter and label_preserving."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from course_utils.augment import AUGMENTATIONS, Augmenter, label_preserving, make_augmenter
from course_utils.errors import ParameterError

ALL_NAMES = sorted(AUGMENTATIONS)


@pytest.fixture(scope="module")
def images():
    """A batch of 64 random 32x32 RGB images with no exact zeros."""
    rng = np.random.default_rng(0)
    return rng.uniform(0.05, 1.0, size=(64, 32, 32, 3)).astype("float32")


def test_the_table_names_nine_augmentations_with_their_defaults():
    assert ALL_NAMES == ["affine", "contrast", "crop", "cutout", "flip", "noise", "rotation",
                         "translation", "zoom"]
    assert AUGMENTATIONS["noise"].defaults == {"std": 0.05}
    assert AUGMENTATIONS["cutout"].defaults == {"size": 10, "probability": 0.5}
    assert AUGMENTATIONS["rotation"].description == "keras.layers.RandomRotation"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_augmentation_keeps_shape_dtype_and_range(images, name):
    out = make_augmenter([name], seed=0)(images)
    assert out.shape == images.shape
    assert out.dtype == tf.float32
    values = out.numpy()
    assert values.min() >= 0.0 and values.max() <= 1.0
    assert not np.array_equal(values, images)


@pytest.mark.parametrize(
    "spec",
    [["crop"], ["cutout"], ["noise"], ["affine"], ["flip", "rotation", "zoom", "translation"]],
)
def test_same_seed_same_output_other_seed_other_output(images, spec):
    first = make_augmenter(spec, seed=5)(images).numpy()
    again = make_augmenter(spec, seed=5)(images).numpy()
    other = make_augmenter(spec, seed=6)(images).numpy()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_make_augmenter_shows_its_steps_and_passes_labels_through(images):
    augmenter = make_augmenter(["flip", {"name": "cutout", "size": 4}], seed=3)
    assert isinstance(augmenter, Augmenter)
    assert repr(augmenter) == ("Augmenter([flip(mode='horizontal'), "
                               "cutout(size=4, probability=0.5)], seed=3)")
    out, labels = augmenter(images, np.arange(64))
    assert out.shape == images.shape and labels.tolist() == list(range(64))
    single = make_augmenter("noise", seed=0)
    assert [step.name for step in single.steps] == ["noise"]


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        (["flip", "shear"],
         r"^The 'spec' parameter of make_augmenter must be a list of augmentation names from "
         r"\['affine', .*'zoom'\]\. Got 'shear' instead\.$"),
        ([{"name": "cutout", "width": 3}],
         r"'spec' .* options of 'cutout' from \['size', 'probability'\]\. Got option 'width'"),
        ([{"name": "cutout", "probability": 1.5}], r"'probability' parameter of cutout.*Got 1.5"),
        ([{"name": "affine", "fill_mode": "mirror"}], r"'fill_mode' parameter of random_affine"),
        ([3], r"'spec' .* names or dicts with a 'name' key.*Got 3 instead"),
    ],
)
def test_unknown_names_options_and_bad_values_are_named(spec, match):
    with pytest.raises(ParameterError, match=match):
        make_augmenter(spec)


def test_make_augmenter_checks_the_seed():
    with pytest.raises(ParameterError, match=r"'seed' parameter of make_augmenter .* Got '1'"):
        make_augmenter(["flip"], seed="1")
    assert make_augmenter(["flip"], seed=np.int64(2)).seed == 2


def test_label_preserving_says_flip_is_wrong_for_digits():
    assert label_preserving("flip", "digits") is False
    assert label_preserving("flip", "cifar10") is True
    assert label_preserving("flip", "Fashion_MNIST") is True
    assert label_preserving("rotation", "digits") is True
    with pytest.raises(ParameterError, match=r"'name' parameter of label_preserving .*'blur'"):
        label_preserving("blur", "digits")
    with pytest.raises(ParameterError, match=r"'dataset_name' .* Got None"):
        label_preserving("flip", None)
