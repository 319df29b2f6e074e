"""Tests for course_utils.plots.fairness: group bars, the trade-off panels, group heatmaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import ParameterError
from course_utils.plots import fairness_tradeoff, group_confusion_heatmaps, group_metric_bars


def _legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_group_metric_bars_groups_and_metrics(pyplot):
    frame = pd.DataFrame({"race": ["White", "Black", "Asian"], "accuracy": [0.9, 0.8, 0.85],
                          "tpr": [0.8, 0.7, 0.75], "fpr": [0.1, 0.2, 0.15]})
    ax = group_metric_bars(frame, group_col="race")
    assert len(ax.patches) == 9
    assert [t.get_text() for t in ax.get_xticklabels()] == ["White", "Black", "Asian"]
    assert _legend_texts(ax) == ["accuracy", "tpr", "fpr"]
    with pytest.raises(ParameterError, match=r"'frame' .* \(missing \['group'\]\)"):
        group_metric_bars(frame)


def test_fairness_tradeoff_one_panel_per_metric_with_parity_lines(pyplot):
    frame = pd.DataFrame({"variant": ["unmitigated", "reweighing"], "accuracy": [0.9, 0.87],
                          "disparate_impact": [0.6, 0.95],
                          "equal_opportunity_difference": [-0.3, -0.05]})
    axes = fairness_tradeoff(frame, metrics=["disparate_impact", "equal_opportunity_difference"])
    assert len(axes) == 2
    di, eod = axes
    assert [line.get_xdata()[0] for line in di.get_lines()] == [1.0]
    assert [line.get_xdata()[0] for line in eod.get_lines()] == [0.0]
    assert len(di.collections) == 2
    np.testing.assert_allclose(di.collections[1].get_offsets()[0], [0.95, 0.87])
    assert _legend_texts(di) == ["unmitigated", "reweighing"]
    with pytest.raises(ParameterError, match="missing \\['average_odds_difference'\\]"):
        fairness_tradeoff(frame, metrics=["average_odds_difference"])


def test_group_confusion_heatmaps_title_each_group_with_its_size(pyplot):
    cm = pd.DataFrame([[5, 1], [2, 4]], index=["no", "yes"], columns=["no", "yes"])
    axes = group_confusion_heatmaps({"a": cm, "b": cm * 2, "c": cm}, ncols=2)
    assert len(axes) == 4
    assert [ax.get_title() for ax in axes[:3]] == ["a (n=12)", "b (n=24)", "c (n=12)"]
    assert not axes[3].get_visible()
    with pytest.raises(ParameterError, match="non-empty mapping.*Got dict of length 0"):
        group_confusion_heatmaps({})


def test_group_confusion_heatmaps_write_shares_or_counts_in_the_cells(pyplot):
    cm = pd.DataFrame([[3, 1], [2, 2]], index=["no", "yes"], columns=["no", "yes"])
    shares = group_confusion_heatmaps({"a": cm})[0]
    assert [t.get_text() for t in shares.texts] == ["0.75", "0.25", "0.50", "0.50"]
    counts = group_confusion_heatmaps({"a": cm}, normalize=False)[0]
    assert [t.get_text() for t in counts.texts] == ["3", "1", "2", "2"]
    assert [t.get_text() for t in counts.get_xticklabels()] == ["no", "yes"]
