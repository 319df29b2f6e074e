"""Tests for course_utils.plots.classification: each figure draws what evaluate computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import ParameterError
from course_utils.evaluate import confusion, per_class_accuracy, roc_curves
from course_utils.plots import (
    class_distribution,
    confusion_heatmap,
    per_class_bars,
    probability_bars,
    roc_plot,
    tsne_plot,
)

NAMES = ["cat", "dog", "bird"]


@pytest.fixture
def predictions():
    rng = np.random.default_rng(0)
    y_true = np.tile(np.arange(3), 20)
    logits = rng.normal(size=(60, 3)) + 2.0 * np.eye(3)[y_true]
    y_prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y_true, y_prob, y_prob.argmax(axis=1)


def _legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_confusion_heatmap_has_class_names_on_both_axes(pyplot, predictions):
    y_true, _, y_pred = predictions
    cm = confusion(y_true, y_pred, class_names=NAMES)
    ax = confusion_heatmap(cm)
    assert [t.get_text() for t in ax.get_xticklabels()] == NAMES
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted", "true")
    annotations = [text.get_text() for text in ax.texts]
    assert annotations == [str(v) for v in cm.to_numpy().ravel()]


def test_confusion_heatmap_normalize_shows_row_shares(pyplot):
    cm = confusion([0, 0, 1, 1], [0, 1, 1, 1], class_names=["a", "b"])
    ax = confusion_heatmap(cm, normalize=True)
    assert [text.get_text() for text in ax.texts] == ["0.50", "0.50", "0.00", "1.00"]


def test_confusion_heatmap_rejects_non_square_and_bad_flags(pyplot):
    with pytest.raises(ParameterError, match=r"'cm_df' .* square .*DataFrame of shape \(2, 3\)"):
        confusion_heatmap(pd.DataFrame(np.zeros((2, 3))))
    with pytest.raises(ParameterError, match=r"'normalize' .* True or False\. Got 'rows'"):
        confusion_heatmap(pd.DataFrame(np.eye(2)), normalize="rows")


def test_per_class_bars_one_bar_per_class(pyplot, predictions):
    y_true, _, y_pred = predictions
    table = per_class_accuracy(y_true, y_pred, class_names=NAMES)
    ax = per_class_bars(table)
    assert [patch.get_width() for patch in ax.patches] == pytest.approx(table["accuracy"])
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES


def test_roc_plot_lines_and_auc_in_legend(pyplot, predictions):
    y_true, y_prob, _ = predictions
    curves = roc_curves(y_true, y_prob, class_names=NAMES)
    ax = roc_plot(curves)
    assert len(ax.get_lines()) == 4
    texts = _legend_texts(ax)
    assert texts[0] == f"cat (AUC {curves['cat'][2]:.3f})"
    assert texts[-1].startswith("chance")
    np.testing.assert_array_equal(ax.get_lines()[-1].get_xdata(), [0, 1])


def test_roc_plot_rejects_empty(pyplot):
    with pytest.raises(ParameterError, match=r"'curves' .* non-empty dict.*Got \{\} instead"):
        roc_plot({})


def test_class_distribution_counts_per_class(pyplot):
    ax = class_distribution([0, 0, 0, 1, 2, 2], class_names=NAMES)
    assert [patch.get_height() for patch in ax.patches] == [3, 1, 2]
    assert ax.get_legend() is None


def test_class_distribution_groups_splits(pyplot):
    ax = class_distribution({"train": [0, 1, 1], "test": [2]}, class_names=NAMES)
    assert len(ax.patches) == 6
    assert _legend_texts(ax) == ["train", "test"]


def test_class_distribution_rejects_out_of_range_label(pyplot):
    with pytest.raises(ParameterError, match=r"'labels' .* 0\.\.2\. Got shape \(2,\) with values"):
        class_distribution([0, 5], class_names=NAMES)


def test_tsne_plot_one_scatter_per_class(pyplot, predictions):
    y_true, y_prob, _ = predictions
    ax = tsne_plot(y_prob, y_true, class_names=NAMES, perplexity=10, max_points=30,
                   max_iter=250)
    assert len(ax.collections) == 3
    assert sum(len(c.get_offsets()) for c in ax.collections) == 30
    assert _legend_texts(ax) == NAMES


def test_tsne_plot_rejects_mismatched_lengths(pyplot):
    with pytest.raises(ParameterError,
                       match=r"'labels' .* as long as 'embeddings' \(4 rows\)\. Got 3 labels"):
        tsne_plot(np.zeros((4, 2)), [0, 1, 2], class_names=NAMES)


def test_probability_bars_colours_the_true_class(pyplot):
    axes = probability_bars(np.zeros((8, 8, 1)), [0.2, 0.7, 0.1], class_names=NAMES,
                            true_label="cat")
    image_ax, bars_ax = axes
    assert len(image_ax.images) == 1
    assert [patch.get_width() for patch in bars_ax.patches] == pytest.approx([0.2, 0.7, 0.1])
    colours = [patch.get_facecolor() for patch in bars_ax.patches]
    assert colours[0] != colours[1] != colours[2] != colours[0]
    assert [t.get_text() for t in bars_ax.get_yticklabels()] == NAMES
    assert image_ax.get_title() == "true cat, predicted dog"


def test_probability_bars_draws_on_given_axes(pyplot):
    fig, pair = pyplot.subplots(1, 2)
    out = probability_bars(np.zeros((4, 4)), [0.5, 0.5], class_names=["a", "b"],
                           true_label=np.int64(1), axes=pair)
    assert list(out) == list(pair) and pyplot.get_fignums() == [fig.number]


def test_probability_bars_rejects_wrong_length_label_and_image(pyplot):
    with pytest.raises(ParameterError, match=r"'probs' .* one probability per class \(3\)"):
        probability_bars(np.zeros((4, 4)), [0.5, 0.5], class_names=NAMES, true_label=0)
    with pytest.raises(ParameterError, match=r"'true_label' .* Got 'horse'"):
        probability_bars(np.zeros((4, 4)), [0.2, 0.3, 0.5], class_names=NAMES,
                         true_label="horse")
    with pytest.raises(ParameterError, match=r"'true_label' .* in 0\.\.2 .*Got 3 instead"):
        probability_bars(np.zeros((4, 4)), [0.2, 0.3, 0.5], class_names=NAMES, true_label=3)
    with pytest.raises(ParameterError, match=r"'image' .* \(h, w\).*Got an image of shape \(4,\)"):
        probability_bars(np.zeros(4), [0.2, 0.3, 0.5], class_names=NAMES, true_label=0)
