"""Group fairness with aif360: audit metrics, mitigation, synthetic groups.

Every function takes the labels, the predictions and the protected attribute
as 1-D arrays (one value per example) and returns ``pandas.DataFrame`` rows or
plain floats; aif360's ``BinaryLabelDataset`` stays inside (``_aif360``). The
between-group metrics are aif360's, *unprivileged* minus (or over)
*privileged*.

- :mod:`~course_utils.fairness.metrics`: :func:`audit`, :func:`group_metrics`,
  :func:`group_confusions`, :func:`fairness_summary`,
  :func:`label_as_protected_demo`.
- :mod:`~course_utils.fairness.mitigation`: :func:`reweighing_weights`
  (before training), :func:`eq_odds_postprocess` (after training).
- :mod:`~course_utils.fairness.synthetic`: :func:`synthetic_groups`,
  :func:`inject_bias`, :func:`mark_groups`, :func:`with_synthetic_groups`.
- The protected attribute: :func:`group_values`, :func:`group_sizes`,
  :func:`check_protected`.

Examples
--------
>>> from course_utils.fairness import audit
>>> table = audit([1, 0, 1, 0], [1, 0, 0, 0], ["a", "a", "b", "b"], privileged="a")
>>> float(table.loc[0, "statistical_parity_difference"])
-0.5
"""

from ._groups import check_protected, group_sizes, group_values
from .metrics import (
    FAIRNESS_METRICS,
    audit,
    fairness_summary,
    group_confusions,
    group_metrics,
    label_as_protected_demo,
)
from .mitigation import POSTPROCESSING_METHODS, eq_odds_postprocess, reweighing_weights
from .synthetic import (
    SYNTHETIC_GROUPS,
    inject_bias,
    mark_groups,
    synthetic_groups,
    with_synthetic_groups,
)

__all__ = [
    "FAIRNESS_METRICS",
    "POSTPROCESSING_METHODS",
    "SYNTHETIC_GROUPS",
    "audit",
    "check_protected",
    "eq_odds_postprocess",
    "fairness_summary",
    "group_confusions",
    "group_metrics",
    "group_sizes",
    "group_values",
    "inject_bias",
    "label_as_protected_demo",
    "mark_groups",
    "reweighing_weights",
    "synthetic_groups",
    "with_synthetic_groups",
]
