"""Tests for course_utils.lessons.cnn_trials: the variants of notebook 06."""

from __future__ import annotations

import pytest

from course_utils.errors import ParameterError
from course_utils.lessons.cnn_trials import cnn_trial_variants
from course_utils.models import cnn, mlp


def test_cnn_trial_variants_always_include_the_baseline_and_keep_the_order():
    trials, six = cnn_trial_variants(["d_l1", "wider", "d_cnn"], batch_norm_momentum=0.9)
    assert list(trials) == ["one_block", "wider"] and list(six) == ["d_l1", "d_cnn"]
    assert trials["wider"]["model"]["blocks"] == (128,)
    everything, _ = cnn_trial_variants(["bn_dropout_l2", "mlp"], batch_norm_momentum=0.9)
    assert everything["bn_dropout_l2"]["model"]["batch_norm_momentum"] == 0.9
    assert everything["mlp"]["build"] == "mlp"


def test_the_repeats_are_the_baseline_under_other_names():
    trials, _ = cnn_trial_variants(["one_block", "same_padding", "kernel_3x3", "kernel_5x5"])
    assert trials["same_padding"] == trials["kernel_3x3"] == trials["one_block"]
    assert trials["kernel_5x5"]["model"] == {"blocks": (64,), "dense": (128,), "kernel_size": 5}


def test_every_variant_builds_with_the_course_builders():
    names = ["mlp", "one_block", "three_blocks", "valid_padding", "same_padding", "kernel_3x3",
             "kernel_5x5", "wider", "stacked_no_pool", "bn_dropout_l2",
             "d_mlp", "d_cnn", "d_batch_norm", "d_dropout", "d_l2", "d_l1"]
    trials, six = cnn_trial_variants(names, batch_norm_momentum=0.9)
    assert list(trials) + list(six) == names
    counts = {}
    for name, spec in {**trials, **six}.items():
        builder = mlp if spec.get("build") == "mlp" else cnn
        counts[name] = builder((16, 16, 1), 10, **spec["model"]).count_params()
    assert counts["one_block"] == 640 + (8 * 8 * 64 + 1) * 128 + 1290
    assert counts["same_padding"] == counts["kernel_3x3"] == counts["one_block"]
    assert counts["valid_padding"] < counts["one_block"] < counts["wider"]


def test_cnn_trial_variants_reject_an_unknown_name():
    with pytest.raises(ParameterError, match="Unknown: \\['tiny'\\]"):
        cnn_trial_variants(["one_block", "tiny"])


def test_cnn_trial_variants_reject_a_single_string_and_a_bad_momentum():
    with pytest.raises(ParameterError, match="'names' parameter of cnn_trial_variants must be "
                       "a list"):
        cnn_trial_variants("one_block")
    with pytest.raises(ParameterError, match="'batch_norm_momentum' parameter of "
                       "cnn_trial_variants"):
        cnn_trial_variants(["one_block"], batch_norm_momentum=1.5)
