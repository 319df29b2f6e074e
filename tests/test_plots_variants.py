"""Tests for course_utils.plots.variants: the figures that compare variants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import ParameterError
from course_utils.plots import (
    accuracy_vs_params,
    gap_bars,
    metric_bars,
    metric_vs_budget,
    weight_histograms,
)


@pytest.fixture
def summary():
    return pd.DataFrame({
        "variant": ["mlp", "cnn", "cnn_bn"],
        "params": [100_000, 20_000, 21_000],
        "train_accuracy": [0.95, 0.93, 0.97],
        "val_accuracy": [0.85, 0.91, 0.92],
        "test_accuracy": [0.84, 0.90, 0.93],
    })


def _legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_metric_bars_one_bar_per_variant_and_metric(pyplot, summary):
    ax = metric_bars(summary)
    assert len(ax.patches) == 9
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mlp", "cnn", "cnn_bn"]
    assert _legend_texts(ax) == ["train_accuracy", "val_accuracy", "test_accuracy"]
    assert [p.get_height() for p in ax.patches[:3]] == pytest.approx([0.95, 0.93, 0.97])


def test_metric_bars_uses_index_when_there_is_no_variant_column(pyplot, summary):
    ax = metric_bars(summary.set_index("variant"), metrics=("test_accuracy",))
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mlp", "cnn", "cnn_bn"]


def test_metric_bars_names_missing_metric(pyplot, summary):
    with pytest.raises(ParameterError, match=r"'summary' .* \(missing \['f1'\]\) instead"):
        metric_bars(summary, metrics=("f1",))


def test_gap_bars_heights_are_train_minus_val(pyplot, summary):
    ax = gap_bars(summary)
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == pytest.approx([0.10, 0.02, 0.05])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mlp", "cnn", "cnn_bn"]


def test_accuracy_vs_params_log_x_and_labels_each_point(pyplot, summary):
    ax = accuracy_vs_params(summary)
    assert ax.get_xscale() == "log"
    assert len(ax.collections) == 1 and len(ax.collections[0].get_offsets()) == 3
    assert [text.get_text() for text in ax.texts] == ["mlp", "cnn", "cnn_bn"]


def test_weight_histograms_one_axes_per_array_on_shared_bins(pyplot):
    rng = np.random.default_rng(0)
    weights = {"none": rng.normal(size=500), "l1": rng.laplace(scale=0.1, size=(10, 50)),
               "l2": rng.normal(scale=0.3, size=500)}
    axes = weight_histograms(weights, bins=20)
    assert len(axes) == 3 and len(pyplot.get_fignums()) == 1
    assert [len(ax.patches) for ax in axes] == [20, 20, 20]
    lefts = [ax.patches[0].get_x() for ax in axes]
    assert lefts[0] == lefts[1] == lefts[2]
    assert axes[1].get_title().startswith("l1")


def test_weight_histograms_rejects_too_few_axes_and_bad_options(pyplot):
    fig, ax = pyplot.subplots()
    with pytest.raises(ParameterError, match=r"'axes' .* at least 2 Axes\. Got 1 Axes instead"):
        weight_histograms({"a": [1.0], "b": [2.0]}, axes=[ax])
    with pytest.raises(ParameterError, match=r"'weights' .* non-empty dict"):
        weight_histograms({})
    with pytest.raises(ParameterError, match=r"'bins' .* an int >= 1\. Got 0"):
        weight_histograms({"a": [1.0]}, bins=0)


def test_metric_vs_budget_draws_one_line_per_method_on_a_log_axis(pyplot):
    runs = pd.DataFrame({"method": ["scratch", "scratch", "frozen", "frozen"],
                         "labels_per_class": [5, 50, 5, 50],
                         "test_accuracy": [0.4, 0.8, 0.7, 0.9]})
    ax = metric_vs_budget(runs, chance=0.2)
    assert ax.get_xscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["scratch", "frozen", "chance"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [0.7, 0.9])


def test_metric_vs_budget_joins_the_means_of_repeats_and_dots_each_one(pyplot):
    runs = pd.DataFrame({"method": ["scratch"] * 4, "labels_per_class": [1, 1, 5, 5],
                         "test_accuracy": [0.4, 0.6, 0.8, 0.9]})
    ax = metric_vs_budget(runs)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.5, 0.85])
    assert len(ax.collections[0].get_offsets()) == 4


def test_metric_vs_budget_names_the_missing_column(pyplot):
    with pytest.raises(ParameterError, match="'table' .* columns.*missing \\['method'\\]"):
        metric_vs_budget(pd.DataFrame({"labels_per_class": [5], "test_accuracy": [0.5]}))
