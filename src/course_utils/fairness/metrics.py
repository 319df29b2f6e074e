"""Group-fairness audits: aif360 metrics from plain arrays, as tidy tables.

Every function here takes the labels, the predictions and the protected
attribute as 1-D arrays (one value per example) and hides aif360's
``BinaryLabelDataset`` boilerplate: the group values (strings such as the
seven FairFace races, or integers) are coded as numbers inside, and the
results come back as ``pandas.DataFrame`` rows or plain ``float`` values.

The between-group metrics keep aif360's names and sign conventions: each one
is the *unprivileged* group's value minus (or divided by) the *privileged*
group's value, so 0 (or 1 for ``disparate_impact``) means parity and a
negative difference (a ratio below 1) means the unprivileged group gets the
favorable outcome less often.

Input rules, checked at the boundary:

* ``y_true`` / ``y_pred`` hold binary labels (at most two distinct values);
  probabilities go to ``y_score``.
* The protected attribute must not be the label itself (the mistake the
  original FairFace notebook made): :func:`check_protected` compares names,
  and every audit raises when ``groups`` is a relabelling of ``y_true``.
* A ``privileged`` value that does not occur raises
  :class:`~course_utils.errors.ParameterError` listing the groups present.
* A group that is expected (a ``categories`` entry, or an unused category of
  a ``pandas.Categorical``) but has no examples in the arrays given is not an
  error: it triggers a ``UserWarning`` naming the group and keeps a row of
  NaN metrics, so a missing group stays visible in the table.
* Rates that are undefined for a group that *has* examples (a TPR without a
  single favorable example, say) are NaN; no warning.

Examples
--------
>>> y_true = [1, 1, 0, 0, 1, 1, 0, 0]
>>> y_pred = [1, 1, 1, 0, 1, 0, 0, 0]
>>> groups = ["a"] * 4 + ["b"] * 4
>>> summary = fairness_summary(y_true, y_pred, groups, privileged="a")
>>> round(summary["statistical_parity_difference"], 3), summary["accuracy"]
(-0.5, 0.75)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._stats import wilson_interval
from ._aif360 import GROUP, classification_metric, dataset, with_labels
from ._groups import Groups, check_privileged, group_coder, refuse_label_as_groups
from ._inputs import Labels, check_lengths, column, label_coder

__all__ = [
    "FAIRNESS_METRICS",
    "audit",
    "fairness_summary",
    "group_confusions",
    "group_metrics",
    "label_as_protected_demo",
]

#: The four between-group metrics, named as aif360's ``ClassificationMetric`` methods.
FAIRNESS_METRICS = (
    "disparate_impact",
    "statistical_parity_difference",
    "equal_opportunity_difference",
    "average_odds_difference",
)

_RATES = ("base_rate", "selection_rate", "accuracy", "tpr", "fpr")


@dataclass
class _Prepared:
    """Checked and coded inputs of one audit call."""

    labels: Labels
    groups: Groups
    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray | None

    def metric(self, unprivileged: list | None, privileged: list):
        truth = dataset(self.y_true, self.groups.codes)
        predicted = with_labels(truth, self.y_pred, self.y_score)
        return classification_metric(
            truth, predicted, unprivileged=unprivileged, privileged=privileged
        )


def _prepare(
    y_true, y_pred, groups, func: str, *, favorable=1, y_score=None, categories=None
) -> _Prepared:
    y_true = column(y_true, "y_true", func)
    y_pred = column(y_pred, "y_pred", func)
    score = None if y_score is None else column(y_score, "y_score", func).astype(np.float64)
    group_array = groups if isinstance(groups, (pd.Series, pd.Categorical)) else np.asarray(groups)
    check_lengths(func, y_true=y_true, y_pred=y_pred, groups=group_array, y_score=score)
    labels = label_coder(favorable, func, y_true=y_true, y_pred=y_pred)
    coded = group_coder(groups, "groups", func, categories=categories)
    y_true01 = labels.encode(y_true)
    refuse_label_as_groups(y_true01, coded, func)
    return _Prepared(labels, coded, y_true01, labels.encode(y_pred), score)


# ----------------------------------------------------------------------------- per-group tables


def _side(metric, privileged: bool, n: int, y_score=None, mask=None) -> dict[str, float]:
    """Rates of one side of an aif360 metric; NaN for an empty side (aif360 says 0.0)."""
    if n == 0:
        nan = float("nan")
        row = dict.fromkeys(_RATES, nan)
        return row | {"tnr": nan, "fnr": nan, "roc_auc": nan}
    with np.errstate(divide="ignore", invalid="ignore"):
        row = {
            "base_rate": float(metric.base_rate(privileged=privileged)),
            "selection_rate": float(metric.selection_rate(privileged=privileged)),
            "accuracy": float(metric.accuracy(privileged=privileged)),
            "tpr": float(metric.true_positive_rate(privileged=privileged)),
            "fpr": float(metric.false_positive_rate(privileged=privileged)),
            "tnr": float(metric.true_negative_rate(privileged=privileged)),
            "fnr": float(metric.false_negative_rate(privileged=privileged)),
        }
    row["roc_auc"] = float("nan")
    if y_score is not None and mask is not None:
        truth = metric.dataset.labels.ravel()[mask]
        if len(np.unique(truth)) == 2:
            from sklearn.metrics import roc_auc_score

            row["roc_auc"] = float(roc_auc_score(truth, y_score[mask]))
    return row


def group_metrics(y_true, y_pred, groups, *, favorable=1, categories=None) -> pd.DataFrame:
    """Per-group rates, computed by aif360's ``ClassificationMetric``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted binary labels.
    groups : array-like of shape (n,)
        The protected attribute, one group value (str or int) per example.
    favorable : label value, default 1
        The favorable ("positive") label.
    categories : sequence, optional
        Every group expected; one with no examples gets a warning and NaN rates.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group, n, base_rate, selection_rate, accuracy,
        tpr, fpr, tnr, fnr`` (base rate from ``y_true``, selection rate from
        ``y_pred``), then the 95% Wilson interval of the accuracy, TPR and FPR
        (``accuracy_low``, ``accuracy_high``, ``tpr_low``, ...): each counted on
        the group's own examples (its positives for TPR, negatives for FPR), so
        a small group shows how little its rates say. NaN where a group has no
        such example.

    Examples
    --------
    >>> table = group_metrics([1, 0, 1, 0], [1, 0, 0, 0], ["a", "a", "b", "b"])
    >>> table[["group", "n", "tpr", "fpr"]].to_dict("records")
    [{'group': 'a', 'n': 2, 'tpr': 1.0, 'fpr': 0.0}, {'group': 'b', 'n': 2, 'tpr': 0.0, 'fpr': 0.0}]
    >>> table.loc[0, ["tpr_low", "tpr_high"]].round(3).tolist()  # 1 of 1 positive found
    [0.207, 1.0]
    """
    prepared = _prepare(
        y_true, y_pred, groups, "group_metrics", favorable=favorable, categories=categories
    )
    rows = []
    for value in prepared.groups.values:
        others = [v for v in prepared.groups.values if v != value]
        metric = prepared.metric(
            prepared.groups.condition(*others), prepared.groups.condition(value)
        )
        n = prepared.groups.count(value)
        side = _side(metric, True, n)
        side.pop("roc_auc")
        rows.append({"group": value, "n": n} | side | _rate_intervals(side, n))
    return pd.DataFrame(rows)


def _rate_intervals(side: dict[str, float], n: int) -> dict[str, float]:
    """Wilson intervals of a group's accuracy, TPR and FPR, from its rates and size."""
    base_rate = side["base_rate"]
    positives = round(base_rate * n) if base_rate == base_rate else 0  # NaN: an empty group
    counts = {"accuracy": (side["accuracy"], n), "tpr": (side["tpr"], positives),
              "fpr": (side["fpr"], n - positives)}
    out = {}
    for name, (rate, trials) in counts.items():
        low = high = float("nan")
        if trials and rate == rate:  # rate == rate: not NaN
            low, high = wilson_interval(round(rate * trials), trials, func="group_metrics")
        out[f"{name}_low"], out[f"{name}_high"] = low, high
    return out


def group_confusions(
    y_true, y_pred, groups, *, favorable=1, categories=None
) -> dict[Any, pd.DataFrame]:
    """Each group's 2x2 confusion matrix (counts), from aif360.

    Parameters
    ----------
    y_true, y_pred, groups, favorable, categories
        As in :func:`group_metrics`.

    Returns
    -------
    dict
        group value -> DataFrame with index ``true`` and columns ``predicted``,
        both ordered ``["unfavorable", "favorable"]``.

    Examples
    --------
    >>> group_confusions([1, 0, 1], [1, 1, 1], ["a", "a", "a"])["a"].to_numpy().tolist()
    [[0, 1], [0, 2]]
    """
    prepared = _prepare(
        y_true, y_pred, groups, "group_confusions", favorable=favorable, categories=categories
    )
    names = ["unfavorable", "favorable"]
    result = {}
    for value in prepared.groups.values:
        metric = prepared.metric(None, prepared.groups.condition(value))
        counts = metric.binary_confusion_matrix(privileged=True)
        table = [[counts["TN"], counts["FP"]], [counts["FN"], counts["TP"]]]
        result[value] = pd.DataFrame(
            np.asarray(table, dtype=np.int64),
            index=pd.Index(names, name="true"),
            columns=pd.Index(names, name="predicted"),
        )
    return result


# ----------------------------------------------------------------------------- between groups


def _between(metric, n_unprivileged: int, n_privileged: int) -> dict[str, float]:
    if n_unprivileged == 0 or n_privileged == 0:
        return dict.fromkeys(FAIRNESS_METRICS, float("nan"))
    with np.errstate(divide="ignore", invalid="ignore"):
        return {name: float(getattr(metric, name)()) for name in FAIRNESS_METRICS}


def _comparisons(coded: Groups, privileged) -> list[tuple[str, Any, list]]:
    """``(comparison, group, reference groups)``: vs privileged for the others, vs rest for all."""
    rows = [("vs privileged", v, [privileged]) for v in coded.values if v != privileged]
    return rows + [("vs rest", v, [o for o in coded.values if o != v]) for v in coded.values]


def audit(
    y_true,
    y_pred,
    groups,
    *,
    privileged,
    favorable=1,
    y_score=None,
    categories: Sequence | None = None,
) -> pd.DataFrame:
    """Audit predictions group by group, against the privileged group and against the rest.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted binary labels (hard labels, not probabilities).
    groups : array-like of shape (n,)
        The protected attribute, one value per example; any number of groups.
    privileged : group value
        The reference group of the "vs privileged" comparisons.
    favorable : label value, default 1
        The favorable label.
    y_score : array-like of shape (n,), optional
        Predicted probability of the favorable label; adds a per-group
        ``roc_auc`` column (NaN where a group holds one class only).
    categories : sequence, optional
        Every group expected (e.g. all seven FairFace races): a group with no
        examples warns and keeps a row of NaN.

    Returns
    -------
    pandas.DataFrame
        One row per comparison, with columns ``comparison`` (``"vs privileged"``
        for each non-privileged group, then ``"vs rest"`` for every group),
        ``group``, ``privileged_group`` (the reference: the privileged value, or
        ``"rest"``), ``n_group``, ``n_reference``, the group's ``base_rate``,
        ``selection_rate``, ``accuracy``, ``tpr``, ``fpr`` (and ``roc_auc``),
        and aif360's ``disparate_impact``, ``statistical_parity_difference``,
        ``equal_opportunity_difference``, ``average_odds_difference`` with the
        group as the unprivileged side.

    Examples
    --------
    >>> table = audit([1, 1, 0, 1, 1, 0], [1, 1, 0, 1, 0, 0], ["a"] * 3 + ["b"] * 3,
    ...               privileged="a")
    >>> table[["comparison", "group", "equal_opportunity_difference"]].to_dict("records")[0]
    {'comparison': 'vs privileged', 'group': 'b', 'equal_opportunity_difference': -0.5}
    """
    prepared = _prepare(
        y_true, y_pred, groups, "audit", favorable=favorable, y_score=y_score,
        categories=categories,
    )
    coded = prepared.groups
    check_privileged(privileged, coded, "groups", "audit")
    rows = []
    for comparison, value, reference in _comparisons(coded, privileged):
        metric = prepared.metric(coded.condition(value), coded.condition(*reference))
        n_group = coded.count(value)
        n_reference = sum(coded.count(r) for r in reference)
        mask = coded.codes == coded.code(value)
        side = _side(metric, False, n_group, prepared.y_score, mask)
        side = {k: side[k] for k in _RATES} | (
            {"roc_auc": side["roc_auc"]} if prepared.y_score is not None else {}
        )
        rows.append(
            {
                "comparison": comparison,
                "group": value,
                "privileged_group": privileged if comparison == "vs privileged" else "rest",
                "n_group": n_group,
                "n_reference": n_reference,
            }
            | side
            | _between(metric, n_group, n_reference)
        )
    return pd.DataFrame(rows)


def fairness_summary(y_true, y_pred, groups, *, privileged, favorable=1) -> dict[str, float]:
    """The four aif360 metrics for privileged vs all other groups pooled, plus accuracy.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted binary labels.
    groups : array-like of shape (n,)
        The protected attribute, one value per example.
    privileged : group value
        The privileged group; every other group is pooled as the unprivileged side.
    favorable : label value, default 1

    Returns
    -------
    dict
        ``disparate_impact``, ``statistical_parity_difference``,
        ``equal_opportunity_difference``, ``average_odds_difference``,
        ``accuracy`` (overall), as floats: ready for ``Record.add`` and the
        before/after mitigation table.

    Examples
    --------
    >>> summary = fairness_summary([1, 0, 1, 0], [1, 0, 0, 0], ["a", "a", "b", "b"],
    ...                            privileged="a")
    >>> summary["equal_opportunity_difference"], summary["accuracy"]
    (-1.0, 0.75)
    """
    prepared = _prepare(y_true, y_pred, groups, "fairness_summary", favorable=favorable)
    coded = prepared.groups
    check_privileged(privileged, coded, "groups", "fairness_summary")
    others = [v for v in coded.values if v != privileged]
    metric = prepared.metric(coded.condition(*others), coded.condition(privileged))
    n_others = sum(coded.count(v) for v in others)
    summary = _between(metric, n_others, coded.count(privileged))
    summary["accuracy"] = float(metric.accuracy())
    return summary


def _label_as_groups_row(truth01: np.ndarray, pred01: np.ndarray, protected: str) -> dict:
    """aif360's metrics with the true label as the protected attribute (the mistake)."""
    as_groups = dataset(truth01, truth01.copy())
    wrong = classification_metric(
        as_groups,
        with_labels(as_groups, pred01),
        unprivileged=[{GROUP: 0.0}],
        privileged=[{GROUP: 1.0}],
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "protected": protected,
            "disparate_impact": float(wrong.disparate_impact()),
            "statistical_parity_difference": float(wrong.statistical_parity_difference()),
            "fpr_over_tpr": float(wrong.false_positive_rate() / wrong.true_positive_rate()),
        }


def label_as_protected_demo(
    y_true, y_pred, groups, *, privileged, favorable=1, target_name="label", group_name="groups"
) -> pd.DataFrame:
    """The original FairFace audit's mistake next to the correct one.

    The original notebook computed aif360's disparate impact with the label
    (gender) as the protected attribute. With the label as the group, the
    "privileged" examples are those whose true label is favorable, so the
    ratio of selection rates is FPR / TPR: a property of the classifier's
    accuracy, not of bias. This function computes that number (bypassing the
    check that the audit functions apply) beside the audit by ``groups``.

    Parameters
    ----------
    y_true, y_pred, groups, privileged, favorable
        As in :func:`fairness_summary`.
    target_name, group_name : str
        How the two rows name the label and the protected attribute.

    Returns
    -------
    pandas.DataFrame
        Two rows, ``protected`` = ``"<target_name> (the label: wrong)"`` and
        ``"<group_name>"``, with ``disparate_impact``,
        ``statistical_parity_difference`` and, for the first, ``fpr_over_tpr``
        to show the identity.

    Examples
    --------
    >>> demo = label_as_protected_demo([1, 1, 0, 0], [1, 0, 1, 0], ["a", "b", "a", "b"],
    ...                                privileged="a", target_name="gender")
    >>> demo.protected.tolist(), demo.disparate_impact.round(3).tolist()
    (['gender (the label: wrong)', 'groups'], [1.0, 0.0])
    """
    func = "label_as_protected_demo"
    y_true_col = column(y_true, "y_true", func)
    y_pred_col = column(y_pred, "y_pred", func)
    check_lengths(func, y_true=y_true_col, y_pred=y_pred_col, groups=np.asarray(groups))
    labels = label_coder(favorable, func, y_true=y_true_col, y_pred=y_pred_col)
    wrong_row = _label_as_groups_row(
        labels.encode(y_true_col), labels.encode(y_pred_col), f"{target_name} (the label: wrong)"
    )
    right = fairness_summary(
        y_true_col, y_pred_col, groups, privileged=privileged, favorable=favorable
    )
    right_row = {
        "protected": group_name,
        "disparate_impact": right["disparate_impact"],
        "statistical_parity_difference": right["statistical_parity_difference"],
        "fpr_over_tpr": float("nan"),
    }
    return pd.DataFrame([wrong_row, right_row])
