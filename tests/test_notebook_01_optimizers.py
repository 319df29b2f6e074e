"""Notebook 01_optimizers: its conclusion follows the numbers of the run.

The cell that turns the run's numbers into the words of the conclusion is executed
here on made-up outcomes of opposite sign (no training), and the glued words must
follow: the slowest optimizer's explanation, whether momentum helped or hurt, and
whether that agrees with the original course.
"""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from course_utils import PairedComparison, verdict
from course_utils.lessons.optimizers import is_sgd
from course_utils.paths import project_root

NOTEBOOK = project_root(__file__) / "notebooks" / "01_optimizers.ipynb"
VARIANTS = {"sgd": {"optimizer": "sgd"}, "momentum_0.9": {"optimizer": {"name": "sgd",
                                                                        "momentum": 0.9}},
            "adam": {"optimizer": "adam"}}


def _cells(kind):
    return [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == kind]


def _conclusion_cell():
    (cell,) = [s for s in _cells("code") if '"momentum_verdict"' in s]
    return cell


def _pair(acc_a, acc_b, low, high):
    return PairedComparison(acc_a=acc_a, acc_b=acc_b, diff=acc_b - acc_a, ci_low=low,
                            ci_high=high, n01=10, n10=5, mcnemar_p=0.3,
                            within_noise=low <= 0 <= high)


def _conclude(first_epoch, momentum, winner="adam"):
    glued = {}
    table = pd.DataFrame({"val_accuracy_epoch_1": first_epoch,
                          "val_accuracy": [0.7, 0.8, 0.9], "test_accuracy": [0.7, 0.8, 0.9],
                          "test_low": [0.6, 0.7, 0.8], "test_high": [0.8, 0.9, 1.0]},
                         index=list(VARIANTS))
    namespace = {
        "table": table, "variants": VARIANTS, "winner": winner,
        "compared": {"momentum_vs_sgd": momentum,
                     "winner_vs_sgd": _pair(0.7, 0.9, 0.15, 0.25)},
        "originals": {"sgd": 0.692, "momentum_0.5": 0.701, "momentum_0.9": 0.624},
        "is_sgd": is_sgd, "verdict": verdict, "glue_all": glued.update,
    }
    exec(_conclusion_cell(), namespace)
    return glued


def test_momentum_words_follow_the_sign_and_the_interval():
    helped = _conclude([0.2, 0.5, 0.6], _pair(0.70, 0.80, 0.05, 0.15))
    hurt = _conclude([0.2, 0.5, 0.6], _pair(0.80, 0.70, -0.15, -0.05))
    noise = _conclude([0.2, 0.5, 0.6], _pair(0.70, 0.72, -0.01, 0.05))
    assert (helped["momentum_verdict"], hurt["momentum_verdict"]) == ("helped", "hurt")
    assert noise["momentum_verdict"] == "made no difference beyond noise"
    # the original course found that momentum 0.9 hurt
    assert hurt["momentum_vs_original"] == "as in"
    assert helped["momentum_vs_original"] == noise["momentum_vs_original"] == "unlike"
    assert helped["momentum_diff"] == pytest.approx(0.10)
    assert (hurt["momentum_ci_low"], hurt["momentum_ci_high"]) == (-0.15, -0.05)


def test_slowest_explanation_follows_the_ranking():
    sgd_slowest = _conclude([0.2, 0.5, 0.6], _pair(0.70, 0.80, 0.05, 0.15))
    adam_slowest = _conclude([0.5, 0.6, 0.1], _pair(0.70, 0.80, 0.05, 0.15))
    assert sgd_slowest["slowest"] == "sgd" and adam_slowest["slowest"] == "adam"
    assert sgd_slowest["slowest_reason"].startswith("SGD steps in proportion")
    assert adam_slowest["slowest_reason"].startswith("adam is an adaptive optimizer")
    assert "plain SGD started 2 of 3" in adam_slowest["slowest_reason"]


def test_winner_is_compared_with_its_interval():
    glued = _conclude([0.2, 0.5, 0.6], _pair(0.70, 0.80, 0.05, 0.15))
    assert glued["winner"] == "adam" and glued["winner_vs_sgd"] == "beat"
    assert (glued["winner_ci_low"], glued["winner_ci_high"]) == (0.15, 0.25)
    assert glued["winner_test"] == 0.9 and glued["winner_low"] == 0.8


def test_every_glue_the_markdown_uses_is_glued_by_the_code():
    code = "\n".join(_cells("code"))
    used = set(re.findall(r"\{glue:text\}`([a-z_0-9]+)", "\n".join(_cells("markdown"))))
    assert used, "the conclusion glues nothing"
    missing = sorted(name for name in used if f'"{name}"' not in code)
    assert missing == []


def test_no_sentence_assumes_the_outcome():
    text = " ".join(_cells("markdown"))
    assert "slowest start was {glue:text}`slowest`" in text
    assert "momentum (`momentum_0.9`)\n  {glue:text}`momentum_verdict`" in text
    assert not re.search(r"plain SGD does\s+not\.", text)  # the old fixed explanation
