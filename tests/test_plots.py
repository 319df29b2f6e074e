"""Tests for course_utils.plots: each figure draws the expected artists on the given Axes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from course_utils import evaluate, plots
from course_utils.errors import ParameterError

NAMES = ["cat", "dog", "bird"]


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
    images = rng.uniform(size=(60, 8, 8, 1)).astype("float32")
    return images, y_true, y_prob, y_prob.argmax(axis=1)


def _legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


# --- one call per function on a given Axes ---------------------------------------------------


def _single_axes_calls(history, summary, predictions):
    images, y_true, y_prob, y_pred = predictions
    return {
        "learning_curves": lambda ax: plots.learning_curves(history, ax=ax),
        "lr_curve": lambda ax: plots.lr_curve(history, ax=ax),
        "metric_bars": lambda ax: plots.metric_bars(summary, ax=ax),
        "gap_bars": lambda ax: plots.gap_bars(summary, ax=ax),
        "accuracy_vs_params": lambda ax: plots.accuracy_vs_params(summary, ax=ax),
        "confusion_heatmap": lambda ax: plots.confusion_heatmap(
            evaluate.confusion(y_true, y_pred, class_names=NAMES), ax=ax),
        "per_class_bars": lambda ax: plots.per_class_bars(
            evaluate.per_class_accuracy(y_true, y_pred, class_names=NAMES), ax=ax),
        "roc_plot": lambda ax: plots.roc_plot(
            evaluate.roc_curves(y_true, y_prob, class_names=NAMES), ax=ax),
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
          "confusion_heatmap", "per_class_bars", "roc_plot", "class_distribution", "tsne_plot",
          "regression_curves", "group_metric_bars"]


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


def test_plot_helpers_never_show_and_leave_rcparams_alone(pyplot, monkeypatch, history):
    monkeypatch.setattr(pyplot, "show", lambda *a, **k: pytest.fail("plt.show() was called"))
    before = dict(pyplot.rcParams)
    plots.learning_curves(history)
    plots.image_grid(np.zeros((2, 4, 4)))
    assert dict(pyplot.rcParams) == before


def test_modules_do_not_import_tensorflow_or_keras():
    code = ("import sys, course_utils.plots, course_utils.evaluate; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"MPLBACKEND": "Agg", "PATH": ""})
    assert out.stdout.strip() == "[]"


# --- training curves --------------------------------------------------------------------------


def test_learning_curves_train_dashed_val_solid_one_colour_per_variant(pyplot, history):
    ax = plots.learning_curves(history, metric="accuracy")
    lines = ax.get_lines()
    assert len(lines) == 4
    styles = [line.get_linestyle() for line in lines]
    assert styles == ["--", "-", "--", "-"]
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    assert _legend_texts(ax) == ["sgd", "adam", "train", "validation"]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "accuracy"


def test_learning_curves_accepts_a_single_run_history(pyplot, history):
    one = history[history["variant"] == "sgd"].drop(columns="variant")
    ax = plots.learning_curves(one, metric="loss")
    assert len(ax.get_lines()) == 2


def test_learning_curves_names_unknown_metric(pyplot, history):
    with pytest.raises(ParameterError, match=r"'metric' .* 'f1'.*neither 'f1' nor 'val_f1'"):
        plots.learning_curves(history, metric="f1")


def test_lr_curve_is_log_scaled_one_line_per_variant(pyplot, history):
    ax = plots.lr_curve(history)
    assert ax.get_yscale() == "log"
    assert len(ax.get_lines()) == 2
    assert _legend_texts(ax) == ["sgd", "adam"]


def test_lr_curve_names_missing_column(pyplot, history):
    with pytest.raises(ParameterError, match=r"'history' .* needs columns \['epoch', 'lr'\]"):
        plots.lr_curve(history.drop(columns="lr"))


def test_loss_curves_vs_probability_matches_gradients_of_the_logit(pyplot):
    losses_ax, grads_ax = plots.loss_curves_vs_probability(points=1000)
    assert len(losses_ax.get_lines()) == 2 and len(grads_ax.get_lines()) == 2
    assert _legend_texts(losses_ax) == ["cross-entropy", "squared error"]
    p, ce = losses_ax.get_lines()[0].get_data()
    np.testing.assert_allclose(ce, -np.log(p))
    np.testing.assert_allclose(losses_ax.get_lines()[1].get_ydata(), (1 - p) ** 2)
    z = np.log(p / (1 - p))
    for loss_line, grad_line in zip(losses_ax.get_lines(), grads_ax.get_lines(), strict=True):
        numeric = np.abs(np.gradient(loss_line.get_ydata(), z))
        np.testing.assert_allclose(grad_line.get_ydata()[5:-5], numeric[5:-5], rtol=0.02,
                                   atol=1e-4)
    # MSE's gradient vanishes when confidently wrong; cross-entropy's does not.
    assert grads_ax.get_lines()[1].get_ydata()[0] < 0.01 < grads_ax.get_lines()[0].get_ydata()[0]


def test_loss_curves_vs_probability_uses_given_axes(pyplot):
    fig, axes = pyplot.subplots(1, 2)
    out = plots.loss_curves_vs_probability(axes=axes)
    assert list(out) == list(axes) and pyplot.get_fignums() == [fig.number]


# --- summaries --------------------------------------------------------------------------------


def test_metric_bars_one_bar_per_variant_and_metric(pyplot, summary):
    ax = plots.metric_bars(summary)
    assert len(ax.patches) == 9
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mlp", "cnn", "cnn_bn"]
    assert _legend_texts(ax) == ["train_accuracy", "val_accuracy", "test_accuracy"]


def test_metric_bars_uses_index_when_there_is_no_variant_column(pyplot, summary):
    ax = plots.metric_bars(summary.set_index("variant"), metrics=("test_accuracy",))
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mlp", "cnn", "cnn_bn"]


def test_metric_bars_names_missing_metric(pyplot, summary):
    with pytest.raises(ParameterError, match=r"'summary' .* missing \['f1'\]"):
        plots.metric_bars(summary, metrics=("f1",))


def test_gap_bars_heights_are_train_minus_val(pyplot, summary):
    ax = plots.gap_bars(summary)
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == pytest.approx([0.10, 0.02, 0.05])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mlp", "cnn", "cnn_bn"]


def test_accuracy_vs_params_log_x_and_labels_each_point(pyplot, summary):
    ax = plots.accuracy_vs_params(summary)
    assert ax.get_xscale() == "log"
    assert len(ax.collections) == 1 and len(ax.collections[0].get_offsets()) == 3
    assert [text.get_text() for text in ax.texts] == ["mlp", "cnn", "cnn_bn"]


def test_weight_histograms_one_axes_per_array_on_shared_bins(pyplot):
    rng = np.random.default_rng(0)
    weights = {"none": rng.normal(size=500), "l1": rng.laplace(scale=0.1, size=(10, 50)),
               "l2": rng.normal(scale=0.3, size=500)}
    axes = plots.weight_histograms(weights, bins=20)
    assert len(axes) == 3 and len(pyplot.get_fignums()) == 1
    assert [len(ax.patches) for ax in axes] == [20, 20, 20]
    lefts = [ax.patches[0].get_x() for ax in axes]
    assert lefts[0] == lefts[1] == lefts[2]
    assert axes[1].get_title().startswith("l1")


def test_weight_histograms_rejects_too_few_axes(pyplot):
    fig, ax = pyplot.subplots()
    with pytest.raises(ParameterError, match=r"'axes' .* at least 2 Axes\. Got 1"):
        plots.weight_histograms({"a": [1.0], "b": [2.0]}, axes=[ax])


def test_group_metric_bars_groups_and_metrics(pyplot):
    frame = pd.DataFrame({"race": ["White", "Black", "Asian"], "accuracy": [0.9, 0.8, 0.85],
                          "tpr": [0.8, 0.7, 0.75], "fpr": [0.1, 0.2, 0.15]})
    ax = plots.group_metric_bars(frame, group_col="race")
    assert len(ax.patches) == 9
    assert [t.get_text() for t in ax.get_xticklabels()] == ["White", "Black", "Asian"]
    assert _legend_texts(ax) == ["accuracy", "tpr", "fpr"]


# --- classification results -------------------------------------------------------------------


def test_confusion_heatmap_has_class_names_on_both_axes(pyplot, predictions):
    _, y_true, _, y_pred = predictions
    cm = evaluate.confusion(y_true, y_pred, class_names=NAMES)
    ax = plots.confusion_heatmap(cm)
    assert [t.get_text() for t in ax.get_xticklabels()] == NAMES
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted", "true")
    annotations = [text.get_text() for text in ax.texts]
    assert annotations == [str(v) for v in cm.to_numpy().ravel()]


def test_confusion_heatmap_normalize_shows_row_shares(pyplot):
    cm = evaluate.confusion([0, 0, 1, 1], [0, 1, 1, 1], class_names=["a", "b"])
    ax = plots.confusion_heatmap(cm, normalize=True)
    assert [text.get_text() for text in ax.texts] == ["0.50", "0.50", "0.00", "1.00"]


def test_confusion_heatmap_rejects_non_square(pyplot):
    with pytest.raises(ParameterError, match=r"'cm_df' .* square .*shape \(2, 3\)"):
        plots.confusion_heatmap(pd.DataFrame(np.zeros((2, 3))))


def test_per_class_bars_one_bar_per_class(pyplot, predictions):
    _, y_true, _, y_pred = predictions
    table = evaluate.per_class_accuracy(y_true, y_pred, class_names=NAMES)
    ax = plots.per_class_bars(table)
    assert [patch.get_width() for patch in ax.patches] == pytest.approx(table["accuracy"])
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES


def test_roc_plot_lines_and_auc_in_legend(pyplot, predictions):
    _, y_true, y_prob, _ = predictions
    curves = evaluate.roc_curves(y_true, y_prob, class_names=NAMES)
    ax = plots.roc_plot(curves)
    assert len(ax.get_lines()) == 4
    texts = _legend_texts(ax)
    assert texts[0] == f"cat (AUC {curves['cat'][2]:.3f})"
    assert texts[-1].startswith("chance")
    np.testing.assert_array_equal(ax.get_lines()[-1].get_xdata(), [0, 1])


def test_roc_plot_rejects_empty(pyplot):
    with pytest.raises(ParameterError, match=r"'curves' .* non-empty dict"):
        plots.roc_plot({})


def test_class_distribution_counts_per_class(pyplot):
    ax = plots.class_distribution([0, 0, 0, 1, 2, 2], class_names=NAMES)
    assert [patch.get_height() for patch in ax.patches] == [3, 1, 2]
    assert ax.get_legend() is None


def test_class_distribution_groups_splits(pyplot):
    ax = plots.class_distribution({"train": [0, 1, 1], "test": [2]}, class_names=NAMES)
    assert len(ax.patches) == 6
    assert _legend_texts(ax) == ["train", "test"]


def test_class_distribution_rejects_out_of_range_label(pyplot):
    with pytest.raises(ParameterError, match=r"'labels' .* 0\.\.2"):
        plots.class_distribution([0, 5], class_names=NAMES)


def test_tsne_plot_one_scatter_per_class(pyplot, predictions):
    _, y_true, y_prob, _ = predictions
    ax = plots.tsne_plot(y_prob, y_true, class_names=NAMES, perplexity=10, max_points=30,
                         max_iter=250)
    assert len(ax.collections) == 3
    assert sum(len(c.get_offsets()) for c in ax.collections) == 30
    assert _legend_texts(ax) == NAMES


def test_tsne_plot_rejects_mismatched_lengths(pyplot):
    with pytest.raises(ParameterError, match=r"'embeddings' and 'labels' .* Got 4 and 3"):
        plots.tsne_plot(np.zeros((4, 2)), [0, 1, 2], class_names=NAMES)


def test_regression_curves_true_learned_and_training_range(pyplot):
    x = np.linspace(-2 * np.pi, 2 * np.pi, 60)[::-1].reshape(-1, 1)
    curves = {"mlp": np.sin(x[:, 0]) * 0.9, "lstm": np.sin(x[:, 0]) * 1.1}
    ax = plots.regression_curves(x, curves, y_true=np.sin(x), train_range=(-np.pi, np.pi))
    assert len(ax.get_lines()) == 3
    assert _legend_texts(ax) == ["training range", "true", "mlp", "lstm"]
    assert np.all(np.diff(ax.get_lines()[0].get_xdata()) > 0)
    assert len(ax.patches) == 1


def test_regression_curves_rejects_wrong_curve_length(pyplot):
    with pytest.raises(ParameterError, match=r"Curve 'gru' .* 3 values; expected .* \(4\)"):
        plots.regression_curves(np.arange(4), {"gru": np.zeros(3)})


# --- images -----------------------------------------------------------------------------------


def test_image_grid_one_image_per_axes_and_spare_axes_off(pyplot, predictions):
    images = predictions[0][:10]
    axes = plots.image_grid(images, titles=[str(i) for i in range(10)], ncols=4)
    assert axes.shape == (12,)
    assert [len(ax.images) for ax in axes] == [1] * 10 + [0, 0]
    assert not axes[11].axison
    assert axes[3].get_title() == "3"
    assert axes[0].images[0].get_array().shape == (8, 8)


def test_image_grid_draws_on_given_axes(pyplot):
    fig, grid = pyplot.subplots(2, 2)
    out = plots.image_grid(np.zeros((3, 4, 4, 3)), axes=grid)
    assert list(out) == list(grid.ravel())
    assert pyplot.get_fignums() == [fig.number]


def test_image_grid_rejects_wrong_title_count(pyplot):
    with pytest.raises(ParameterError, match=r"'titles' .* one title per image \(2\)\. Got 1"):
        plots.image_grid(np.zeros((2, 4, 4)), titles=["a"])


def test_image_grid_rejects_flat_vector(pyplot):
    with pytest.raises(ParameterError, match=r"'images' .* \(n, h, w\).*Got shape \(5,\)"):
        plots.image_grid(np.zeros(5))


@pytest.mark.parametrize("correct", [True, False])
def test_prediction_gallery_shows_only_the_requested_kind(pyplot, predictions, correct):
    images, y_true, _, y_pred = predictions
    axes = plots.prediction_gallery(images, y_true, y_pred, class_names=NAMES, correct=correct,
                                    n=4)
    expected = np.flatnonzero((y_true == y_pred) == correct)[:4]
    titles = [ax.get_title() for ax in axes if ax.images]
    assert titles == [f"true {NAMES[y_true[i]]}\npred {NAMES[y_pred[i]]}" for i in expected]


def test_prediction_gallery_says_when_nothing_matches(pyplot):
    axes = plots.prediction_gallery(np.zeros((2, 4, 4)), [0, 1], [0, 1], class_names=["a", "b"],
                                    correct=False)
    assert len(axes) == 1 and axes[0].texts[0].get_text() == "no wrong predictions"


def test_probability_bars_colours_the_true_class(pyplot):
    axes = plots.probability_bars(np.zeros((8, 8, 1)), [0.2, 0.7, 0.1], class_names=NAMES,
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
    out = plots.probability_bars(np.zeros((4, 4)), [0.5, 0.5], class_names=["a", "b"],
                                 true_label=1, axes=pair)
    assert list(out) == list(pair) and pyplot.get_fignums() == [fig.number]


def test_probability_bars_rejects_wrong_length_and_label(pyplot):
    with pytest.raises(ParameterError, match=r"'probs' .* one probability per class \(3\)"):
        plots.probability_bars(np.zeros((4, 4)), [0.5, 0.5], class_names=NAMES, true_label=0)
    with pytest.raises(ParameterError, match=r"'true_label' .* Got 'horse'"):
        plots.probability_bars(np.zeros((4, 4)), [0.2, 0.3, 0.5], class_names=NAMES,
                               true_label="horse")


# --- fairness ---------------------------------------------------------------------------------


def test_fairness_tradeoff_one_panel_per_metric_with_parity_lines(pyplot):
    frame = pd.DataFrame({"variant": ["unmitigated", "reweighing"], "accuracy": [0.9, 0.87],
                          "disparate_impact": [0.6, 0.95],
                          "equal_opportunity_difference": [-0.3, -0.05]})
    axes = plots.fairness_tradeoff(
        frame, metrics=["disparate_impact", "equal_opportunity_difference"])
    assert len(axes) == 2
    di, eod = axes
    assert [line.get_xdata()[0] for line in di.get_lines()] == [1.0]
    assert [line.get_xdata()[0] for line in eod.get_lines()] == [0.0]
    assert len(di.collections) == 2
    np.testing.assert_allclose(di.collections[1].get_offsets()[0], [0.95, 0.87])
    assert _legend_texts(di) == ["unmitigated", "reweighing"]
    with pytest.raises(ParameterError, match="missing \\['average_odds_difference'\\]"):
        plots.fairness_tradeoff(frame, metrics=["average_odds_difference"])


def test_group_confusion_heatmaps_title_each_group_with_its_size(pyplot):
    cm = pd.DataFrame([[5, 1], [2, 4]], index=["no", "yes"], columns=["no", "yes"])
    axes = plots.group_confusion_heatmaps({"a": cm, "b": cm * 2, "c": cm}, ncols=2)
    assert len(axes) == 4
    assert [ax.get_title() for ax in axes[:3]] == ["a (n=12)", "b (n=24)", "c (n=12)"]
    assert not axes[3].get_visible()
    with pytest.raises(ParameterError, match="non-empty mapping"):
        plots.group_confusion_heatmaps({})


def test_metric_vs_budget_draws_one_line_per_method_on_a_log_axis(pyplot):
    runs = pd.DataFrame({"method": ["scratch", "scratch", "frozen", "frozen"],
                         "labels_per_class": [5, 50, 5, 50],
                         "test_accuracy": [0.4, 0.8, 0.7, 0.9]})
    ax = plots.metric_vs_budget(runs, chance=0.2)
    assert ax.get_xscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["scratch", "frozen", "chance"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [0.7, 0.9])


def test_metric_vs_budget_joins_the_means_of_repeats_and_dots_each_one(pyplot):
    runs = pd.DataFrame({"method": ["scratch"] * 4, "labels_per_class": [1, 1, 5, 5],
                         "test_accuracy": [0.4, 0.6, 0.8, 0.9]})
    ax = plots.metric_vs_budget(runs)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.5, 0.85])
    assert len(ax.collections[0].get_offsets()) == 4


def test_metric_vs_budget_names_the_missing_column(pyplot):
    with pytest.raises(ParameterError, match="needs columns.*missing \\['method'\\]"):
        plots.metric_vs_budget(pd.DataFrame({"labels_per_class": [5], "test_accuracy": [0.5]}))


def test_group_confusion_heatmaps_write_shares_or_counts_in_the_cells(pyplot):
    cm = pd.DataFrame([[3, 1], [2, 2]], index=["no", "yes"], columns=["no", "yes"])
    shares = plots.group_confusion_heatmaps({"a": cm})[0]
    assert [t.get_text() for t in shares.texts] == ["0.75", "0.25", "0.50", "0.50"]
    counts = plots.group_confusion_heatmaps({"a": cm}, normalize=False)[0]
    assert [t.get_text() for t in counts.texts] == ["3", "1", "2", "2"]
    assert [t.get_text() for t in counts.get_xticklabels()] == ["no", "yes"]
