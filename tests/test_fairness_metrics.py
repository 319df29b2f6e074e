"""Tests for course_utils.fairness.metrics: aif360 audits against hand values and fairlearn."""

from __future__ import annotations

import numpy as np
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

# Twelve examples whose groups differ in true-positive rate. By hand:
#   group a (privileged): y = 1 1 1 1 0 0, pred = 1 1 1 0 0 1 -> TPR 3/4, FPR 1/2, selection 4/6
#   group b:              y = 1 1 1 1 0 0, pred = 1 0 0 0 1 0 -> TPR 1/4, FPR 1/2, selection 2/6
#   EOD = 1/4 - 3/4 = -1/2; AOD = ((1/2 - 1/2) + (1/4 - 3/4)) / 2 = -1/4;
#   SPD = 2/6 - 4/6 = -1/3; DI = (2/6) / (4/6) = 1/2
Y_TPR = np.array([1, 1, 1, 1, 0, 0] * 2)
PRED_TPR = np.array([1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0])
GROUPS_TPR = np.array(["a"] * 6 + ["b"] * 6)


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


def test_audit_eod_and_aod_when_true_positive_rates_differ():
    table = fairness.audit(Y_TPR, PRED_TPR, GROUPS_TPR, privileged="a")
    b = _row(table, "vs privileged", "b")
    assert (b.tpr, b.fpr) == (pytest.approx(1 / 4), pytest.approx(1 / 2))
    assert b.equal_opportunity_difference == pytest.approx(-1 / 2)
    assert b.average_odds_difference == pytest.approx(-1 / 4)
    assert b.statistical_parity_difference == pytest.approx(-1 / 3)
    assert b.disparate_impact == pytest.approx(1 / 2)
    a_rest = _row(table, "vs rest", "a")  # a as the unprivileged side: every sign flips
    assert a_rest.equal_opportunity_difference == pytest.approx(1 / 2)
    assert a_rest.average_odds_difference == pytest.approx(1 / 4)


def test_fairness_summary_eod_and_aod_when_true_positive_rates_differ():
    summary = fairness.fairness_summary(Y_TPR, PRED_TPR, GROUPS_TPR, privileged="a")
    assert summary["equal_opportunity_difference"] == pytest.approx(-1 / 2)
    assert summary["average_odds_difference"] == pytest.approx(-1 / 4)
    assert summary["statistical_parity_difference"] == pytest.approx(-1 / 3)
    assert summary["accuracy"] == pytest.approx(6 / 12)


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


def test_label_as_protected_demo_shows_fpr_over_tpr():
    demo = fairness.label_as_protected_demo(Y, PRED, GROUPS, privileged="a", target_name="gender")
    wrong, right = demo.iloc[0], demo.iloc[1]
    assert "gender" in wrong.protected
    # FP = 1, N = 4 -> FPR 1/4; TP = 4, P = 6 -> TPR 2/3
    assert wrong.disparate_impact == pytest.approx((1 / 4) / (2 / 3))
    assert wrong.disparate_impact == pytest.approx(wrong.fpr_over_tpr)
    assert right.disparate_impact == pytest.approx((2 / 5) / (3 / 5))


# ----------------------------------------------------------------------------- fairlearn


@pytest.fixture
def random_predictions():
    rng = np.random.default_rng(3)
    n = 600
    groups = rng.choice(["r1", "r2", "r3"], size=n, p=[0.5, 0.3, 0.2])
    y = rng.integers(0, 2, size=n)
    p_positive = np.select([groups == "r1", groups == "r2"], [0.6, 0.45], 0.3)
    pred = np.where(rng.random(n) < 0.7, y, rng.random(n) < p_positive).astype(int)
    return y, pred, groups


def _unequal_tpr_predictions(seed):
    """Random labels; the model finds a favorable example of r1 more often than one of r2."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(200, 800))
    groups = np.where(rng.random(n) < rng.uniform(0.3, 0.7), "r1", "r2")
    y = (rng.random(n) < rng.uniform(0.3, 0.7)).astype(int)
    hit = np.where(groups == "r1", rng.uniform(0.7, 0.95), rng.uniform(0.3, 0.6))
    false_alarm = np.where(groups == "r1", rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.4))
    pred = np.where(y == 1, rng.random(n) < hit, rng.random(n) < false_alarm).astype(int)
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


@pytest.mark.parametrize("seed", range(6))
def test_eod_and_aod_agree_with_fairlearn_on_random_labels(seed):
    from fairlearn.metrics import (
        MetricFrame,
        equal_opportunity_difference,
        equalized_odds_difference,
        false_positive_rate,
        true_positive_rate,
    )

    y, pred, groups = _unequal_tpr_predictions(seed)
    summary = fairness.fairness_summary(y, pred, groups, privileged="r1")
    by_group = MetricFrame(
        metrics={"tpr": true_positive_rate, "fpr": false_positive_rate},
        y_true=y,
        y_pred=pred,
        sensitive_features=groups,
    ).by_group
    tpr_gap = by_group.loc["r2", "tpr"] - by_group.loc["r1", "tpr"]
    fpr_gap = by_group.loc["r2", "fpr"] - by_group.loc["r1", "fpr"]
    eod, aod = summary["equal_opportunity_difference"], summary["average_odds_difference"]
    assert eod < -0.05  # the planted gap: r2's true-positive rate is lower
    assert eod == pytest.approx(tpr_gap)
    assert aod == pytest.approx((tpr_gap + fpr_gap) / 2)
    expected_eod = equal_opportunity_difference(y, pred, sensitive_features=groups)
    assert abs(eod) == pytest.approx(expected_eod)
    worst = equalized_odds_difference(y, pred, sensitive_features=groups)
    mean = equalized_odds_difference(y, pred, sensitive_features=groups, agg="mean")
    assert max(abs(tpr_gap), abs(fpr_gap)) == pytest.approx(worst)
    assert abs(aod) <= mean + 1e-12


def test_vs_rest_rows_agree_with_fairlearn_group_against_the_rest(random_predictions):
    from fairlearn.metrics import equal_opportunity_difference, equalized_odds_difference

    y, pred, groups = random_predictions
    table = fairness.audit(y, pred, groups, privileged="r1")
    for group in ("r1", "r2", "r3"):
        row = _row(table, "vs rest", group)
        alone = np.where(groups == group, group, "rest")
        expected_eod = equal_opportunity_difference(y, pred, sensitive_features=alone)
        assert abs(row.equal_opportunity_difference) == pytest.approx(expected_eod)
        tpr_gap, fpr_gap = row.equal_opportunity_difference, 2 * row.average_odds_difference
        fpr_gap -= tpr_gap
        worst = equalized_odds_difference(y, pred, sensitive_features=alone)
        assert max(abs(tpr_gap), abs(fpr_gap)) == pytest.approx(worst)


# ----------------------------------------------------------------------------- bad input


def test_length_mismatch_names_the_array_and_every_length():
    with pytest.raises(
        ParameterError,
        match=r"'y_pred' parameter of audit must be an array of length 10 .* Got 9 instead\. "
        r"The lengths are y_true=10, y_pred=9, groups=10",
    ):
        fairness.audit(Y, PRED[:9], GROUPS, privileged="a")


def test_two_dimensional_labels_are_refused_but_a_column_is_flattened():
    with pytest.raises(ParameterError, match=r"'y_true' parameter of group_metrics .* \(5, 2\)"):
        fairness.group_metrics(Y.reshape(5, 2), PRED, GROUPS)
    column = fairness.group_metrics(Y.reshape(-1, 1), PRED, GROUPS)
    np.testing.assert_allclose(column.tpr, fairness.group_metrics(Y, PRED, GROUPS).tpr)


def test_non_binary_labels_and_probabilities_as_labels_are_refused():
    with pytest.raises(ParameterError, match="'y_true' parameter of audit must be binary labels"):
        fairness.audit(np.arange(10), PRED, GROUPS, privileged="a")
    with pytest.raises(ParameterError, match="probabilities as y_score"):
        fairness.audit(Y, np.linspace(0, 1, 10), GROUPS, privileged="a")
    with pytest.raises(ParameterError, match="set favorable= to one of them"):
        fairness.audit(np.where(Y == 1, "yes", "no"), PRED, GROUPS, privileged="a")


# --- the details a published audit depends on (found by mutation testing) -------------------
import warnings  # noqa: E402

import pandas as pd  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

_FUNCTIONS = {
    "group_metrics": lambda y, p, g, **k: fairness.group_metrics(y, p, g, **k),
    "group_confusions": lambda y, p, g, **k: fairness.group_confusions(y, p, g, **k),
    "audit": lambda y, p, g, **k: fairness.audit(y, p, g, privileged="a", **k),
    "fairness_summary": lambda y, p, g, **k: fairness.fairness_summary(y, p, g, privileged="a",
                                                                        **k),
    "label_as_protected_demo": lambda y, p, g, **k: fairness.label_as_protected_demo(
        y, p, g, privileged="a", **k),
}


@pytest.mark.parametrize("function", list(_FUNCTIONS))
@pytest.mark.parametrize(("bad", "parameter"), [
    ({"y_true": [[1, 0]] * 10}, "y_true"), ({"y_pred": [[1, 0]] * 10}, "y_pred"),
    ({"y_pred": PRED[:9]}, "y_pred"), ({"groups": GROUPS[:9]}, "groups"),
    ({"y_true": [0, 1, 2] + [0] * 7}, "y_true"), ({"y_pred": [0, 1, 2] + [0] * 7}, "y_pred"),
])
def test_every_audit_names_itself_and_the_bad_array(function, bad, parameter):
    args = {"y": Y, "p": PRED, "g": GROUPS}
    names = {"y_true": "y", "y_pred": "p", "groups": "g"}
    args.update({names[k]: v for k, v in bad.items()})
    with pytest.raises(ParameterError, match=rf"^The '{parameter}' parameter of {function} must"):
        _FUNCTIONS[function](args["y"], args["p"], args["g"])


@pytest.mark.parametrize("function", ["audit", "fairness_summary"])
def test_an_absent_privileged_group_is_refused_by_name(function):
    call = getattr(fairness, function)
    with pytest.raises(ParameterError) as caught:
        call(Y, PRED, GROUPS, privileged="z")
    assert str(caught.value) == (f"The 'privileged' parameter of {function} must be a group "
                                 "value that occurs in 'groups'. Got 'z' instead. The groups "
                                 "present are ['a', 'b'].")


def test_scores_of_the_wrong_length_or_shape_are_refused():
    with pytest.raises(ParameterError, match=r"^The 'y_score' parameter of audit must be an "
                                             r"array of length 10"):
        fairness.audit(Y, PRED, GROUPS, privileged="a", y_score=np.full(9, 0.5))
    with pytest.raises(ParameterError, match=r"^The 'y_score' parameter of audit must be a 1-D"):
        fairness.audit(Y, PRED, GROUPS, privileged="a", y_score=np.full((10, 2), 0.5))


@pytest.mark.parametrize("function", ["group_metrics", "audit", "fairness_summary"])
def test_the_label_itself_is_refused_as_groups(function):
    with pytest.raises(ParameterError,
                       match=rf"^The 'groups' parameter of {function} must be an attribute "
                             "other than the label"):
        _FUNCTIONS[function](Y, PRED, Y)


@pytest.mark.parametrize("function", ["group_metrics", "group_confusions", "audit",
                                      "fairness_summary", "label_as_protected_demo"])
def test_favorable_zero_is_the_same_audit_of_flipped_labels(function):
    flipped = _FUNCTIONS[function](1 - Y, 1 - PRED, GROUPS, favorable=0)
    plain = _FUNCTIONS[function](Y, PRED, GROUPS)
    if isinstance(plain, dict):
        for key in plain:
            pd.testing.assert_frame_equal(flipped[key], plain[key]) if isinstance(
                plain[key], pd.DataFrame) else np.testing.assert_allclose(flipped[key],
                                                                          plain[key])
    else:
        pd.testing.assert_frame_equal(flipped, plain)


def test_an_expected_group_without_examples_keeps_a_row_of_nan():
    with pytest.warns(UserWarning, match=r"^Group 'c' has no examples in 'groups'"):
        table = fairness.group_metrics(Y, PRED, GROUPS, categories=["a", "b", "c"])
    assert list(table.columns) == ["group", "n", "base_rate", "selection_rate", "accuracy",
                                   "tpr", "fpr", "tnr", "fnr", "accuracy_low", "accuracy_high",
                                   "tpr_low", "tpr_high", "fpr_low", "fpr_high"]
    last = table.iloc[-1]
    assert last["group"] == "c" and last["n"] == 0
    assert all(isinstance(last[c], float) and np.isnan(last[c]) for c in table.columns[2:])
    with pytest.warns(UserWarning, match="Group 'c' has no examples"):
        rows = fairness.audit(Y, PRED, GROUPS, privileged="a", categories=["a", "b", "c"],
                              y_score=np.linspace(0, 1, 10))
    c = rows[(rows.group == "c") & (rows.comparison == "vs privileged")].iloc[0]
    assert c.n_group == 0 and c.n_reference == 5
    for column in ("base_rate", "tpr", "roc_auc", "disparate_impact",
                   "statistical_parity_difference", "equal_opportunity_difference",
                   "average_odds_difference"):
        assert np.isnan(c[column]), column
    with pytest.warns(UserWarning):
        confusions = fairness.group_confusions(Y, PRED, GROUPS, categories=["a", "b", "c"])
    assert list(confusions) == ["a", "b", "c"] and confusions["c"].to_numpy().sum() == 0


def test_a_group_of_one_example_is_measured_not_blanked():
    y, p, g = np.array([1, 0, 1, 1, 0, 1]), np.array([1, 0, 0, 1, 1, 0]), np.array(
        ["a", "a", "a", "a", "a", "b"])
    table = fairness.group_metrics(y, p, g).set_index("group")
    assert table.loc["b", "n"] == 1
    assert (table.loc["b", "selection_rate"], table.loc["b", "tpr"]) == (0.0, 0.0)
    summary = fairness.fairness_summary(y, p, g, privileged="a")
    assert summary["statistical_parity_difference"] == pytest.approx(0.0 - 3 / 5)
    rows = fairness.audit(y, p, g, privileged="b")
    row = rows[(rows.group == "a") & (rows.comparison == "vs privileged")].iloc[0]
    assert row.n_reference == 1 and row.statistical_parity_difference == pytest.approx(3 / 5)


def test_undefined_rates_are_nan_without_numpy_warnings():
    # privileged group a: no favorable label and no favorable prediction (0/0 and x/0)
    y, p, g = np.array([0, 0, 1, 1, 0, 1]), np.array([0, 0, 1, 0, 1, 1]), np.array(
        ["a", "a", "b", "b", "b", "b"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        summary = fairness.fairness_summary(y, p, g, privileged="a")
        table = fairness.group_metrics(y, p, g)
        rows = fairness.audit(y, p, g, privileged="a")
        demo = fairness.label_as_protected_demo(y, np.zeros(6, int), g, privileged="a")
    assert np.isnan(summary["equal_opportunity_difference"])
    assert summary["disparate_impact"] == np.inf
    assert np.isnan(table.set_index("group").loc["a", "tpr"])
    assert rows.iloc[0].disparate_impact == np.inf
    assert np.isnan(demo.disparate_impact.iloc[0])


def test_group_confusions_are_integer_counts_with_named_axes():
    table = fairness.group_confusions(Y, PRED, GROUPS)["b"]
    assert table.to_numpy().dtype == np.int64
    assert (table.index.name, table.columns.name) == ("true", "predicted")
    assert table.to_numpy().tolist() == [[2, 0], [1, 2]]


def test_audit_roc_auc_of_each_group_uses_that_groups_scores():
    score = np.linspace(0.05, 0.95, 10)
    rows = fairness.audit(Y, PRED, GROUPS, privileged="a", y_score=score)
    for group, mask in (("a", GROUPS == "a"), ("b", GROUPS == "b")):
        row = rows[(rows.group == group) & (rows.comparison == "vs rest")].iloc[0]
        assert row.roc_auc == pytest.approx(roc_auc_score(Y[mask], score[mask]))
    assert "roc_auc" not in fairness.audit(Y, PRED, GROUPS, privileged="a").columns


def test_the_label_as_protected_demo_rows_are_named_and_keyed():
    demo = fairness.label_as_protected_demo(Y, PRED, GROUPS, privileged="a", group_name="race")
    assert list(demo.columns) == ["protected", "disparate_impact",
                                  "statistical_parity_difference", "fpr_over_tpr"]
    assert demo.protected.tolist() == ["label (the label: wrong)", "race"]
    right = fairness.fairness_summary(Y, PRED, GROUPS, privileged="a")
    assert demo.statistical_parity_difference.iloc[1] == pytest.approx(
        right["statistical_parity_difference"])
    assert np.isnan(demo.fpr_over_tpr.iloc[1])
    # with the label as the group, SPD is FPR - TPR (here 1/4 - 4/6)
    assert demo.statistical_parity_difference.iloc[0] == pytest.approx(1 / 4 - 4 / 6)


def test_group_negative_rates_are_each_groups_own():
    table = fairness.group_metrics(Y_TPR, PRED_TPR, GROUPS_TPR).set_index("group")
    assert table.loc["a", "fnr"] == pytest.approx(1 / 4)
    assert table.loc["b", "fnr"] == pytest.approx(3 / 4)
    assert table.loc["a", "tnr"] == pytest.approx(1 / 2)
    with pytest.warns(UserWarning):
        rows = fairness.audit(Y, PRED, GROUPS, privileged="a", categories=["a", "b", "c"])
    c = rows[(rows.group == "c") & (rows.comparison == "vs privileged")].iloc[0]
    assert np.isnan(c.selection_rate) and np.isnan(c.accuracy) and np.isnan(c.fpr)


def test_the_demo_names_its_rows_label_and_groups_by_default():
    demo = fairness.label_as_protected_demo(Y, PRED, GROUPS, privileged="a")
    assert demo.protected.tolist() == ["label (the label: wrong)", "groups"]


def test_missing_group_values_are_refused_and_a_lone_group_has_no_gaps():
    groups = GROUPS.astype(object)
    groups[2] = None
    with pytest.raises(ParameterError, match=r"^The 'groups' parameter of audit must be a "
                                             r"group value for every example"):
        fairness.audit(Y, PRED, groups, privileged="a")
    lone = fairness.fairness_summary(Y, PRED, ["a"] * 10, privileged="a")
    for name in fairness.FAIRNESS_METRICS:
        assert isinstance(lone[name], float) and np.isnan(lone[name]), name


def test_group_intervals_count_each_rate_on_its_own_examples():
    from course_utils._stats import wilson_interval

    # group a: 6 examples, 4 positives (3 found), 2 negatives (1 false alarm); group b: 2.
    y_true = [1, 1, 1, 1, 0, 0, 1, 0]
    y_pred = [1, 1, 1, 0, 1, 0, 1, 0]
    table = fairness.group_metrics(y_true, y_pred, ["a"] * 6 + ["b"] * 2).set_index("group")
    a = table.loc["a"]
    assert (a.tpr_low, a.tpr_high) == pytest.approx(wilson_interval(3, 4))
    assert (a.fpr_low, a.fpr_high) == pytest.approx(wilson_interval(1, 2))
    assert (a.accuracy_low, a.accuracy_high) == pytest.approx(wilson_interval(4, 6))
    b = table.loc["b"]
    assert b.accuracy_high - b.accuracy_low > a.accuracy_high - a.accuracy_low  # smaller: wider
