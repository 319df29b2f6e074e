"""Tests for course_utils.fairness.mitigation: aif360 reweighing and post-processing."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import fairness
from course_utils.errors import ParameterError


@pytest.fixture
def random_labels():
    rng = np.random.default_rng(3)
    n = 600
    groups = rng.choice(["r1", "r2", "r3"], size=n, p=[0.5, 0.3, 0.2])
    favorable_rate = np.select([groups == "r1", groups == "r2"], [0.6, 0.45], 0.3)
    y = (rng.random(n) < favorable_rate).astype(int)
    return y, groups


def biased_scores(n, rng):
    """Scores that rank well for both groups but sit lower for group B (its TPR is lower)."""
    groups = np.where(rng.random(n) < 0.4, "group B", "group A")
    y = (rng.random(n) < 0.5).astype(int)
    scores = 0.25 + 0.5 * y + rng.normal(0, 0.15, n) - 0.2 * (groups == "group B")
    return y, np.clip(scores, 0, 1), groups


def test_reweighing_matches_closed_form_for_privileged_vs_rest(random_labels):
    y, groups = random_labels
    weights = fairness.reweighing_weights(y, groups, privileged="r1")
    side = np.where(groups == "r1", "r1", "rest")
    for g in ["r1", "rest"]:
        for label in [0, 1]:
            cell = (side == g) & (y == label)
            expected = np.mean(side == g) * np.mean(y == label) / np.mean(cell)
            np.testing.assert_allclose(weights[cell], expected)
    assert weights.sum() == pytest.approx(len(y))


def test_reweighing_each_group_balances_every_group(random_labels):
    y, groups = random_labels
    weights = fairness.reweighing_weights(y, groups, privileged="r1", scheme="each_group")
    for g in ["r1", "r2", "r3"]:
        for label in [0, 1]:
            cell = (groups == g) & (y == label)
            expected = np.mean(groups == g) * np.mean(y == label) / np.mean(cell)
            np.testing.assert_allclose(weights[cell], expected)
        in_group = groups == g
        weighted_rate = np.sum(weights[in_group] * y[in_group]) / np.sum(weights[in_group])
        assert weighted_rate == pytest.approx(np.mean(y))


def test_reweighing_warns_and_keeps_weight_one_for_a_single_label_group():
    y = np.array([1, 0, 1, 0, 1, 1, 1])
    groups = np.array(["a", "a", "a", "a", "b", "b", "b"])
    with pytest.warns(UserWarning, match=r"Group\(s\) \['b'\] hold a single label value"):
        weights = fairness.reweighing_weights(y, groups, privileged="a")
    np.testing.assert_array_equal(weights[groups == "b"], 1.0)


@pytest.mark.parametrize(
    ("method", "options", "shrink"),
    [
        ("eq_odds", {}, 0.5),
        ("reject_option", {"reject_metric": "equal_opportunity_difference"}, 0.5),
    ],
)
def test_postprocessing_reduces_equal_opportunity_gap(method, options, shrink):
    rng = np.random.default_rng(0)
    y_val, s_val, g_val = biased_scores(2000, rng)
    y_test, s_test, g_test = biased_scores(2000, rng)
    hard = (s_test >= 0.5).astype(int)
    before = fairness.fairness_summary(y_test, hard, g_test, privileged="group A")
    adjusted = fairness.eq_odds_postprocess(
        y_val, s_val, g_val, y_test, s_test, g_test, privileged="group A", method=method, **options
    )
    after = fairness.fairness_summary(y_test, adjusted, g_test, privileged="group A")
    gap_before = before["equal_opportunity_difference"]
    assert gap_before < -0.2
    assert abs(after["equal_opportunity_difference"]) < shrink * abs(gap_before)


def test_calibrated_postprocessing_mixes_one_side_only():
    # Calibrated equalized odds (Pleiss et al.) equalizes a cost on *scores*: it replaces a
    # random share of one side's scores with that side's base rate. On thresholded TPR it may
    # narrow or overshoot the gap, so only its mechanism is checked here.
    rng = np.random.default_rng(0)
    y_val, s_val, g_val = biased_scores(2000, rng)
    y_test, s_test, g_test = biased_scores(2000, rng)
    adjusted = fairness.eq_odds_postprocess(
        y_val, s_val, g_val, y_test, s_test, g_test, privileged="group A", method="calibrated"
    )
    changed = adjusted != (s_test >= 0.5).astype(int)
    changed_sides = {side for side in ("group A", "group B") if changed[g_test == side].any()}
    assert len(changed_sides) == 1


def test_postprocessing_is_seeded_and_leaves_global_random_state_alone():
    rng = np.random.default_rng(1)
    data = biased_scores(800, rng) + biased_scores(800, rng)
    np.random.seed(123)
    expected_next = np.random.random()
    np.random.seed(123)
    first = fairness.eq_odds_postprocess(*data, privileged="group A", seed=5)
    assert np.random.random() == expected_next
    second = fairness.eq_odds_postprocess(*data, privileged="group A", seed=np.int64(5))
    np.testing.assert_array_equal(first, second)
    assert set(np.unique(first)) <= {0, 1}


def test_postprocessing_returns_the_label_values_of_y_val():
    rng = np.random.default_rng(2)
    y_val, s_val, g_val = biased_scores(600, rng)
    y_test, s_test, g_test = biased_scores(600, rng)
    words = np.array(["no", "yes"])
    adjusted = fairness.eq_odds_postprocess(
        words[y_val], s_val, g_val, words[y_test], s_test, g_test, privileged="group A",
        favorable="yes",
    )
    numbers = fairness.eq_odds_postprocess(
        y_val, s_val, g_val, y_test, s_test, g_test, privileged="group A"
    )
    np.testing.assert_array_equal(adjusted, words[numbers])


def test_postprocess_bad_input():
    rng = np.random.default_rng(0)
    y_val, s_val, g_val = biased_scores(400, rng)
    y_test, s_test, g_test = biased_scores(400, rng)
    args = (y_val, s_val, g_val, y_test, s_test, g_test)
    with pytest.raises(ParameterError, match="'method' parameter of eq_odds_postprocess must be "
                                             "one of"):
        fairness.eq_odds_postprocess(*args, privileged="group A", method="magic")
    with pytest.raises(ParameterError, match="'threshold' parameter of eq_odds_postprocess"):
        fairness.eq_odds_postprocess(*args, privileged="group A", threshold=True)
    with pytest.raises(ParameterError, match="'score_test' parameter of eq_odds_postprocess must "
                                             "be probabilities"):
        fairness.eq_odds_postprocess(
            y_val, s_val, g_val, y_test, s_test * 10, g_test, privileged="group A"
        )
    with pytest.raises(ParameterError, match="occurs in 'groups_test'"):
        fairness.eq_odds_postprocess(
            y_val, s_val, g_val, y_test, s_test, np.full(400, "group B"), privileged="group A"
        )
    g_test_extra = g_test.copy()
    g_test_extra[:5] = "group C"
    with pytest.warns(UserWarning, match="Group 'group C' has no examples in 'groups_val'"):
        fairness.eq_odds_postprocess(
            y_val, s_val, g_val, y_test, s_test, g_test_extra, privileged="group A"
        )


def test_postprocess_refuses_a_validation_side_with_one_label():
    rng = np.random.default_rng(0)
    y_val, s_val, g_val = biased_scores(400, rng)
    y_val = np.where(g_val == "group B", 1, y_val)
    with pytest.raises(ParameterError, match="both labels on the unprivileged side .* Got \\[1\\]"):
        fairness.eq_odds_postprocess(y_val, s_val, g_val, y_val, s_val, g_val,
                                     privileged="group A")


def test_reweighing_scheme_is_checked():
    y = np.tile([0, 1], 10)
    groups = np.array(["a", "b"] * 5 + ["b", "a"] * 5)
    with pytest.raises(ParameterError, match="'scheme' parameter of reweighing_weights must be "
                                             "one of \\['privileged_vs_rest', 'each_group'\\]"):
        fairness.reweighing_weights(y, groups, privileged="a", scheme="cells")
