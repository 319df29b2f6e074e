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

aif360 is imported lazily (it imports TensorFlow through its in-processing
algorithms), so ``import course_utils`` stays fast.

Examples
--------
>>> table = audit(y_true, y_pred, race, privileged="White")  # doctest: +SKIP
>>> fairness_summary(y_true, y_pred, race, privileged="White")  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from course_utils.errors import ParameterError

# Mitigation and the synthetic offline setup live in _mitigation.py, which needs the
# helpers below; they are re-exported here lazily (PEP 562), so that users import one
# module and neither module's import order matters.
_MITIGATION_NAMES = frozenset(
    {
        "SYNTHETIC_GROUPS",
        "FairnessSetup",
        "PostprocessedRun",
        "eq_odds_postprocess",
        "fairness_setup",
        "mitigation_effects",
        "mitigation_summary",
        "postprocessed_run",
        "inject_bias",
        "mark_groups",
        "reweighing_weights",
        "synthetic_groups",
        "with_synthetic_groups",
    }
)

__all__ = [
    "FAIRNESS_METRICS",
    "audit",
    "check_protected",
    "fairness_summary",
    "group_confusions",
    "group_metrics",
    "group_sizes",
    "group_values",
    "label_as_protected_demo",
    *sorted(_MITIGATION_NAMES),
]

#: The four between-group metrics, named as aif360's ``ClassificationMetric`` methods.
FAIRNESS_METRICS = (
    "disparate_impact",
    "statistical_parity_difference",
    "equal_opportunity_difference",
    "average_odds_difference",
)

_GROUP = "group"
_LABEL = "label"
_SCORE = "score"


# ----------------------------------------------------------------------------- input checks


def _column(values: Any, name: str) -> np.ndarray:
    """``values`` as a 1-D array; an (n, 1) column is flattened."""
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ParameterError(
            f"The {name!r} parameter must be a 1-D array with one value per example. "
            f"Got an array of shape {array.shape} instead."
        )
    return array


def _check_lengths(**arrays: np.ndarray | None) -> int:
    lengths = {name: len(a) for name, a in arrays.items() if a is not None}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name}={n}" for name, n in lengths.items())
        raise ParameterError(
            f"The arrays must have one value per example, so the same length. Got {shown}."
        )
    return next(iter(lengths.values()))


@dataclass(frozen=True)
class _Labels:
    """Binary labels coded 1.0 = favorable, 0.0 = unfavorable, and how to decode them."""

    favorable: Any
    unfavorable: Any

    def encode(self, values: np.ndarray) -> np.ndarray:
        return (values == self.favorable).astype(np.float64)

    def decode(self, coded: np.ndarray) -> np.ndarray:
        return np.where(coded == 1.0, self.favorable, self.unfavorable)


def _label_coder(favorable: Any, **arrays: np.ndarray | None) -> _Labels:
    """Check that the label arrays are binary and find the unfavorable value."""
    present: set = set()
    for name, values in arrays.items():
        if values is None:
            continue
        distinct = pd.unique(values)
        if len(distinct) > 2:
            shown = sorted(distinct.tolist(), key=str)[:10]
            raise ParameterError(
                f"The {name!r} parameter must hold binary labels (two values, one of them "
                f"favorable={favorable!r}). Got {len(distinct)} distinct values {shown} instead. "
                "Map the labels to two classes first (e.g. y >= 5), and pass predicted "
                "probabilities as y_score, not as labels."
            )
        present.update(distinct.tolist())
    others = [v for v in present if v != favorable]
    if len(others) > 1:
        raise ParameterError(
            f"The labels must take two values, one of them favorable={favorable!r}. "
            f"Got {sorted(present, key=str)} instead; set favorable= to one of them."
        )
    if others:
        unfavorable = others[0]
    elif isinstance(favorable, (bool, int, np.integer)) and favorable in (0, 1):
        unfavorable = type(favorable)(1 - favorable)
    else:
        unfavorable = f"not {favorable}"
    return _Labels(favorable, unfavorable)


@dataclass(frozen=True)
class _Groups:
    """Group values coded as 0.0, 1.0, ... (the numeric protected attribute aif360 needs)."""

    codes: np.ndarray
    values: tuple

    def code(self, value: Any) -> float:
        return float(self.values.index(value))

    def condition(self, *values: Any) -> list[dict[str, float]]:
        """aif360's group format: a list of {attribute: value} dicts, OR-ed together."""
        return [{_GROUP: self.code(v)} for v in values]

    def count(self, value: Any) -> int:
        return int(np.sum(self.codes == self.code(value)))


def _group_coder(groups: Any, name: str = "groups", *, categories: Sequence | None = None):
    """Code the protected attribute; warn about expected groups with no examples."""
    if isinstance(groups, pd.Series):
        groups = groups.array
    expected = list(categories) if categories is not None else []
    if isinstance(groups, pd.Categorical) and categories is None:
        expected = list(groups.categories)
    values = _column(np.asarray(groups, dtype=object), name)
    if pd.isna(values).any():
        raise ParameterError(
            f"The {name!r} parameter must give every example a group. "
            f"Got {int(pd.isna(values).sum())} missing values instead; drop or label them first."
        )
    present = sorted(pd.unique(values).tolist(), key=str)
    missing = [v for v in expected if v not in present]
    for value in missing:
        warnings.warn(
            f"Group {value!r} has no examples in {name!r} (groups present: {present}); "
            "its metrics are NaN.",
            UserWarning,
            stacklevel=3,
        )
    ordered = present + missing
    lookup = {v: float(i) for i, v in enumerate(ordered)}
    codes = np.array([lookup[v] for v in values], dtype=np.float64)
    return _Groups(codes, tuple(ordered))


def _check_privileged(privileged: Any, groups: _Groups, name: str = "groups") -> None:
    if privileged not in groups.values or groups.count(privileged) == 0:
        present = [v for v in groups.values if groups.count(v) > 0]
        raise ParameterError(
            f"The 'privileged' parameter must be a group value that occurs in {name!r}. "
            f"Got {privileged!r}, but the groups present are {present}."
        )


#: Attributes that some datasets spell otherwise: FairFace's ``age`` column holds the bands.
_ATTRIBUTE_ALIASES = {"age_group": ("age_group", "age")}


def group_values(data, attribute: str, *, split: str = "test") -> np.ndarray:
    """The protected attribute of one split of a dataset, one value per example.

    Parameters
    ----------
    data : Dataset
        From :func:`course_utils.data.load_dataset` (or
        :func:`with_synthetic_groups`), whose ``attributes[split]`` holds the column.
    attribute : str
        Column name, e.g. ``"race"``, ``"group"`` or ``"age_group"`` (FairFace
        stores its age bands as ``"age"``; ``"age_group"`` finds them there).
    split : {"train", "val", "test"}, default "test"

    Returns
    -------
    numpy.ndarray of shape (n_split,), dtype object

    Raises
    ------
    ParameterError
        If the dataset has no such attribute (the message lists those it has).

    Examples
    --------
    >>> race = group_values(faces, "race", split="test")  # doctest: +SKIP
    """
    frame = getattr(data, "attributes", {}).get(split)
    columns = [] if frame is None else list(frame.columns)
    for column in _ATTRIBUTE_ALIASES.get(attribute, (attribute,)):
        if column in columns:
            values = frame[column].to_numpy(dtype=object)
            if len(values) != len(data.split(split)[1]):
                raise ParameterError(
                    f"Attribute {column!r} of split {split!r} has {len(values)} values for "
                    f"{len(data.split(split)[1])} examples."
                )
            return values
    raise ParameterError(
        f"The 'attribute' parameter must name an attribute of {data.name!r} ({split} split). "
        f"Got {attribute!r}, but it has {columns or 'no attributes'}."
    )


def group_sizes(data, groups: dict[str, Any], *, favorable=1) -> pd.DataFrame:
    """Examples per group in each split, and each group's base rate in train and test.

    Parameters
    ----------
    data : Dataset
        Supplies the labels of each split.
    groups : dict of str to array-like
        ``{split: group value per example}`` for some of ``"train"``, ``"val"``,
        ``"test"``.
    favorable : label value, default 1

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``n_<split>`` for each split given, then
        ``<split>_base_rate`` (share of favorable labels) for train and test.

    Examples
    --------
    >>> group_sizes(data, {"train": g_train, "test": g_test})  # doctest: +SKIP
    """
    table = {}
    for split, values in groups.items():
        y = data.split(split)[1]
        _check_lengths(y=y, groups=np.asarray(values))
        table[f"n_{split}"] = pd.Series(values).value_counts()
    frame = pd.DataFrame(table).fillna(0).astype(int)
    for split in ("train", "test"):
        if split in groups:
            y = data.split(split)[1]
            frame[f"{split}_base_rate"] = pd.Series(y == favorable).groupby(
                np.asarray(groups[split])).mean()
    return frame.sort_index()


def check_protected(target_name: str, protected_name: str) -> None:
    """Refuse to audit a model with its own label as the protected attribute.

    Parameters
    ----------
    target_name : str
        Name of the attribute the model predicts (e.g. ``"gender"``).
    protected_name : str
        Name of the attribute the audit groups by (e.g. ``"race"``).

    Raises
    ------
    ParameterError
        If the two names are the same (ignoring case and surrounding spaces).

    Examples
    --------
    >>> check_protected("gender", "race")
    >>> check_protected("gender", "Gender")  # doctest: +SKIP
    ParameterError: The protected attribute 'Gender' is the target itself ...
    """
    if str(target_name).strip().lower() == str(protected_name).strip().lower():
        raise ParameterError(
            f"The protected attribute {protected_name!r} is the target itself "
            f"({target_name!r}): grouping by the label measures how well the model "
            "separates the classes, not bias. Audit another attribute, e.g. race or age."
        )


def _refuse_label_as_groups(y_true01: np.ndarray, groups: _Groups) -> None:
    """Raise when every group holds exactly one label value and the labels map 1:1 to groups."""
    present = [g for g in groups.values if groups.count(g) > 0]
    if len(present) != 2 or len(np.unique(y_true01)) != 2:
        return
    if all(len(np.unique(y_true01[groups.codes == groups.code(g)])) == 1 for g in present):
        raise ParameterError(
            "The 'groups' parameter is the label itself: each group holds a single y_true "
            f"value (groups {present}). Grouping by the label measures how well the model "
            "separates the classes, not bias. Pass another attribute, e.g. race."
        )


# ----------------------------------------------------------------------------- aif360 objects


def _aif360():
    """Import aif360 lazily; it pulls in TensorFlow and logs optional-dependency notices."""
    import logging

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        from aif360.datasets import BinaryLabelDataset
        from aif360.metrics import BinaryLabelDatasetMetric, ClassificationMetric
    finally:
        root.setLevel(level)
    return BinaryLabelDataset, BinaryLabelDatasetMetric, ClassificationMetric


def _dataset(labels01: np.ndarray, codes: np.ndarray, scores: np.ndarray | None = None):
    """A BinaryLabelDataset with one protected attribute column (coded groups)."""
    binary_label_dataset, _, _ = _aif360()
    frame = pd.DataFrame({_GROUP: codes, _LABEL: labels01})
    if scores is not None:
        frame[_SCORE] = scores.astype(np.float64)
    return binary_label_dataset(
        df=frame,
        label_names=[_LABEL],
        protected_attribute_names=[_GROUP],
        scores_names=[_SCORE] if scores is not None else [],
        favorable_label=1.0,
        unfavorable_label=0.0,
    )


def _with_labels(dataset, labels01: np.ndarray, scores: np.ndarray | None = None):
    """A copy of ``dataset`` holding other labels (predictions) and optionally scores."""
    copy = dataset.copy(deepcopy=True)
    copy.labels = labels01.reshape(-1, 1).astype(np.float64)
    copy.scores = (labels01 if scores is None else scores).reshape(-1, 1).astype(np.float64)
    return copy


@dataclass
class _Prepared:
    labels: _Labels
    groups: _Groups
    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray | None

    def metric(self, unprivileged: list, privileged: list):
        _, _, classification_metric = _aif360()
        truth = _dataset(self.y_true, self.groups.codes)
        predicted = _with_labels(truth, self.y_pred, self.y_score)
        return classification_metric(
            truth, predicted, unprivileged_groups=unprivileged, privileged_groups=privileged
        )


def _prepare(y_true, y_pred, groups, *, favorable=1, y_score=None, categories=None) -> _Prepared:
    y_true = _column(y_true, "y_true")
    y_pred = _column(y_pred, "y_pred")
    score = None if y_score is None else _column(y_score, "y_score").astype(np.float64)
    group_array = groups if isinstance(groups, (pd.Series, pd.Categorical)) else np.asarray(groups)
    _check_lengths(y_true=y_true, y_pred=y_pred, groups=group_array, y_score=score)
    labels = _label_coder(favorable, y_true=y_true, y_pred=y_pred)
    coded = _group_coder(groups, categories=categories)
    y_true01 = labels.encode(y_true)
    _refuse_label_as_groups(y_true01, coded)
    return _Prepared(labels, coded, y_true01, labels.encode(y_pred), score)


# ----------------------------------------------------------------------------- per-group tables


def _side(metric, privileged: bool, n: int, y_score=None, mask=None) -> dict[str, float]:
    """Rates of one side of an aif360 metric; NaN for an empty side (aif360 says 0.0)."""
    if n == 0:
        nan = float("nan")
        row = dict.fromkeys(("base_rate", "selection_rate", "accuracy", "tpr", "fpr"), nan)
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
        ``y_pred``).

    Examples
    --------
    >>> group_metrics([1, 0, 1, 0], [1, 0, 0, 0], ["a", "a", "b", "b"])  # doctest: +SKIP
    """
    prepared = _prepare(y_true, y_pred, groups, favorable=favorable, categories=categories)
    rows = []
    for value in prepared.groups.values:
        others = [v for v in prepared.groups.values if v != value]
        metric = prepared.metric(
            prepared.groups.condition(*others), prepared.groups.condition(value)
        )
        n = prepared.groups.count(value)
        side = _side(metric, True, n)
        side.pop("roc_auc")
        rows.append({"group": value, "n": n} | side)
    return pd.DataFrame(rows)


def group_confusions(
    y_true, y_pred, groups, *, favorable=1, categories=None
) -> dict[Any, pd.DataFrame]:
    """Each group's 2x2 confusion matrix (counts), from aif360.

    Returns
    -------
    dict
        group value -> DataFrame with index ``true`` and columns ``predicted``,
        both ordered ``["unfavorable", "favorable"]``.

    Examples
    --------
    >>> group_confusions([1, 0], [1, 1], ["a", "a"])["a"]  # doctest: +SKIP
    """
    prepared = _prepare(y_true, y_pred, groups, favorable=favorable, categories=categories)
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
    >>> table = audit(y_true, y_pred, race, privileged="White")  # doctest: +SKIP
    >>> table[table.comparison == "vs rest"][["group", "disparate_impact"]]  # doctest: +SKIP
    """
    prepared = _prepare(
        y_true, y_pred, groups, favorable=favorable, y_score=y_score, categories=categories
    )
    coded = prepared.groups
    _check_privileged(privileged, coded)
    rows = []
    comparisons = [("vs privileged", v, [privileged]) for v in coded.values if v != privileged]
    comparisons += [("vs rest", v, [o for o in coded.values if o != v]) for v in coded.values]
    for comparison, value, reference in comparisons:
        metric = prepared.metric(coded.condition(value), coded.condition(*reference))
        n_group = coded.count(value)
        n_reference = sum(coded.count(r) for r in reference)
        mask = coded.codes == coded.code(value)
        side = _side(metric, False, n_group, prepared.y_score, mask)
        side = {k: side[k] for k in ("base_rate", "selection_rate", "accuracy", "tpr", "fpr")} | (
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

    Returns
    -------
    dict
        ``disparate_impact``, ``statistical_parity_difference``,
        ``equal_opportunity_difference``, ``average_odds_difference``,
        ``accuracy`` (overall), as floats: ready for ``Record.add`` and the
        before/after mitigation table.

    Examples
    --------
    >>> fairness_summary([1, 0, 1, 0], [1, 0, 0, 0], ["a", "a", "b", "b"], privileged="a")
    ... # doctest: +SKIP
    """
    prepared = _prepare(y_true, y_pred, groups, favorable=favorable)
    coded = prepared.groups
    _check_privileged(privileged, coded)
    others = [v for v in coded.values if v != privileged]
    metric = prepared.metric(coded.condition(*others), coded.condition(privileged))
    n_others = sum(coded.count(v) for v in others)
    summary = _between(metric, n_others, coded.count(privileged))
    summary["accuracy"] = float(metric.accuracy())
    return summary


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

    Returns
    -------
    pandas.DataFrame
        Two rows, ``protected`` = ``"<target_name> (the label: wrong)"`` and
        ``"<group_name>"``, with ``disparate_impact``,
        ``statistical_parity_difference`` and, for the first, ``fpr_over_tpr``
        to show the identity.

    Examples
    --------
    >>> label_as_protected_demo(y_true, y_pred, race, privileged="White")  # doctest: +SKIP
    """
    y_true_col = _column(y_true, "y_true")
    y_pred_col = _column(y_pred, "y_pred")
    _check_lengths(y_true=y_true_col, y_pred=y_pred_col, groups=np.asarray(groups))
    labels = _label_coder(favorable, y_true=y_true_col, y_pred=y_pred_col)
    truth01, pred01 = labels.encode(y_true_col), labels.encode(y_pred_col)
    _, _, classification_metric = _aif360()
    as_groups = _dataset(truth01, truth01.copy())
    wrong = classification_metric(
        as_groups,
        _with_labels(as_groups, pred01),
        unprivileged_groups=[{_GROUP: 0.0}],
        privileged_groups=[{_GROUP: 1.0}],
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        wrong_row = {
            "protected": f"{target_name} (the label: wrong)",
            "disparate_impact": float(wrong.disparate_impact()),
            "statistical_parity_difference": float(wrong.statistical_parity_difference()),
            "fpr_over_tpr": float(wrong.false_positive_rate() / wrong.true_positive_rate()),
        }
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


def __getattr__(name: str):
    if name in _MITIGATION_NAMES:
        from course_utils import _mitigation

        return getattr(_mitigation, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
