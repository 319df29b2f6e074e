"""Tests for the course_utils.plots room: the Axes contract every figure keeps, its exports,
and that importing or drawing changes no global Matplotlib state."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import course_utils.plots as plots
from course_utils.evaluate import confusion, per_class_accuracy, roc_curves

NAMES = ["cat", "dog", "bird"]

#: Every name the flat ``plots`` module exported before the room was split.
OLD_NAMES = ["learning_curves", "metric_bars", "confusion_heatmap", "per_class_bars", "roc_plot",
             "image_grid", "prediction_gallery", "probability_bars", "class_distribution",
             "tsne_plot", "regression_curves", "gap_bars", "weight_histograms",
             "accuracy_vs_params", "metric_vs_budget", "lr_curve", "loss_curves_vs_probability",
             "group_metric_bars", "fairness_tradeoff", "group_confusion_heatmaps", "palette"]


@pytest.fixture
def history():
    rows = [
        {"variant": variant, "epoch": epoch, "accuracy": 0.5 + 0.1 * epoch + shift,
         "val_accuracy": 0.45 + 0.08 * epoch + shift, "loss": 1.0 / epoch,
         "val_loss": 1.1 / epoch, "lr": 0.01 * 0.1 ** (epoch // 3)}
        for shift, variant in ((0.0, "sgd"), (0.05, "adam"))
        for epoch in range(1, 6)
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def summary():
    return pd.DataFrame({
        "variant": ["mlp", "cnn", "cnn_bn"],
        "params": [100_000, 20_000, 21_000],
        "train_accuracy": [0.95, 0.93, 0.97],
        "val_accuracy": [0.85, 0.91, 0.92],
        "test_accuracy": [0.84, 0.90, 0.93],
    })


@pytest.fixture
def predictions():
    rng = np.random.default_rng(0)
    y_true = np.tile(np.arange(3), 20)
    logits = rng.normal(size=(60, 3)) + 2.0 * np.eye(3)[y_true]
    y_prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y_true, y_prob, y_prob.argmax(axis=1)


def _single_axes_calls(history, summary, predictions):
    y_true, y_prob, y_pred = predictions
    return {
        "learning_curves": lambda ax: plots.learning_curves(history, ax=ax),
        "lr_curve": lambda ax: plots.lr_curve(history, ax=ax),
        "metric_bars": lambda ax: plots.metric_bars(summary, ax=ax),
        "gap_bars": lambda ax: plots.gap_bars(summary, ax=ax),
        "accuracy_vs_params": lambda ax: plots.accuracy_vs_params(summary, ax=ax),
        "metric_vs_budget": lambda ax: plots.metric_vs_budget(
            pd.DataFrame({"method": ["a", "a"], "labels_per_class": [5, 10],
                          "test_accuracy": [0.5, 0.7]}), ax=ax),
        "confusion_heatmap": lambda ax: plots.confusion_heatmap(
            confusion(y_true, y_pred, class_names=NAMES), ax=ax),
        "per_class_bars": lambda ax: plots.per_class_bars(
            per_class_accuracy(y_true, y_pred, class_names=NAMES), ax=ax),
        "roc_plot": lambda ax: plots.roc_plot(roc_curves(y_true, y_prob, class_names=NAMES),
                                              ax=ax),
        "class_distribution": lambda ax: plots.class_distribution(y_true, class_names=NAMES,
                                                                  ax=ax),
        "tsne_plot": lambda ax: plots.tsne_plot(y_prob, y_true, class_names=NAMES,
                                                perplexity=10, max_iter=250, ax=ax),
        "regression_curves": lambda ax: plots.regression_curves(
            np.linspace(-3, 3, 30), {"mlp": np.zeros(30)}, y_true=np.sin(np.linspace(-3, 3, 30)),
            ax=ax),
        "group_metric_bars": lambda ax: plots.group_metric_bars(
            pd.DataFrame({"group": ["a", "b"], "accuracy": [0.9, 0.8], "tpr": [0.8, 0.7],
                          "fpr": [0.1, 0.2]}), ax=ax),
    }


SINGLE = ["learning_curves", "lr_curve", "metric_bars", "gap_bars", "accuracy_vs_params",
          "metric_vs_budget", "confusion_heatmap", "per_class_bars", "roc_plot",
          "class_distribution", "tsne_plot", "regression_curves", "group_metric_bars"]


@pytest.mark.parametrize("name", SINGLE)
def test_given_ax_is_used_and_returned_without_a_new_figure(pyplot, name, history, summary,
                                                            predictions):
    fig, ax = pyplot.subplots()
    before = pyplot.get_fignums()
    returned = _single_axes_calls(history, summary, predictions)[name](ax)
    assert returned is ax
    assert pyplot.get_fignums() == before
    assert ax.get_title()
    assert ax.has_data() or ax.images or ax.collections


@pytest.mark.parametrize("name", SINGLE)
def test_without_ax_one_figure_is_created(pyplot, name, history, summary, predictions):
    returned = _single_axes_calls(history, summary, predictions)[name](None)
    assert len(pyplot.get_fignums()) == 1
    assert returned.figure is pyplot.gcf()


def test_plot_helpers_never_show_and_leave_rcparams_alone(pyplot, monkeypatch, history,
                                                          summary, predictions):
    monkeypatch.setattr(pyplot, "show", lambda *a, **k: pytest.fail("plt.show() was called"))
    before = dict(pyplot.rcParams)
    for call in _single_axes_calls(history, summary, predictions).values():
        call(None)
    plots.image_grid(np.zeros((2, 4, 4)))
    plots.group_confusion_heatmaps({"a": pd.DataFrame([[1, 0], [0, 1]])})
    assert dict(pyplot.rcParams) == before


def _changed_rcparams(extra: str = "") -> list[str]:
    """rcParams keys that importing course_utils.plots (then ``extra``) changes, in a fresh
    process."""
    code = textwrap.dedent(f"""
        import matplotlib
        before = dict(matplotlib.rcParams)
        import course_utils.plots
        {extra}
        after = dict(matplotlib.rcParams)
        print(sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def test_importing_plots_in_a_fresh_process_leaves_rcparams_alone():
    assert _changed_rcparams() == []
    # the check itself sees a global style change when there is one
    assert "axes.facecolor" in _changed_rcparams("import seaborn; seaborn.set_theme()")


def test_modules_do_not_import_tensorflow_or_keras():
    code = ("import sys, course_utils.plots, course_utils.evaluate; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"MPLBACKEND": "Agg", "PATH": ""})
    assert out.stdout.strip() == "[]"


def test_all_is_a_literal_list_that_keeps_every_old_name():
    source = Path(plots.__file__).read_text(encoding="utf-8")
    (declared,) = [node.value for node in ast.parse(source).body
                   if isinstance(node, ast.Assign) and node.targets[0].id == "__all__"]
    names = ast.literal_eval(declared)
    assert isinstance(names, list) and sorted(names) == sorted(plots.__all__)
    assert set(OLD_NAMES) <= set(names)
    assert all(callable(getattr(plots, name)) for name in names)


def test_palette_is_colour_blind_safe_up_to_ten_then_distinct():
    import seaborn as sns

    assert plots.palette(3) == sns.color_palette("colorblind", 3)
    many = plots.palette(12)
    assert len(many) == 12 and len(set(many)) == 12
    assert len(plots.palette(0)) == 1
