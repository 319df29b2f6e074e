"""Tests for course_utils.lessons.fairness_audit: the setup and comparisons of notebook 10."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import ParameterError
from course_utils.lessons import fairness_audit

# Twelve examples whose groups differ in true-positive rate (see test_fairness_metrics.py):
#   group a: TPR 3/4, FPR 1/2; group b: TPR 1/4, FPR 1/2 -> EOD -1/2, AOD -1/4, SPD -1/3
Y = np.array([1, 1, 1, 1, 0, 0] * 2)
PRED = np.array([1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0])
GROUPS = np.array(["a"] * 6 + ["b"] * 6)
SPLITS = ("train", "val", "test")


class _Data:
    """The twelve examples as the train, val and test split of a dataset."""

    num_classes = 2
    y_train = y_val = y_test = Y

    def split(self, name):
        return np.zeros((len(Y), 1)), Y


class _FixedRun:
    """A run whose test predictions are ``pred`` and whose other splits are right."""

    name, params, wall_seconds, data = "fixed", 7, 1.0, _Data()

    def __init__(self, pred):
        self.pred = pred

    def probabilities(self, split="test"):
        labels = self.pred if split == "test" else Y
        return np.eye(2)[labels] * 0.8 + 0.1

    def accuracy(self, split="test"):
        return float(np.mean(self.probabilities(split).argmax(axis=1) == Y))


def test_fairness_setup_on_digits_resolves_the_auto_choices():
    setup = fairness_audit.fairness_setup("digits", bias=0.5, limit=60, seed=0)
    assert (setup.target, setup.protected, setup.privileged) == ("digit >= 5", "group", "group A")
    assert setup.synthetic and setup.also_audit is None
    assert list(setup.test_groups) == ["group"]
    assert {len(setup.groups[s]) for s in ("train", "test")} == {60}
    assert setup.data.class_names[1] == "digit >= 5"


def test_fairness_setup_on_faces_audits_race_and_age(tmp_path):
    from fakes import make_fairface

    folder = make_fairface(tmp_path, n_train=28, n_val=14)
    setup = fairness_audit.fairness_setup("fairface", folder, val_fraction=0.3)
    assert (setup.target, setup.protected, setup.also_audit) == ("gender", "race", "age_group")
    assert not setup.synthetic
    assert setup.privileged == pd.Series(setup.groups["train"]).mode()[0]
    assert setup.second_privileged == pd.Series(setup.second_groups["train"]).mode()[0]
    assert list(setup.test_groups) == ["race", "age_group"]
    with pytest.raises(ParameterError, match="is the target itself"):
        fairness_audit.fairness_setup("fairface", folder, protected="gender")


def test_mitigation_summary_scores_predictions_against_the_true_labels():
    # With the predictions passed as the true labels every TPR would be 1 and EOD 0.
    runs = {"unmitigated": _FixedRun(PRED)}
    summary = fairness_audit.mitigation_summary(runs, {s: GROUPS for s in SPLITS},
                                                privileged="a")
    row = summary.loc["unmitigated"]
    assert row.equal_opportunity_difference == pytest.approx(-1 / 2)
    assert row.average_odds_difference == pytest.approx(-1 / 4)
    assert row.statistical_parity_difference == pytest.approx(-1 / 3)
    assert row.disparate_impact == pytest.approx(1 / 2)
    assert row.test_accuracy == pytest.approx(6 / 12)
    assert row.train_accuracy == 1.0
    assert list(summary.columns[:3]) == ["train_accuracy", "val_accuracy", "test_accuracy"]


def test_mitigation_effects_are_numbers_measured_from_the_baseline():
    runs = {"unmitigated": _FixedRun(PRED), "perfect": _FixedRun(Y), "same": _FixedRun(PRED)}
    summary = fairness_audit.mitigation_summary(runs, {s: GROUPS for s in SPLITS},
                                                privileged="a")
    effects = fairness_audit.mitigation_effects(summary)
    assert list(effects.index) == ["perfect", "same"]
    assert all(dtype == np.float64 for dtype in effects.dtypes)
    perfect = effects.loc["perfect"]
    assert perfect.spd == pytest.approx(0.0) and perfect.eod == pytest.approx(0.0)
    assert perfect.spd_narrowing == pytest.approx(1 / 3)
    assert perfect.eod_narrowing == pytest.approx(1 / 2)
    assert perfect.accuracy == 1.0
    assert perfect.accuracy_change == pytest.approx(6 / 12)
    same = effects.loc["same"]  # no change at all must read as exactly zero, not as a gain
    assert (same.spd_narrowing, same.eod_narrowing, same.accuracy_change) == (0.0, 0.0, 0.0)
    worse = fairness_audit.mitigation_effects(summary, baseline="perfect").loc["unmitigated"]
    assert worse.accuracy_change == pytest.approx(-6 / 12)
    assert worse.spd_narrowing == pytest.approx(-1 / 3)
    with pytest.raises(ParameterError, match="Got 'nothing' instead. The variants are"):
        fairness_audit.mitigation_effects(summary, baseline="nothing")


def _scored_run(n=400, seed=0):
    rng = np.random.default_rng(seed)
    groups = np.where(rng.random(n) < 0.4, "group B", "group A")
    y = (rng.random(n) < 0.5).astype(int)
    scores = np.clip(0.25 + 0.5 * y + rng.normal(0, 0.15, n) - 0.2 * (groups == "group B"), 0, 1)

    class Data:
        num_classes = 2
        y_train = y_val = y_test = y

        def split(self, name):
            return np.zeros((len(y), 1)), y

    class Run:
        data, params = Data(), 3

        def probabilities(self, split="test"):
            return np.column_stack([1 - scores, scores])

        predict = probabilities

    return Run(), {s: groups for s in SPLITS}


def test_postprocessed_run_adjusts_every_split_and_predicts_one_hot():
    from course_utils.fairness import eq_odds_postprocess

    run, groups = _scored_run()
    adjusted = fairness_audit.postprocessed_run(run, groups, privileged="group A", seed=0)
    assert adjusted.name == "eq_odds" and adjusted.params == 3
    probs = adjusted.predict("test")
    assert probs.shape == (len(run.data.y_test), 2) and set(probs.sum(axis=1)) == {1.0}
    scores = run.predict()[:, 1]
    expected = eq_odds_postprocess(run.data.y_val, scores, groups["val"], run.data.y_test,
                                   scores, groups["test"], privileged="group A", seed=0)
    np.testing.assert_array_equal(probs.argmax(axis=1), expected)
    accuracy = float((probs.argmax(axis=1) == run.data.y_test).mean())
    assert adjusted.metrics["test_accuracy"] == accuracy
    assert set(adjusted.metrics) == {"train_accuracy", "val_accuracy", "test_accuracy"}


def test_postprocessed_run_names_itself_and_checks_the_method():
    run, groups = _scored_run()
    named = fairness_audit.postprocessed_run(run, groups, privileged="group A",
                                             method="calibrated", name="calibrated_eo")
    assert named.name == "calibrated_eo"
    with pytest.raises(ParameterError, match="'method' parameter of postprocessed_run"):
        fairness_audit.postprocessed_run(run, groups, privileged="group A", method="magic")


def test_a_run_from_labels_scores_its_own_accuracy():
    labels = {"train": Y, "val": Y, "test": PRED}
    run = fairness_audit.PostprocessedRun.from_labels("fixed", _Data(), labels, params=5)
    assert run.metrics == {"train_accuracy": 1.0, "val_accuracy": 1.0,
                           "test_accuracy": pytest.approx(6 / 12)}
    np.testing.assert_array_equal(run.predict("test"), np.eye(2)[PRED])


# --- the details a published audit depends on (found by mutation testing) -------------------


@pytest.fixture(scope="module")
def digits_setup():
    return fairness_audit.fairness_setup(limit=80)


def test_the_default_setup_is_unbiased_digits_split_at_five(digits_setup):
    from course_utils.data import load_dataset

    setup = digits_setup
    digits = load_dataset("digits", val_fraction=0.2, seed=0, limit=80)
    for split in SPLITS:
        np.testing.assert_array_equal(setup.data.split(split)[1],
                                      (digits.split(split)[1] >= 5).astype(int))
    assert setup.data.class_names == ("digit < 5", "digit >= 5")
    again = fairness_audit.fairness_setup("digits", bias=0.0, seed=0, limit=80,
                                          group_fraction=0.3, val_fraction=0.2)
    np.testing.assert_array_equal(again.data.x_train, setup.data.x_train)
    np.testing.assert_array_equal(again.groups["train"], setup.groups["train"])


def test_setup_options_reach_the_data(digits_setup):
    setup = digits_setup
    other_seed = fairness_audit.fairness_setup(limit=80, seed=1)
    assert not np.array_equal(other_seed.data.x_train, setup.data.x_train)
    biased = fairness_audit.fairness_setup(limit=80, bias=1.0)
    assert biased.data.y_train.sum() < setup.data.y_train.sum()
    np.testing.assert_array_equal(biased.data.y_test, setup.data.y_test)
    more_b = fairness_audit.fairness_setup(limit=80, group_fraction=0.6)
    assert (more_b.groups["train"] == "group B").mean() > (
        setup.groups["train"] == "group B").mean()
    small = fairness_audit.fairness_setup(limit=20, val_fraction=0.5)
    assert {len(small.groups[s]) for s in SPLITS} == {20}
    for split in SPLITS:  # the groups of each split are that split's
        assert len(setup.groups[split]) == len(setup.data.split(split)[1])
    chosen = fairness_audit.fairness_setup(limit=80, privileged="group B")
    assert chosen.privileged == "group B"


def test_face_setup_passes_every_loader_option(tmp_path):
    from fakes import make_fairface

    folder = make_fairface(tmp_path, n_train=40, n_val=14)
    setup = fairness_audit.fairness_setup("fairface", folder, target="race", protected="gender",
                                          also_audit=None, image_size=(6, 5), val_fraction=0.25,
                                          seed=3, limit=8)
    assert setup.data.class_names[0] == "White" and setup.data.input_shape[:2] == (6, 5)
    assert setup.also_audit is None and setup.second_groups == {}
    assert list(setup.test_groups) == ["gender"]
    assert max(len(setup.groups[s]) for s in SPLITS) <= 8
    other = fairness_audit.fairness_setup("fairface", folder, target="race", protected="gender",
                                          also_audit=None, image_size=(6, 5), val_fraction=0.25,
                                          seed=4, limit=8)
    assert not np.array_equal(other.data.x_train, setup.data.x_train)
    wider = fairness_audit.fairness_setup("fairface", folder, protected="race",
                                          val_fraction=0.5)
    assert len(wider.data.y_val) > len(setup.data.y_val)
    for split in SPLITS:
        assert len(wider.second_groups[split]) == len(wider.data.split(split)[1])


def test_a_run_from_labels_defaults_to_the_truth_and_no_cost(digits_setup):
    data = digits_setup.data
    truth = fairness_audit.PostprocessedRun.from_labels("truth", data)
    assert (truth.wall_seconds, truth.params) == (0.0, 0)
    for split in SPLITS:
        np.testing.assert_array_equal(truth.labels[split], data.split(split)[1])
        assert truth.accuracy(split) == 1.0
    np.testing.assert_array_equal(truth.probabilities(), np.eye(2)[data.y_test])
    flipped = {s: 1 - data.split(s)[1] for s in SPLITS}
    wrong = fairness_audit.PostprocessedRun.from_labels("wrong", data, flipped)
    assert wrong.accuracy() == 0.0 and wrong.metrics["train_accuracy"] == 0.0
    for method in (truth.probabilities, truth.accuracy):
        with pytest.raises(ParameterError, match=r"^The 'split' parameter of "
                                                 r"(PostprocessedRun\.probabilities|accuracy) "
                                                 r"must be one of \['train', 'val', 'test'\]"):
            method("all")


def test_postprocessed_run_uses_each_split_its_method_and_its_seed():
    run, groups = _scored_run()
    default = fairness_audit.postprocessed_run(run, groups, privileged="group A")
    explicit = fairness_audit.postprocessed_run(run, groups, privileged="group A",
                                                method="eq_odds", seed=0)
    calibrated = fairness_audit.postprocessed_run(run, groups, privileged="group A",
                                                  method="calibrated")
    other_seed = fairness_audit.postprocessed_run(run, groups, privileged="group A", seed=1)
    for split in SPLITS:
        np.testing.assert_array_equal(default.labels[split], explicit.labels[split])
    assert not np.array_equal(calibrated.labels["test"], default.labels["test"])
    assert not np.array_equal(other_seed.labels["test"], default.labels["test"])
    assert 0.0 <= default.wall_seconds < 120 and default.params == 3


def test_tables_index_their_variants_by_name():
    runs = {"unmitigated": _FixedRun(PRED), "same": _FixedRun(PRED)}
    summary = fairness_audit.mitigation_summary(runs, {s: GROUPS for s in SPLITS},
                                                privileged="a")
    assert summary.index.name == "variant"
    assert fairness_audit.mitigation_effects(summary).index.name == "variant"
    with pytest.raises(ParameterError) as caught:
        fairness_audit.mitigation_effects(summary, baseline="none")
    assert str(caught.value) == ("The 'baseline' parameter of mitigation_effects must be a "
                                 "variant of 'summary'. Got 'none' instead. The variants are "
                                 "['unmitigated', 'same'].")


def test_setup_groups_and_loader_options_follow_each_split():
    from course_utils.data import load_dataset
    from course_utils.fairness import with_synthetic_groups

    setup = fairness_audit.fairness_setup(val_fraction=0.3, seed=2, group_fraction=0.4,
                                          bias=0.5)
    digits = load_dataset("digits", val_fraction=0.3, seed=2)
    binary = digits.relabel({d: int(d >= 5) for d in range(10)}, ["digit < 5", "digit >= 5"])
    expected = with_synthetic_groups(binary, group_fraction=0.4, bias=0.5, seed=2)
    for split in SPLITS:
        np.testing.assert_array_equal(setup.data.split(split)[1], expected.split(split)[1])
        assert len(setup.groups[split]) == len(setup.data.split(split)[1])
    assert len({len(setup.groups[s]) for s in SPLITS}) == 3


class _SplitData:
    """Three splits of different sizes and labels."""

    num_classes = 2
    sizes = {"train": 300, "val": 200, "test": 100}

    def __init__(self):
        rng = np.random.default_rng(1)
        self.y = {s: (rng.random(n) < 0.5).astype(int) for s, n in self.sizes.items()}
        self.groups = {s: np.where(rng.random(n) < 0.4, "group B", "group A")
                       for s, n in self.sizes.items()}
        self.scores = {s: np.clip(0.25 + 0.5 * self.y[s] + rng.normal(0, 0.15, len(self.y[s]))
                                  - 0.2 * (self.groups[s] == "group B"), 0, 1)
                       for s in self.sizes}
        self.y_val = self.y["val"]

    def split(self, name):
        return np.zeros((len(self.y[name]), 1)), self.y[name]


def test_postprocessed_run_adjusts_each_split_with_its_own_scores_and_labels():
    data = _SplitData()

    class Run:
        params = 1

        def __init__(self):
            self.data = data

        def probabilities(self, split="test"):
            return np.column_stack([1 - data.scores[split], data.scores[split]])

    adjusted = fairness_audit.postprocessed_run(Run(), data.groups, privileged="group A")
    for split, n in data.sizes.items():
        assert len(adjusted.labels[split]) == n
        assert adjusted.accuracy(split) == pytest.approx(
            np.mean(adjusted.labels[split] == data.y[split]))
    assert adjusted.wall_seconds > 0
