"""Tests for course_utils.fairness: aif360 wrappers against hand computations and fairlearn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import fairness
from course_utils.errors import ParameterError

# Ten examples, two groups. By hand:
#   group a: y = 1 1 0 0 1, pred = 1 0 0 1 1 -> TP 2, FN 1, FP 1, TN 1
#            base rate 3/5, selection rate 3/5, TPR 2/3, FPR 1/2, accuracy 3/5
#   group b: y = 0 1 0 1 1, pred = 0 0 0 1 1 -> TP 2, FN 1, FP 0, TN 2
#            base rate 3/5, selection rate 2/5, TPR 2/3, FPR 0,   accuracy 4/5
Y = np.array([1, 1, 0, 0, 1, 0, 1, 0, 1, 1])
PRED = np.array([1, 0, 0, 1, 1, 0, 0, 0, 1, 1])
GROUPS = np.array(["a"] * 5 + ["b"] * 5)


def _row(table, comparison, group):
    rows = table[(table.comparison == comparison) & (table.group == group)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_audit_matches_hand_computation():
    table = fairness.audit(Y, PRED, GROUPS, privileged="a")
    assert list(table.comparison) == ["vs privileged", "vs rest", "vs rest"]
    b = _row(table, "vs privileged", "b")
    assert b.privileged_group == "a"
    assert (b.n_group, b.n_reference) == (5, 5)
    assert b.selection_rate == pytest.approx(2 / 5)
    assert b.tpr == pytest.approx(2 / 3)
    assert b.fpr == pytest.approx(0.0)
    assert b.accuracy == pytest.approx(4 / 5)
    assert b.disparate_impact == pytest.approx((2 / 5) / (3 / 5))
    assert b.statistical_parity_difference == pytest.approx(2 / 5 - 3 / 5)
    assert b.equal_opportunity_difference == pytest.approx(2 / 3 - 2 / 3)
    assert b.average_odds_difference == pytest.approx(((0 - 1 / 2) + (2 / 3 - 2 / 3)) / 2)
    a_rest = _row(table, "vs rest", "a")
    assert a_rest.privileged_group == "rest"
    assert a_rest.disparate_impact == pytest.approx((3 / 5) / (2 / 5))
    assert a_rest.statistical_parity_difference == pytest.approx(1 / 5)


def test_audit_compares_each_of_several_groups_with_privileged_and_with_rest():
    groups = np.array(["x", "x", "y", "y", "z", "z", "x", "y", "z", "x"])
    table = fairness.audit(Y, PRED, groups, privileged="x")
    assert len(table) == 2 + 3
    y_rest = _row(table, "vs rest", "y")
    # group y: examples 2, 3, 7 -> pred 0 1 0; the rest (7 examples): pred 1 0 1 0 0 1 1 -> 4/7
    assert y_rest.n_reference == 7
    assert y_rest.selection_rate == pytest.approx(1 / 3)
    assert y_rest.disparate_impact == pytest.approx((1 / 3) / (4 / 7))


def test_group_metrics_hand_rates_per_group():
    table = fairness.group_metrics(Y, PRED, GROUPS).set_index("group")
    assert table.loc["a", "n"] == 5
    assert table.loc["a", "tpr"] == pytest.approx(2 / 3)
    assert table.loc["a", "fpr"] == pytest.approx(1 / 2)
    assert table.loc["a", "fnr"] == pytest.approx(1 / 3)
    assert table.loc["b", "tnr"] == pytest.approx(1.0)
    assert table.loc["b", "base_rate"] == pytest.approx(3 / 5)


def test_group_confusions_count_each_cell():
    confusions = fairness.group_confusions(Y, PRED, GROUPS)
    a = confusions["a"]
    assert a.loc["favorable", "favorable"] == 2  # TP
    assert a.loc["favorable", "unfavorable"] == 1  # FN
    assert a.loc["unfavorable", "favorable"] == 1  # FP
    assert a.loc["unfavorable", "unfavorable"] == 1  # TN
    assert confusions["b"].to_numpy().tolist() == [[2, 0], [1, 2]]


def test_fairness_summary_pools_all_unprivileged_groups():
    groups = np.array(["p"] * 5 + ["u1"] * 3 + ["u2"] * 2)
    summary = fairness.fairness_summary(Y, PRED, groups, privileged="p")
    # privileged = first five (group a above); unprivileged pooled = group b above
    assert summary["disparate_impact"] == pytest.approx((2 / 5) / (3 / 5))
    assert summary["average_odds_difference"] == pytest.approx(-0.25)
    assert summary["accuracy"] == pytest.approx(7 / 10)
    assert set(summary) == set(fairness.FAIRNESS_METRICS) | {"accuracy"}
    assert all(isinstance(v, float) for v in summary.values())


def test_integer_and_string_groups_give_the_same_audit():
    as_strings = fairness.audit(Y, PRED, GROUPS, privileged="a")
    as_ints = fairness.audit(Y, PRED, (GROUPS == "b").astype(int), privileged=0)
    columns = list(fairness.FAIRNESS_METRICS) + ["tpr", "fpr"]
    np.testing.assert_allclose(as_strings[columns].to_numpy(), as_ints[columns].to_numpy())


def test_favorable_label_can_be_zero():
    flipped = fairness.fairness_summary(1 - Y, 1 - PRED, GROUPS, privileged="a", favorable=0)
    assert flipped["disparate_impact"] == pytest.approx((2 / 5) / (3 / 5))


def test_audit_roc_auc_column_uses_scores():
    scores = np.where(Y == 1, 0.9, 0.1)
    table = fairness.audit(Y, PRED, GROUPS, privileged="a", y_score=scores)
    assert np.allclose(table.roc_auc, 1.0)
    assert "roc_auc" not in fairness.audit(Y, PRED, GROUPS, privileged="a").columns


@pytest.fixture
def random_predictions():
    rng = np.random.default_rng(3)
    n = 600
    groups = rng.choice(["r1", "r2", "r3"], size=n, p=[0.5, 0.3, 0.2])
    y = rng.integers(0, 2, size=n)
    p_positive = np.select([groups == "r1", groups == "r2"], [0.6, 0.45], 0.3)
    pred = np.where(rng.random(n) < 0.7, y, rng.random(n) < p_positive).astype(int)
    return y, pred, groups


def test_group_metrics_agree_with_fairlearn_metricframe(random_predictions):
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    y, pred, groups = random_predictions
    frame = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "tpr": true_positive_rate,
            "fpr": false_positive_rate,
            "accuracy": accuracy_score,
        },
        y_true=y,
        y_pred=pred,
        sensitive_features=groups,
    )
    ours = fairness.group_metrics(y, pred, groups).set_index("group")
    expected = frame.by_group
    for column in ["selection_rate", "tpr", "fpr", "accuracy"]:
        np.testing.assert_allclose(ours.loc[expected.index, column], expected[column])


def test_two_group_summary_agrees_with_fairlearn_demographic_parity(random_predictions):
    from fairlearn.metrics import demographic_parity_difference, demographic_parity_ratio

    y, pred, groups = random_predictions
    two = np.where(groups == "r1", "r1", "other")
    summary = fairness.fairness_summary(y, pred, two, privileged="r1")
    di = summary["disparate_impact"]
    ratio = demographic_parity_ratio(y, pred, sensitive_features=two)
    difference = demographic_parity_difference(y, pred, sensitive_features=two)
    assert min(di, 1 / di) == pytest.approx(ratio)
    assert abs(summary["statistical_parity_difference"]) == pytest.approx(difference)


def test_reweighing_matches_closed_form_for_privileged_vs_rest(random_predictions):
    y, _, groups = random_predictions
    weights = fairness.reweighing_weights(y, groups, privileged="r1")
    side = np.where(groups == "r1", "r1", "rest")
    for g in ["r1", "rest"]:
        for label in [0, 1]:
            cell = (side == g) & (y == label)
            expected = np.mean(side == g) * np.mean(y == label) / np.mean(cell)
            np.testing.assert_allclose(weights[cell], expected)
    assert weights.sum() == pytest.approx(len(y))


def test_reweighing_each_group_balances_every_group(random_predictions):
    y, _, groups = random_predictions
    weights = fairness.reweighing_weights(y, groups, privileged="r1", scheme="each_group")
    for g in ["r1", "r2", "r3"]:
        for label in [0, 1]:
            cell = (groups == g) & (y == label)
            expected = np.mean(groups == g) * np.mean(y == label) / np.mean(cell)
            np.testing.assert_allclose(weights[cell], expected)
        in_group = groups == g
        weighted_rate = np.sum(weights[in_group] * y[in_group]) / np.sum(weights[in_group])
        assert weighted_rate == pytest.approx(np.mean(y))


def _biased_scores(n, rng):
    """Scores that rank well for both groups but sit lower for group B (its TPR is lower)."""
    groups = np.where(rng.random(n) < 0.4, "group B", "group A")
    y = (rng.random(n) < 0.5).astype(int)
    scores = 0.25 + 0.5 * y + rng.normal(0, 0.15, n) - 0.2 * (groups == "group B")
    return y, np.clip(scores, 0, 1), groups


@pytest.mark.parametrize(
    ("method", "options", "shrink"),
    [
        ("eq_odds", {}, 0.5),
        ("reject_option", {"reject_metric": "equal_opportunity_difference"}, 0.5),
    ],
)
def test_postprocessing_reduces_equal_opportunity_gap(method, options, shrink):
    rng = np.random.default_rng(0)
    y_val, s_val, g_val = _biased_scores(2000, rng)
    y_test, s_test, g_test = _biased_scores(2000, rng)
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
    y_val, s_val, g_val = _biased_scores(2000, rng)
    y_test, s_test, g_test = _biased_scores(2000, rng)
    adjusted = fairness.eq_odds_postprocess(
        y_val, s_val, g_val, y_test, s_test, g_test, privileged="group A", method="calibrated"
    )
    changed = adjusted != (s_test >= 0.5).astype(int)
    changed_sides = {side for side in ("group A", "group B") if changed[g_test == side].any()}
    assert len(changed_sides) == 1


def test_postprocessing_is_seeded_and_leaves_global_random_state_alone():
    rng = np.random.default_rng(1)
    data = _biased_scores(800, rng) + _biased_scores(800, rng)
    np.random.seed(123)
    expected_next = np.random.random()
    np.random.seed(123)
    first = fairness.eq_odds_postprocess(*data, privileged="group A", seed=5)
    assert np.random.random() == expected_next
    second = fairness.eq_odds_postprocess(*data, privileged="group A", seed=5)
    np.testing.assert_array_equal(first, second)
    assert set(np.unique(first)) <= {0, 1}


def test_synthetic_groups_are_stratified_so_bias_zero_shows_no_disparity():
    y = np.repeat(np.arange(10), 50)
    groups = fairness.synthetic_groups(y, group_fraction=0.3, seed=0)
    assert set(groups) == {"group A", "group B"}
    assert np.mean(groups == "group B") == pytest.approx(0.3)
    target = (y >= 5).astype(int)
    unbiased = fairness.inject_bias(target, groups, bias=0.0)
    summary = fairness.fairness_summary(target, unbiased, groups, privileged="group A")
    assert summary["statistical_parity_difference"] == pytest.approx(0.0, abs=1e-9)


def test_inject_bias_zero_leaves_labels_unchanged():
    y = np.tile([0, 1], 100)
    groups = fairness.synthetic_groups(y, seed=2)
    biased = fairness.inject_bias(y, groups, bias=0.0)
    np.testing.assert_array_equal(biased, y)
    assert biased is not y


def test_inject_bias_flips_favorable_labels_of_the_disadvantaged_group_only():
    y = np.tile([0, 1], 500)
    groups = fairness.synthetic_groups(y, group_fraction=0.3, seed=0)
    spds = []
    for bias in [0.0, 0.2, 0.6]:
        biased = fairness.inject_bias(y, groups, bias=bias, seed=1)
        changed = biased != y
        assert np.all(groups[changed] == "group B") and np.all(y[changed] == 1)
        assert changed.sum() == round(bias * np.sum((groups == "group B") & (y == 1)))
        spds.append(
            fairness.fairness_summary(y, biased, groups, privileged="group A")[
                "statistical_parity_difference"
            ]
        )
    assert spds[0] == pytest.approx(0.0, abs=1e-9)
    assert spds[1] == pytest.approx(-0.2 * 0.5)
    assert spds[2] == pytest.approx(-0.6 * 0.5)


def test_mark_groups_stamps_only_the_marked_group():
    x = np.zeros((4, 8, 8, 1), dtype=np.float32)
    groups = np.array(["group A", "group B", "group B", "group A"])
    marked = fairness.mark_groups(x, groups)
    assert np.all(marked[1:3, :2, :2, 0] == 1.0)
    assert marked[[0, 3]].sum() == 0 and marked[1:3].sum() == 2 * 4
    assert x.sum() == 0


def test_label_as_protected_demo_shows_fpr_over_tpr():
    demo = fairness.label_as_protected_demo(Y, PRED, GROUPS, privileged="a", target_name="gender")
    wrong, right = demo.iloc[0], demo.iloc[1]
    assert "gender" in wrong.protected
    # FP = 1, N = 4 -> FPR 1/4; TP = 4, P = 6 -> TPR 2/3
    assert wrong.disparate_impact == pytest.approx((1 / 4) / (2 / 3))
    assert wrong.disparate_impact == pytest.approx(wrong.fpr_over_tpr)
    assert right.disparate_impact == pytest.approx((2 / 5) / (3 / 5))


# ----------------------------------------------------------------------------- bad input


def test_check_protected_refuses_the_target_as_protected_attribute():
    fairness.check_protected("gender", "race")
    with pytest.raises(ParameterError, match="'Gender' is the target itself"):
        fairness.check_protected("gender", "Gender")


def test_audit_refuses_groups_identical_to_the_label():
    with pytest.raises(ParameterError, match="'groups' parameter is the label itself"):
        fairness.audit(Y, PRED, np.where(Y == 1, "female", "male"), privileged="male")


def test_privileged_value_that_does_not_occur_names_it_and_lists_groups():
    with pytest.raises(ParameterError, match=r"Got 'c', but the groups present are \['a', 'b'\]"):
        fairness.audit(Y, PRED, GROUPS, privileged="c")
    with pytest.raises(ParameterError, match="Got 1, but the groups present"):
        fairness.reweighing_weights(Y, GROUPS, privileged=1)


def test_length_mismatch_names_the_arrays():
    with pytest.raises(ParameterError, match="y_true=10, y_pred=9, groups=10"):
        fairness.audit(Y, PRED[:9], GROUPS, privileged="a")


def test_expected_group_with_no_examples_warns_and_keeps_a_nan_row():
    with pytest.warns(UserWarning, match="Group 'c' has no examples"):
        table = fairness.group_metrics(Y, PRED, GROUPS, categories=["a", "b", "c"])
    row = table.set_index("group").loc["c"]
    assert row.n == 0 and np.isnan(row.tpr)
    categorical = pd.Categorical(GROUPS, categories=["a", "b", "c"])
    with pytest.warns(UserWarning, match="Group 'c' has no examples"):
        audit = fairness.audit(Y, PRED, categorical, privileged="a")
    assert np.isnan(_row(audit, "vs privileged", "c").disparate_impact)


def test_non_binary_labels_and_probabilities_as_labels_are_refused():
    with pytest.raises(ParameterError, match="'y_true' parameter must hold binary labels"):
        fairness.audit(np.arange(10), PRED, GROUPS, privileged="a")
    with pytest.raises(ParameterError, match="probabilities as y_score"):
        fairness.audit(Y, np.linspace(0, 1, 10), GROUPS, privileged="a")
    with pytest.raises(ParameterError, match="set favorable= to one of them"):
        fairness.audit(np.where(Y == 1, "yes", "no"), PRED, GROUPS, privileged="a")


def test_missing_group_values_are_refused():
    groups = GROUPS.astype(object)
    groups[0] = None
    with pytest.raises(ParameterError, match="Got 1 missing values"):
        fairness.audit(Y, PRED, groups, privileged="a")


def test_postprocess_bad_input():
    rng = np.random.default_rng(0)
    y_val, s_val, g_val = _biased_scores(400, rng)
    y_test, s_test, g_test = _biased_scores(400, rng)
    with pytest.raises(ParameterError, match="'method' parameter must be one of"):
        fairness.eq_odds_postprocess(
            y_val, s_val, g_val, y_test, s_test, g_test, privileged="group A", method="magic"
        )
    with pytest.raises(ParameterError, match="'score_test' parameter must hold probabilities"):
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


def test_bias_and_fraction_out_of_range_are_refused():
    y = np.tile([0, 1], 10)
    groups = fairness.synthetic_groups(y)
    with pytest.raises(ParameterError, match="'bias' parameter must be a fraction"):
        fairness.inject_bias(y, groups, bias=1.5)
    with pytest.raises(ParameterError, match="'group_fraction' parameter"):
        fairness.synthetic_groups(y, group_fraction=0.0)
    with pytest.raises(ParameterError, match="Got 'group Z'"):
        fairness.inject_bias(y, groups, bias=0.1, disadvantaged="group Z")
    with pytest.raises(ParameterError, match="'scheme' parameter must be one of"):
        fairness.reweighing_weights(y, groups, privileged="group A", scheme="cells")


# ----------------------------------------------------------------------------- dataset helpers


@pytest.fixture(scope="module")
def binary_digits():
    from course_utils.data import load_dataset

    digits = load_dataset("digits", seed=0)
    return digits.relabel({d: int(d >= 5) for d in range(10)}, ["digit < 5", "digit >= 5"])


def test_with_synthetic_groups_marks_group_b_and_biases_only_training_labels(binary_digits):
    data = fairness.with_synthetic_groups(binary_digits, group_fraction=0.3, bias=0.5, seed=1)
    for split in ("train", "val", "test"):
        groups = fairness.group_values(data, "group", split=split)
        x, _ = data.split(split)
        in_b = groups == "group B"
        assert np.mean(in_b) == pytest.approx(0.3, abs=0.01)
        assert np.all(x[in_b, :2, :2, 0] == 1.0)
        np.testing.assert_array_equal(x[~in_b], binary_digits.split(split)[0][~in_b])
    np.testing.assert_array_equal(data.y_val, binary_digits.y_val)
    np.testing.assert_array_equal(data.y_test, binary_digits.y_test)
    groups = fairness.group_values(data, "group", split="train")
    changed = data.y_train != binary_digits.y_train
    favorable_b = (groups == "group B") & (binary_digits.y_train == 1)
    assert np.all(favorable_b[changed])
    assert changed.sum() == round(0.5 * favorable_b.sum())
    assert "SYNTHETIC" in data.description and "bias 0.5" in data.description


def test_with_synthetic_groups_refuses_a_multiclass_dataset():
    from course_utils.data import load_dataset

    with pytest.raises(ParameterError, match="binary classification dataset"):
        fairness.with_synthetic_groups(load_dataset("digits", limit=50))


def test_group_values_finds_fairface_age_bands_and_names_missing_attributes(tmp_path):
    from fakes import make_fairface

    from course_utils.data import load_dataset

    faces = load_dataset("fairface", make_fairface(tmp_path, n_train=28, n_val=14))
    bands = fairness.group_values(faces, "age_group", split="test")
    np.testing.assert_array_equal(bands, faces.attributes["test"]["age"].to_numpy())
    assert len(fairness.group_values(faces, "race", split="train")) == len(faces.y_train)
    with pytest.raises(ParameterError, match="Got 'skin', but it has \\['file', 'age'"):
        fairness.group_values(faces, "skin")


# ----------------------------------------------------------------------------- notebook helpers


def test_fairness_setup_on_digits_resolves_the_auto_choices():
    setup = fairness.fairness_setup("digits", bias=0.5, limit=60, seed=0)
    assert (setup.target, setup.protected, setup.privileged) == ("digit >= 5", "group", "group A")
    assert setup.synthetic and setup.also_audit is None
    assert list(setup.test_groups) == ["group"]
    assert {len(setup.groups[s]) for s in ("train", "test")} == {60}


def test_fairness_setup_on_faces_audits_race_and_age(tmp_path):
    from fakes import make_fairface

    folder = make_fairface(tmp_path, n_train=28, n_val=14)
    setup = fairness.fairness_setup("fairface", folder, val_fraction=0.3)
    assert (setup.target, setup.protected, setup.also_audit) == ("gender", "race", "age_group")
    assert not setup.synthetic
    assert setup.privileged == pd.Series(setup.groups["train"]).mode()[0]
    assert list(setup.test_groups) == ["race", "age_group"]
    with pytest.raises(ParameterError, match="is the target itself"):
        fairness.fairness_setup("fairface", folder, protected="gender")


def test_group_sizes_counts_and_base_rates_per_group():
    data = _TwoSplits()
    table = fairness.group_sizes(data, {"train": GROUPS, "test": GROUPS[::-1]})
    assert table["n_train"].tolist() == [5, 5]
    assert table.loc["a", "train_base_rate"] == pytest.approx(3 / 5)
    assert table.loc["b", "test_base_rate"] == pytest.approx(3 / 5)


class _TwoSplits:
    """The ten hand-computed examples as the train, val and test split of a dataset."""

    num_classes = 2
    y_train = y_val = y_test = Y

    def split(self, name):
        return np.zeros((len(Y), 1)), Y


class _FixedRun:
    """A run whose test predictions are PRED and whose other splits are right."""

    name, params, wall_seconds, data = "fixed", 7, 1.0, _TwoSplits()

    def __init__(self, pred):
        self.pred = pred

    def predict(self, split="test"):
        labels = self.pred if split == "test" else Y
        return np.eye(2)[labels] * 0.8 + 0.1


def test_mitigation_summary_and_effects_compare_variants_with_the_baseline():
    runs = {"unmitigated": _FixedRun(PRED), "perfect": _FixedRun(Y)}
    groups = {s: GROUPS for s in ("train", "val", "test")}
    summary = fairness.mitigation_summary(runs, groups, privileged="a")
    assert summary.loc["unmitigated", "test_accuracy"] == pytest.approx(0.7)
    assert summary.loc["unmitigated", "train_accuracy"] == 1.0
    assert summary.loc["unmitigated", "statistical_parity_difference"] == pytest.approx(-0.2)
    effects = fairness.mitigation_effects(summary)
    assert list(effects.index) == ["perfect"]
    assert effects.loc["perfect", "spd_word"] == "narrowed"
    assert effects.loc["perfect", "eod_word"] == "did not narrow"  # both TPRs were 2/3
    assert effects.loc["perfect", "accuracy_word"] == "gained"
    assert effects.loc["perfect", "accuracy_change"] == pytest.approx(0.3)
    with pytest.raises(ParameterError, match="Got 'nothing'; the variants are"):
        fairness.mitigation_effects(summary, baseline="nothing")


def test_postprocessed_run_adjusts_every_split_and_predicts_one_hot():
    rng = np.random.default_rng(0)
    y, scores, groups = _biased_scores(400, rng)

    class Data:
        num_classes = 2
        y_train = y_val = y_test = y

        def split(self, name):
            return np.zeros((len(y), 1)), y

    class Run:
        data, params = Data(), 3

        def predict(self, split="test"):
            return np.column_stack([1 - scores, scores])

    adjusted = fairness.postprocessed_run(Run(), {s: groups for s in ("train", "val", "test")},
                                          privileged="group A", seed=0)
    assert adjusted.name == "eq_odds" and adjusted.params == 3
    probs = adjusted.predict("test")
    assert probs.shape == (len(y), 2) and set(probs.sum(axis=1)) == {1.0}
    accuracy = float((probs.argmax(axis=1) == y).mean())
    assert adjusted.metrics["test_accuracy"] == accuracy
