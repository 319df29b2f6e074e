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
    "records": ["Record", "load_record", "library_versions", "device_name"],
    "data": ["Dataset", "load_dataset", "dataset_names", "keras_cache_path"],
    "fairness": ["audit", "group_metrics", "group_confusions", "fairness_summary",
                 "check_protected", "label_as_protected_demo", "reweighing_weights",
                 "eq_odds_postprocess", "synthetic_groups", "inject_bias", "mark_groups"],
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
