"""Notebook 03_loss_functions: the glued gradient figures are those of the K-way softmax
with Keras' MSE, and the cross-entropy-vs-MSE sentence follows the run.

The notebook's own cells are executed here on made-up inputs (no training).
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import nbformat
import numpy as np
import pandas as pd
import pytest

from course_utils import paired_comparison, softmax_loss_curves, verdict
from course_utils.paths import project_root

NOTEBOOK = project_root(__file__) / "notebooks" / "03_loss_functions.ipynb"


def _cells(kind):
    return [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == kind]


def _cell(marker):
    (cell,) = [s for s in _cells("code") if marker in s]
    return cell


@pytest.mark.parametrize("k", [10, 5, 2])
def test_glued_start_gradients_are_those_of_the_k_way_softmax(k):
    glued, drawn = {}, []
    namespace = {"data": SimpleNamespace(num_classes=k), "glue_all": glued.update,
                 "softmax_loss_curves": softmax_loss_curves,
                 "loss_curves_vs_probability": lambda **kw: drawn.append(kw)}
    exec(_cell('"grad_ratio_start"'), namespace)
    assert drawn == [{"num_classes": k}]  # the figure is drawn for the softmax trained
    assert glued["mse_grad_start"] == pytest.approx(2 * (k - 1) / k**3)
    assert glued["grad_ratio_start"] == pytest.approx(k**2 / 2)
    assert glued["ce_grad_start"] == pytest.approx(1 - 1 / k)
    assert glued["mse_grad_wrong"] == pytest.approx(2 * 0.01 * 0.99**2 / (k - 1))
    # the single-sigmoid figure the page used to glue, kept for contrast
    assert glued["sigmoid_grad_start"] == pytest.approx(2 / k * (1 - 1 / k) ** 2)


def _run(pred, val):
    y = np.arange(len(pred)) % 3
    prob = np.eye(3)[np.asarray(pred)]
    return SimpleNamespace(history=pd.DataFrame({"val_accuracy": val}),
                           probabilities=lambda split: prob), y


def _verdicts(ce_pred, mse_pred, ce_val, mse_val):
    ce, y = _run(ce_pred, ce_val)
    mse, _ = _run(mse_pred, mse_val)
    glued, compared = {}, {}
    namespace = {
        "comparison": {"cross_entropy": ce, "mse": mse}, "data": SimpleNamespace(y_test=y),
        "np": np, "seed": 0, "verdict": verdict, "paired_comparison": paired_comparison,
        "glue_all": glued.update,
        "record": SimpleNamespace(add_comparison=lambda name, c, **kw: compared.update({name: c})),
    }
    exec(_cell('"mse_verdict"'), namespace)
    return glued, compared


def test_mse_sentence_follows_the_outcome():
    y = np.arange(300) % 3
    wrong = (y + 1) % 3
    ce_good = np.where(np.arange(300) < 250, y, wrong)
    mse_bad = np.where(np.arange(300) < 100, y, wrong)
    worse, compared = _verdicts(ce_good, mse_bad, [0.5, 0.8], [0.2, 0.3])
    assert worse["mse_speed"] == "more slowly" and worse["mse_ended"] == "below"
    assert worse["mse_diff"] == pytest.approx(100 / 300 - 250 / 300)
    assert worse["mse_ci_high"] < 0 and "mse_vs_cross_entropy" in compared
    better, _ = _verdicts(mse_bad, ce_good, [0.2, 0.3], [0.5, 0.8])
    assert better["mse_speed"] == "no more slowly" and better["mse_ended"] == "above"
    level, _ = _verdicts(ce_good, ce_good, [0.5, 0.8], [0.5, 0.8])
    assert level["mse_ended"] == "level with"


def test_every_glue_the_markdown_uses_is_glued_by_the_code():
    code = "\n".join(_cells("code"))
    used = set(re.findall(r"\{glue:text\}`([a-z_0-9]+)", "\n".join(_cells("markdown"))))
    missing = sorted(name for name in used if f'"{name}"' not in code)
    assert used and missing == []


def test_the_page_derives_the_k_way_formula_not_the_sigmoid_one():
    text = "\n".join(_cells("markdown"))
    assert r"-\frac{2\,p\,(1-p)^2}{K-1}" in text
    assert "$2(K-1)/K^3$" in text
