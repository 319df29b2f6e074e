"""Rules that hold for every input, checked with hypothesis on generated labels.

Splits partition the data and keep each class's share; each score agrees with
scikit-learn, each fairness metric with fairlearn (or the closed form), each
interval with scipy. The examples are derandomized (the same every run) and no
example database is written.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

from course_utils.data._splits import Request, cap_indices, split_indices, train_val_indices
from course_utils.evaluate import accuracy_interval, paired_comparison, scores
from course_utils.fairness import fairness_summary, group_metrics, reweighing_weights

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
FAST = settings(SETTINGS, max_examples=60)

# --- splits -------------------------------------------------------------------------------------


@st.composite
def stratifiable(draw):
    """Labels of 2-5 classes, 10-40 examples each, shuffled; fractions a stratified split can
    honour for every class."""
    counts = draw(st.lists(st.integers(10, 40), min_size=2, max_size=5))
    order = draw(st.permutations(range(sum(counts))))
    labels = np.repeat(np.arange(len(counts)), counts)[list(order)]
    test_fraction = draw(st.sampled_from([0.2, 0.25, 0.3, 0.4]))
    val_fraction = draw(st.sampled_from([0.2, 0.25, 0.3]))
    return labels, val_fraction, test_fraction, draw(st.integers(0, 2**16))


def _request(**options):
    return Request.make("digits", None, needs_dir=False, **options)


@FAST
@given(stratifiable())
def test_splits_partition_the_rows_and_keep_class_shares_within_two(case):
    labels, val_fraction, test_fraction, seed = case
    parts = split_indices(labels, _request(val_fraction=val_fraction,
                                           test_fraction=test_fraction, seed=seed))
    rows = np.concatenate([parts["train"], parts["val"], parts["test"]])
    assert sorted(rows.tolist()) == list(range(len(labels)))  # disjoint and complete
    total = np.bincount(labels)
    rest = total * (1 - test_fraction)
    expected = {"test": total * test_fraction, "val": rest * val_fraction,
                "train": rest * (1 - val_fraction)}
    for name, idx in parts.items():
        counts = np.bincount(labels[idx], minlength=len(total))
        assert np.abs(counts - expected[name]).max() <= 2, name
    assert len(parts["test"]) == round(test_fraction * len(labels))


@SETTINGS
@given(stratifiable())
def test_splits_are_seeded(case):
    labels, val_fraction, test_fraction, seed = case
    request = _request(val_fraction=val_fraction, test_fraction=test_fraction, seed=seed)
    first, again = split_indices(labels, request), split_indices(labels, request)
    assert all(np.array_equal(first[k], again[k]) for k in first)


@FAST
@given(stratifiable(), st.sampled_from(["stratified", "course"]))
def test_validation_split_of_an_official_train_set_partitions_it(case, how):
    labels, val_fraction, _, seed = case
    parts = train_val_indices(labels, _request(val_fraction=val_fraction, seed=seed),
                              val_split=how)
    rows = np.concatenate([parts["train"], parts["val"]])
    assert sorted(rows.tolist()) == list(range(len(labels)))
    if how == "stratified":
        expected = np.bincount(labels) * val_fraction
        counts = np.bincount(labels[parts["val"]], minlength=len(expected))
        assert np.abs(counts - expected).max() <= 2


@FAST
@given(st.lists(st.integers(0, 4), min_size=1, max_size=80), st.integers(1, 60),
       st.integers(0, 1000))
def test_a_limit_takes_classes_in_turn(values, limit, seed):
    labels = np.asarray(values)
    rows = np.arange(100, 100 + len(labels))
    chosen = cap_indices(rows, labels, limit, seed)
    assert len(chosen) == min(limit, len(labels))
    assert len(set(chosen.tolist())) == len(chosen) and set(chosen) <= set(rows)
    assert np.all(np.diff(chosen) > 0)  # kept in the rows' order
    taken = np.bincount(labels[chosen - 100], minlength=5)
    present = np.bincount(labels, minlength=5)
    for a in range(5):  # a class gets fewer than another (by 2+) only when it has no more
        for b in range(5):
            if taken[b] >= taken[a] + 2:
                assert taken[a] == present[a]


# --- scores against scikit-learn ----------------------------------------------------------------


@st.composite
def classified(draw):
    """True labels over k classes (some may be absent), probabilities with random argmax."""
    k = draw(st.integers(2, 5))
    n = draw(st.integers(4, 60))
    y_true = np.asarray(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, k)) * draw(st.sampled_from([0.5, 2.0, 6.0]))
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y_true, prob


@FAST
@given(classified())
def test_scores_agree_with_scikit_learn_even_with_absent_or_unpredicted_classes(case):
    y_true, prob = case
    k = prob.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        got = scores(y_true, prob)
    pred = prob.argmax(axis=1)
    labels = np.arange(k)
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y_true, pred))
    for average in ("macro", "weighted"):
        options = {"labels": labels, "average": average, "zero_division": 0}
        assert got[f"precision_{average}"] == pytest.approx(
            skm.precision_score(y_true, pred, **options))
        assert got[f"recall_{average}"] == pytest.approx(skm.recall_score(y_true, pred, **options))
        assert got[f"f1_{average}"] == pytest.approx(skm.f1_score(y_true, pred, **options))
    assert got["log_loss"] == pytest.approx(skm.log_loss(y_true, prob, labels=labels))
    if len(np.unique(y_true)) == k:
        expected = (skm.roc_auc_score(y_true, prob[:, 1]) if k == 2 else
                    skm.roc_auc_score(y_true, prob, multi_class="ovr", labels=labels))
        assert got["roc_auc_ovr"] == pytest.approx(expected)
    else:
        assert np.isnan(got["roc_auc_ovr"])


# --- intervals against scipy --------------------------------------------------------------------

pairs = st.integers(5, 80).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 2), min_size=n, max_size=n),
    st.lists(st.integers(0, 2), min_size=n, max_size=n),
    st.lists(st.integers(0, 2), min_size=n, max_size=n)))


@FAST
@given(pairs, st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_accuracy_interval_is_scipys_wilson_interval(case, confidence):
    y_true, y_pred, _ = (np.asarray(v) for v in case)
    acc, low, high = accuracy_interval(y_true, y_pred, confidence=confidence)
    hits = int((y_true == y_pred).sum())
    wilson = stats.binomtest(hits, len(y_true)).proportion_ci(confidence_level=confidence,
                                                              method="wilson")
    assert acc == pytest.approx(hits / len(y_true))
    assert (low, high) == pytest.approx((wilson.low, wilson.high), abs=1e-9)
    assert 0.0 <= low <= acc <= high <= 1.0


@SETTINGS
@given(pairs, st.integers(0, 50))
def test_paired_comparison_counts_the_discordant_examples(case, seed):
    y_true, pred_a, pred_b = (np.asarray(v) for v in case)
    result = paired_comparison(y_true, pred_a, pred_b, n_boot=300, seed=seed)
    right_a, right_b = pred_a == y_true, pred_b == y_true
    assert result.n01 == int((~right_a & right_b).sum())
    assert result.n10 == int((right_a & ~right_b).sum())
    assert result.acc_a == pytest.approx(right_a.mean())
    assert result.diff == pytest.approx(right_b.mean() - right_a.mean())
    discordant = result.n01 + result.n10
    expected_p = 1.0 if discordant == 0 else stats.binomtest(result.n10, discordant).pvalue
    assert result.mcnemar_p == pytest.approx(expected_p)
    assert -1.0 <= result.ci_low <= result.ci_high <= 1.0
    assert result.within_noise == (result.ci_low <= 0.0 <= result.ci_high)


# --- fairness metrics against fairlearn ---------------------------------------------------------


@st.composite
def audited(draw):
    """Binary labels and predictions, 2-3 groups with both labels in every group."""
    n_groups = draw(st.integers(2, 3))
    sizes = draw(st.lists(st.integers(6, 30), min_size=n_groups, max_size=n_groups))
    groups = np.repeat(np.array(["A", "B", "C"][:n_groups]), sizes)
    n = len(groups)
    y_true = np.asarray(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    y_pred = np.asarray(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    for g in np.unique(groups):
        assume(len(np.unique(y_true[groups == g])) == 2)
    return y_true, y_pred, groups


def _sides(y_true, y_pred, groups, privileged):
    side = np.where(groups == privileged, "privileged", "unprivileged")
    frame = MetricFrame(metrics={"sel": selection_rate, "tpr": true_positive_rate,
                                 "fpr": false_positive_rate},
                        y_true=y_true, y_pred=y_pred, sensitive_features=side)
    return frame.by_group.loc["unprivileged"], frame.by_group.loc["privileged"]


@SETTINGS
@given(audited())
def test_fairness_summary_agrees_with_fairlearn(case):
    y_true, y_pred, groups = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        unprivileged, privileged = _sides(y_true, y_pred, groups, "A")
    got = fairness_summary(y_true, y_pred, groups, privileged="A")
    assert got["statistical_parity_difference"] == pytest.approx(
        unprivileged.sel - privileged.sel)
    assert got["equal_opportunity_difference"] == pytest.approx(unprivileged.tpr - privileged.tpr)
    assert got["average_odds_difference"] == pytest.approx(
        0.5 * ((unprivileged.fpr - privileged.fpr) + (unprivileged.tpr - privileged.tpr)))
    if privileged.sel > 0:
        assert got["disparate_impact"] == pytest.approx(unprivileged.sel / privileged.sel)
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y_true, y_pred))


@SETTINGS
@given(audited())
def test_group_metrics_agree_with_fairlearn_per_group(case):
    y_true, y_pred, groups = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = MetricFrame(metrics={"selection_rate": selection_rate,
                                     "tpr": true_positive_rate, "fpr": false_positive_rate,
                                     "accuracy": skm.accuracy_score},
                            y_true=y_true, y_pred=y_pred, sensitive_features=groups)
    table = group_metrics(y_true, y_pred, groups).set_index("group")
    for column in ("selection_rate", "tpr", "fpr", "accuracy"):
        np.testing.assert_allclose(table[column].to_numpy(),
                                   frame.by_group[column].loc[table.index].to_numpy())
    np.testing.assert_allclose(table["base_rate"].to_numpy(),
                               [y_true[groups == g].mean() for g in table.index])
    assert table["n"].tolist() == [int((groups == g).sum()) for g in table.index]


@SETTINGS
@given(audited())
def test_reweighing_weights_are_the_closed_form(case):
    y_true, _, groups = case
    side = np.where(groups == "A", "A", "rest")
    weights = reweighing_weights(y_true, groups, privileged="A")
    expected = np.empty(len(y_true))
    for s in ("A", "rest"):
        for y in (0, 1):
            cell = (side == s) & (y_true == y)
            expected[cell] = (side == s).mean() * (y_true == y).mean() / cell.mean()
    np.testing.assert_allclose(weights, expected)
    assert weights.sum() == pytest.approx(len(y_true))
