"""Tests for course_utils.lessons.augmentation: notebook 07's study and its baseline pair."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from course_utils.errors import ParameterError
from course_utils.lessons.augmentation import (
    NAMES,
    SQUARED_NOISE,
    augmentation_pair,
    augmentation_specs,
    chosen_augmentations,
    study_variants,
)
from course_utils.lessons.cnn_trials import course_model_variants
from course_utils.models import mlp
from course_utils.train import set_seed


def test_the_pair_is_the_same_model_apart_from_augmentation():
    pair = augmentation_pair((28, 28, 1), "fashion_mnist", seed=0)
    assert list(pair) == ["baseline", "baseline_augmented"]
    plain, augmented = pair["baseline"], pair["baseline_augmented"]
    assert "augment" not in plain and callable(augmented["augment"])
    assert {k: v for k, v in augmented.items() if k != "augment"} == plain
    weights = []
    for spec in (plain, augmented):
        set_seed(0)
        weights.append(mlp((28, 28, 1), 10, **spec["model"]).get_weights())
    assert all(np.array_equal(a, b) for a, b in zip(*weights, strict=True))


def test_the_pair_is_notebook_06s_baseline_and_augmented_mlp():
    pair = augmentation_pair((28, 28, 1), "fashion_mnist")
    course = course_model_variants(["d_baseline", "d_mlp"], augment=abs)
    assert pair["baseline"] == course["d_baseline"]
    assert {k: v for k, v in pair["baseline_augmented"].items() if k != "augment"} == {
        k: v for k, v in course["d_mlp"].items() if k != "augment"}
    steps = [step.name for step in pair["baseline_augmented"]["augment"].steps]
    assert steps == ["cutout", "flip", "rotation"]
    digits = augmentation_pair((16, 16, 1), "digits")["baseline_augmented"]["augment"]
    assert [step.name for step in digits.steps] == ["cutout", "rotation"]


def test_augmentation_specs_give_the_noise_its_std_and_the_originals_std_squared():
    specs = augmentation_specs(cutout_size=5, noise_std=0.2)
    assert set(specs) == {*NAMES, SQUARED_NOISE}
    assert specs["cutout"] == {"name": "cutout", "size": 5}
    assert specs["noise"]["std"] == 0.2 and specs[SQUARED_NOISE]["std"] == pytest.approx(0.04)
    with pytest.raises(ParameterError, match="'noise_std' parameter of augmentation_specs"):
        augmentation_specs(cutout_size=5, noise_std=True)


def test_chosen_augmentations_keep_the_labels_unless_a_list_is_given():
    specs = augmentation_specs(cutout_size=4, noise_std=0.1)
    assert "flip" not in chosen_augmentations(None, specs, "digits")
    assert list(chosen_augmentations(None, specs, "fashion_mnist")) == list(NAMES)
    given = chosen_augmentations(["noise", {"name": "cutout", "size": 2}], specs, "digits")
    assert given == {"noise": {"name": "noise", "std": 0.1}, "cutout": {"name": "cutout",
                                                                         "size": 2}}
    assert list(chosen_augmentations(["flip", "noise"], specs, "digits")) == ["noise"]
    assert list(chosen_augmentations(["flip", "noise"], specs, "cifar10")) == ["flip", "noise"]
    with pytest.raises(ParameterError, match="'augmentations' parameter of chosen_augmentations"):
        chosen_augmentations("noise", specs, "digits")


def test_study_variants_add_the_squared_noise_only_with_the_noise():
    specs = augmentation_specs(cutout_size=4, noise_std=0.3)
    chosen = {"cutout": specs["cutout"], "noise": specs["noise"]}
    variants = study_variants(chosen, specs, seed=0)
    assert list(variants) == ["none", "all", "cutout", "noise", SQUARED_NOISE]
    assert variants["none"] == {}
    assert [s.name for s in variants["all"]["augment"].steps] == ["cutout", "noise"]
    assert variants[SQUARED_NOISE]["augment"].steps[0].options["std"] == pytest.approx(0.09)
    assert SQUARED_NOISE not in study_variants({"cutout": specs["cutout"]}, specs)


def test_the_squared_noise_is_weaker_by_the_factor_std():
    specs = augmentation_specs(cutout_size=4, noise_std=0.1)
    variants = study_variants({"noise": specs["noise"]}, specs, seed=0)
    images = tf.fill((16, 16, 16, 1), 0.5)
    spread = {name: float(tf.math.reduce_std(variants[name]["augment"](images) - images))
              for name in ("noise", SQUARED_NOISE)}
    assert spread["noise"] == pytest.approx(0.1, rel=0.1)
    assert spread[SQUARED_NOISE] == pytest.approx(0.01, rel=0.1)
