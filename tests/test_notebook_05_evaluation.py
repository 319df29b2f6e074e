"""Notebook 05_evaluation: its conclusion follows the numbers of the run.

The cell that turns the run's numbers into words is executed on made-up outcomes
(no training): a regrouping that raises the accuracy and one that does not, classes
that differ beyond noise and ones that do not, Fashion-MNIST and digits.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import nbformat
import numpy as np
import pandas as pd
import pytest

from course_utils import PairedComparison, verdict
from course_utils.paths import project_root

NOTEBOOK = project_root(__file__) / "notebooks" / "05_evaluation.ipynb"


def _cells(kind):
    return [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == kind]


def _pair(acc_a, acc_b, low, high):
    return PairedComparison(acc_a=acc_a, acc_b=acc_b, diff=acc_b - acc_a, ci_low=low,
                            ci_high=high, n01=30, n10=10, mcnemar_p=0.01,
                            within_noise=low <= 0 <= high)


def _classes(names, accuracy, low, high):
    return pd.DataFrame({"class": names, "support": 100, "accuracy": accuracy, "low": low,
                         "high": high})


def _conclude(*, regrouped, merged, baseline=0.87, dataset="fashion_mnist",
              class_high=(0.66, 0.99), shares=(0.5, 0.4, 0.1)):
    glued = {}
    pairs = pd.DataFrame({"first": ["T-shirt/top", "Pullover", "Sandal"],
                          "second": ["Shirt", "Coat", "Sneaker"], "count": [200, 150, 60],
                          "share": [0.1, 0.07, 0.03]})
    def interval(a, b):
        return (b - a - 0.005, b - a + 0.005)

    namespace = {
        "np": np, "verdict": verdict, "glue_all": glued.update,
        "data": SimpleNamespace(name=dataset),
        "splits": pd.DataFrame({"accuracy": [0.91, 0.88, baseline], "low": [0.9, 0.87, 0.86],
                                "high": [0.92, 0.89, 0.88]}, index=["train", "val", "test"]),
        "table": pd.DataFrame({"f1_macro": [0.87], "f1_weighted": [0.87],
                               "recall_weighted": [baseline], "roc_auc_ovr": [0.99]}),
        "auc_labels": 0.93,
        "per_class": _classes(["Shirt", "Trouser"], [0.64, 0.97], [0.61, 0.96], class_high),
        "group_table": _classes(["Top", "Bottom", "Accessories"], [0.99, 0.99, 0.96],
                                [0.98, 0.98, 0.94], [0.995, 0.995, 0.97]),
        "pairs": pairs,
        "vs_baseline": _pair(baseline, regrouped, *interval(baseline, regrouped)),
        "vs_merged": _pair(merged, regrouped, *interval(merged, regrouped)),
        "regroup_table": pd.DataFrame({"low": [regrouped - 0.01], "high": [regrouped + 0.01]},
                                      index=["regrouped"]),
        "shares": np.array(shares), "group_names": ("Top", "Bottom", "Accessories"),
    }
    (cell,) = [s for s in _cells("code") if '"regroup_lesson"' in s]
    exec(cell, namespace)
    return glued


def test_regrouping_sentence_follows_the_sign_of_the_change():
    higher = _conclude(regrouped=0.99, merged=0.985)
    lower = _conclude(regrouped=0.80, merged=0.82)
    assert higher["regroup_direction"] == "above" and lower["regroup_direction"] == "below"
    assert higher["regroup_lesson"].startswith("most of the higher accuracy")
    assert lower["regroup_lesson"].startswith("regrouping did not raise the accuracy")
    assert "higher accuracy" not in lower["regroup_lesson"]
    assert higher["regroup_diff"] == pytest.approx(0.12)
    assert (higher["regroup_ci_low"], higher["regroup_ci_high"]) == pytest.approx((0.115, 0.125))


def test_retraining_against_merging_is_judged_with_its_interval():
    same = _conclude(regrouped=0.99, merged=0.988)
    assert same["retrain_effect"] == "could not be told apart from"
    assert same["regroup_lesson"].startswith("the higher accuracy after regrouping measures an "
                                             "easier question")
    retrain = _conclude(regrouped=0.99, merged=0.90)
    assert retrain["retrain_effect"] == "beat"
    assert retrain["regroup_lesson"].startswith("training on the super-classes gives most")


def test_class_spread_and_the_courses_pairs_follow_the_data():
    apart = _conclude(regrouped=0.99, merged=0.985)
    overlap = _conclude(regrouped=0.99, merged=0.985, class_high=(0.97, 0.99))
    assert apart["class_spread"] == "differ beyond noise"
    assert overlap["class_spread"] == "cannot be told apart from noise"
    assert apart["worst_class"] == "Shirt" and apart["best_class"] == "Trouser"
    assert apart["course_pairs_note"].startswith("both are among")
    digits = _conclude(regrouped=0.99, merged=0.985, dataset="digits")
    assert digits["course_pairs_note"].startswith("this run is on digits")


def test_group_balance_is_read_from_the_shares():
    assert _conclude(regrouped=0.99, merged=0.98)["group_balance"] == "unequal"
    even = _conclude(regrouped=0.99, merged=0.98, shares=(1 / 3, 1 / 3, 1 / 3))
    assert even["group_balance"] == "about equal"


def test_every_glue_the_markdown_uses_is_glued_by_the_code():
    code = "\n".join(_cells("code"))
    used = set(re.findall(r"\{glue:text\}`([a-z_0-9]+)", "\n".join(_cells("markdown"))))
    missing = sorted(name for name in used if f'"{name}"' not in code)
    assert used and missing == []


def test_the_page_says_weighted_recall_equals_accuracy():
    text = " ".join(_cells("markdown"))
    assert "Weighted recall therefore *equals* the accuracy" in text
    assert "move towards" not in text and "moves towards" not in text
