"""course_utils: the library behind the lab book's notebooks.

The names below are what notebooks import. They load lazily, so that
``course-book --help`` and the records API do not pay for importing
TensorFlow.

Example
-------
>>> from course_utils import load_dataset, mlp, fit  # doctest: +SKIP
"""

from importlib import import_module

from .errors import CourseUtilsError, DatasetError, ParameterError

__version__ = "0.1.0"

_EXPORTS = {
    "paths": ["project_root", "results_dir", "resolve_path"],
    "narrative": ["glue", "glue_all", "verdict"],
    "records": ["Record", "load_record", "library_versions", "device_name"],
    "data": ["Dataset", "load_dataset", "dataset_names", "keras_cache_path"],
    "models": ["mlp", "cnn", "rnn", "transfer", "set_trainable", "penultimate", "param_table",
               "dense_params", "conv2d_params", "lstm_params", "gru_params", "forecast"],
    "train": ["set_seed", "get_optimizer", "fit", "RunResult", "run_variants", "Comparison",
              "load_model", "reload_checkpoint", "read_history_csv", "history_difference",
              "lr_cuts", "after_best_epoch", "cnn_trial_variants"],
    "evaluate": ["metrics_table", "scores", "per_class_accuracy", "confusion", "roc_curves",
                 "roc_auc_from_labels", "top_confused_pairs", "regression_table",
                 "train_val_gap", "change_from", "tsne_embed"],
    "plots": ["learning_curves", "metric_bars", "confusion_heatmap", "per_class_bars",
              "roc_plot", "image_grid", "prediction_gallery", "probability_bars",
              "class_distribution", "tsne_plot", "regression_curves", "gap_bars",
              "weight_histograms", "accuracy_vs_params", "lr_curve",
              "loss_curves_vs_probability", "group_metric_bars"],
    "augment": ["make_augmenter", "keras_layers", "random_crop_resize", "cutout",
                "gaussian_noise", "random_affine", "label_preserving"],
    "fairness": ["audit", "group_metrics", "group_confusions", "fairness_summary",
                 "check_protected", "label_as_protected_demo", "reweighing_weights",
                 "eq_odds_postprocess", "synthetic_groups", "inject_bias", "mark_groups",
                 "fairness_setup", "group_sizes", "postprocessed_run", "mitigation_summary",
                 "mitigation_effects"],
}

_LAZY = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = ["CourseUtilsError", "DatasetError", "ParameterError", "__version__", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
