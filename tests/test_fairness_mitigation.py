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


# --- the details a published mitigation depends on (found by mutation testing) ---------------
import warnings  # noqa: E402


def _splits(n=400, seed=0):
    rng = np.random.default_rng(seed)
    return (*biased_scores(n, rng), *biased_scores(n, rng))


def _bad(index, value):
    args = list(_splits())
    args[index] = value
    return args


_NAMES = ("y_val", "score_val", "groups_val", "y_test", "score_test", "groups_test")


@pytest.mark.parametrize("index", range(6))
@pytest.mark.parametrize("how", ["short", "2-D"])
def test_each_split_array_is_checked_by_name(index, how):
    args = _splits()
    value = args[index][:399] if how == "short" else np.column_stack([args[index]] * 2)
    # lengths are measured against the labels: a short label array blames the scores
    blamed = _NAMES[index + 1] if how == "short" and index in (0, 3) else _NAMES[index]
    with pytest.raises(ParameterError,
                       match=rf"^The '{blamed}' parameter of eq_odds_postprocess must"):
        fairness.eq_odds_postprocess(*_bad(index, value), privileged="group A")


@pytest.mark.parametrize(("index", "value"), [(0, 2), (3, 2)])
def test_labels_of_both_splits_must_be_binary(index, value):
    args = _splits()
    labels = args[index].copy()
    labels[0] = value
    with pytest.raises(ParameterError,
                       match=rf"^The '{_NAMES[index]}' parameter of eq_odds_postprocess must be "
                             "binary labels"):
        fairness.eq_odds_postprocess(*_bad(index, labels), privileged="group A")


@pytest.mark.parametrize("value", [-0.01, 1.01, np.nan])
@pytest.mark.parametrize("index", [1, 4])
def test_scores_must_be_probabilities_and_the_message_shows_their_range(index, value):
    scores = np.full(400, 0.5)
    scores[3], scores[7] = value, 0.25
    with pytest.raises(ParameterError) as caught:
        fairness.eq_odds_postprocess(*_bad(index, scores), privileged="group A")
    shown = "nan" if np.isnan(value) else f"{value}"
    low, high = (0.25, 0.5) if np.isnan(value) else (min(value, 0.25), max(value, 0.5))
    assert str(caught.value) == (
        f"The '{_NAMES[index]}' parameter of eq_odds_postprocess must be probabilities of the "
        f"favorable label in [0, 1]. Got {shown} instead. Its values range from {low:.3g} to "
        f"{high:.3g}; apply a softmax/sigmoid (or take y_prob[:, 1]).")
    scores[3] = 1.0  # the bounds themselves are probabilities
    fairness.eq_odds_postprocess(*_bad(index, scores), privileged="group A")


@pytest.mark.parametrize(("options", "parameter"), [
    ({"cost_constraint": "tpr"}, "cost_constraint"), ({"reject_metric": "accuracy"},
                                                      "reject_metric"),
    ({"threshold": -0.1}, "threshold"), ({"threshold": 1.1}, "threshold"),
    ({"seed": -1}, "seed"), ({"seed": 0.5}, "seed"), ({"method": "x"}, "method"),
])
def test_options_are_checked_by_name(options, parameter):
    with pytest.raises(ParameterError,
                       match=rf"^The '{parameter}' parameter of eq_odds_postprocess must"):
        fairness.eq_odds_postprocess(*_splits(), privileged="group A", **options)


def test_the_threshold_bounds_are_allowed_and_a_score_at_it_is_favorable():
    args = _splits()
    for threshold in (0, 1):
        fairness.eq_odds_postprocess(*args, privileged="group A", method="calibrated",
                                     threshold=threshold)
    from course_utils.fairness.mitigation import _Split

    split = _Split(np.array([0, 1]), np.array([0.0, 1.0]), np.array([0.0, 1.0]),
                   np.array([0.5, 0.4]))
    predicted = split.predicted(0.5)
    assert predicted.labels.ravel().tolist() == [1.0, 0.0]
    assert predicted.scores.ravel().tolist() == [0.5, 0.4]


def test_a_validation_side_with_one_label_names_the_side_the_method_and_the_values():
    y_val, s_val, g_val, *_ = _splits()
    y_val = np.where(g_val == "group A", 0, y_val)
    with pytest.raises(ParameterError) as caught:
        fairness.eq_odds_postprocess(y_val, s_val, g_val, y_val, s_val, g_val,
                                     privileged="group A", method="calibrated")
    assert str(caught.value) == (
        "The 'y_val' parameter of eq_odds_postprocess must be both labels on the privileged "
        "side of the validation split. Got [0] instead. 'calibrated' post-processing needs "
        "both; use a larger validation split.")


def test_a_group_missing_from_a_split_warns_with_the_split_named():
    args = list(_splits())
    args[2] = args[2].copy()
    args[2][:4] = "group C"
    with pytest.warns(UserWarning) as caught:
        fairness.eq_odds_postprocess(*args, privileged="group A")
    assert [str(w.message) for w in caught] == [
        "Group 'group C' has no examples in 'groups_test' (it is pooled with the other "
        "unprivileged groups)."]
    args[5] = np.full(400, "group B")
    with pytest.raises(ParameterError, match=r"^The 'privileged' parameter of "
                                             r"eq_odds_postprocess .* occurs in 'groups_test'"):
        fairness.eq_odds_postprocess(*args, privileged="group A")


def test_postprocessing_runs_without_numpy_warnings_and_pins_its_defaults():
    args = _splits()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        results = {method: fairness.eq_odds_postprocess(*args, privileged="group A",
                                                        method=method)
                   for method in fairness.POSTPROCESSING_METHODS}
    explicit = {method: fairness.eq_odds_postprocess(
        *args, privileged="group A", method=method, seed=0, threshold=0.5,
        cost_constraint="weighted", reject_metric="statistical_parity_difference")
        for method in fairness.POSTPROCESSING_METHODS}
    for method in results:
        np.testing.assert_array_equal(results[method], explicit[method])
    other = {"calibrated": {"cost_constraint": "fnr"}, "eq_odds": {"seed": 1}}
    for method, options in other.items():
        changed = fairness.eq_odds_postprocess(*args, privileged="group A", method=method,
                                               **options)
        assert not np.array_equal(changed, results[method]), (method, options)
    shifted = fairness.eq_odds_postprocess(*args, privileged="group A", method="calibrated",
                                           threshold=0.3)
    assert shifted.sum() > results["calibrated"].sum()


def test_calibrated_and_reject_option_results_are_pinned():
    args = _splits()
    got = {m: int(fairness.eq_odds_postprocess(*args, privileged="group A", method=m).sum())
           for m in ("calibrated", "reject_option")}
    assert got == {"calibrated": 205, "reject_option": 236}


@pytest.mark.parametrize(("y", "groups", "privileged", "parameter"), [
    (np.zeros((6, 2)), ["a", "b"] * 3, "a", "y_true"),
    ([0, 1, 0, 1, 0, 1], ["a", "b"] * 2, "a", "groups"),
    ([0, 1, 2, 1, 0, 1], ["a", "b"] * 3, "a", "y_true"),
    ([0, 1, 0, 1, 0, 1], [0, 1, 0, 1, 0, 1], 0, "groups"),
    ([0, 1, 0, 1, 0, 1], ["a", "a", "b", "b", "a", "b"], "z", "privileged"),
])
def test_reweighing_refuses_bad_input_by_name(y, groups, privileged, parameter):
    with pytest.raises(ParameterError,
                       match=rf"^The '{parameter}' parameter of reweighing_weights must"):
        fairness.reweighing_weights(y, groups, privileged=privileged)


def test_reweighing_each_group_goes_on_after_a_group_it_cannot_balance():
    y = np.array([1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0])
    groups = np.repeat(["a", "b", "c"], 4)  # a: a single label value
    with pytest.warns(UserWarning) as caught:
        weights = fairness.reweighing_weights(y, groups, privileged="b", scheme="each_group")
    assert [(w.category, str(w.message)) for w in caught] == [
        (UserWarning, "Group(s) ['a'] hold a single label value in y_true, so reweighing "
                      "cannot balance them; their weights stay 1.")]
    assert weights[:4].tolist() == [1.0] * 4
    assert not np.allclose(weights[4:], 1.0)
    for group in ("b", "c"):  # each balanced against the rest: favorable rate as overall
        mask = groups == group
        favorable = (weights[mask] * y[mask]).sum() / weights[mask].sum()
        assert favorable == pytest.approx(y.mean())
    assert weights.dtype == np.float64


def test_validation_groups_that_are_the_label_are_refused():
    y_val, s_val, _, y_test, s_test, g_test = _splits()
    groups = np.where(y_val == 1, "group A", "group B")
    with pytest.raises(ParameterError, match=r"^The 'groups' parameter of eq_odds_postprocess "
                                             r"must be an attribute other than the label"):
        fairness.eq_odds_postprocess(y_val, s_val, groups, y_test, s_test, g_test,
                                     privileged="group A")


def test_missing_group_values_and_an_absent_privileged_group_are_named():
    y = np.array([0, 1, 0, 1, 0, 1])
    groups = np.array(["a", "a", "b", None, "b", "a"], dtype=object)
    with pytest.raises(ParameterError, match=r"^The 'groups' parameter of reweighing_weights "
                                             r"must be a group value for every example"):
        fairness.reweighing_weights(y, groups, privileged="a")
    with pytest.raises(ParameterError) as caught:
        fairness.reweighing_weights(y, ["a", "a", "b", "b", "a", "b"], privileged="z")
    assert str(caught.value) == ("The 'privileged' parameter of reweighing_weights must be a "
                                 "group value that occurs in 'groups'. Got 'z' instead. The "
                                 "groups present are ['a', 'b'].")
    args = list(_splits())
    args[2] = args[2].astype(object)
    args[2][5] = None
    with pytest.raises(ParameterError, match=r"^The 'groups_val \+ groups_test' parameter of "
                                             r"eq_odds_postprocess must be a group value"):
        fairness.eq_odds_postprocess(*args, privileged="group A")


def test_reweighing_runs_without_numpy_warnings():
    rng = np.random.default_rng(3)
    y = (rng.random(60) < 0.5).astype(int)
    groups = np.where(rng.random(60) < 0.3, "b", "a")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for scheme in ("privileged_vs_rest", "each_group"):
            fairness.reweighing_weights(y, groups, privileged="a", scheme=scheme)
