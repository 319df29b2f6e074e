"""Every figure of the lab book, drawn from arrays and DataFrames.

Each function takes the data positionally and its options keyword-only,
draws on the ``ax`` (or ``axes``) it is given, creates a figure only when none
is given, returns what it drew on (an Axes, or an ndarray of Axes for grids)
and never calls ``plt.show()``. The look is set per Axes (white background,
light grid, no top/right spines, a colour-blind-safe palette), so importing
this room or drawing with it changes no global Matplotlib state (``rcParams``).
Metrics come from :mod:`course_utils.evaluate`; nothing is recomputed here.

Modules
-------
- :mod:`~course_utils.plots.curves`: :func:`learning_curves`, :func:`lr_curve`,
  :func:`loss_curves_vs_probability`, :func:`regression_curves`;
- :mod:`~course_utils.plots.variants`: :func:`metric_bars`, :func:`gap_bars`,
  :func:`accuracy_vs_params`, :func:`metric_vs_budget`, :func:`weight_histograms`;
- :mod:`~course_utils.plots.classification`: :func:`confusion_heatmap`,
  :func:`per_class_bars`, :func:`roc_plot`, :func:`class_distribution`,
  :func:`tsne_plot`, :func:`probability_bars`;
- :mod:`~course_utils.plots.images`: :func:`image_grid`, :func:`prediction_gallery`;
- :mod:`~course_utils.plots.fairness`: :func:`group_metric_bars`,
  :func:`fairness_tradeoff`, :func:`group_confusion_heatmaps`.

Example
-------
>>> import pandas as pd
>>> from course_utils.plots import learning_curves
>>> history = pd.DataFrame({"epoch": [1, 2], "accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]})
>>> ax = learning_curves(history)
"""

from ._style import palette
from .classification import (
    class_distribution,
    confusion_heatmap,
    per_class_bars,
    probability_bars,
    roc_plot,
    tsne_plot,
)
from .curves import learning_curves, loss_curves_vs_probability, lr_curve, regression_curves
from .fairness import fairness_tradeoff, group_confusion_heatmaps, group_metric_bars
from .images import image_grid, prediction_gallery
from .variants import (
    accuracy_vs_params,
    gap_bars,
    metric_bars,
    metric_vs_budget,
    weight_histograms,
)

__all__ = [
    "learning_curves",
    "metric_bars",
    "confusion_heatmap",
    "per_class_bars",
    "roc_plot",
    "image_grid",
    "prediction_gallery",
    "probability_bars",
    "class_distribution",
    "tsne_plot",
    "regression_curves",
    "gap_bars",
    "weight_histograms",
    "accuracy_vs_params",
    "metric_vs_budget",
    "lr_curve",
    "loss_curves_vs_probability",
    "group_metric_bars",
    "fairness_tradeoff",
    "group_confusion_heatmaps",
    "palette",
]
