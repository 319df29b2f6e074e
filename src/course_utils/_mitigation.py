"""Bias mitigation with aif360, and the synthetic offline setup for the fairness notebook.

Import these names from :mod:`course_utils.fairness`, which re-exports them.

* :func:`reweighing_weights` - pre-processing: aif360 ``Reweighing`` as
  per-example ``sample_weight`` for Keras.
* :func:`eq_odds_postprocess` - post-processing: aif360
  ``EqOddsPostprocessing``, ``CalibratedEqOddsPostprocessing`` or
  ``RejectOptionClassification``, fitted on validation, applied to test.
* :func:`synthetic_groups`, :func:`inject_bias`, :func:`mark_groups` (all
  three at once: :func:`with_synthetic_groups`) - the
  offline default: digits with the target "digit >= 5", a *synthetic* group
  attribute ("group A" / "group B"), a controllable bias against group B in
  the training labels, and a visible mark on group B's images so that a model
  can pick the group up (as it picks up skin tone or hair in face photos).
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from course_utils.errors import ParameterError
from course_utils.fairness import (
    FAIRNESS_METRICS,
    _check_lengths,
    _check_privileged,
    _column,
    _dataset,
    _group_coder,
    _label_coder,
    _refuse_label_as_groups,
    _with_labels,
    check_protected,
    fairness_summary,
    group_values,
)

__all__ = [
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
]

#: The synthetic group values: (privileged / majority, disadvantaged / minority).
SYNTHETIC_GROUPS = ("group A", "group B")


def _quiet_import(module: str, name: str):
    """Import one aif360 algorithm without its optional-dependency log notices."""
    import importlib

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        return getattr(importlib.import_module(module), name)
    finally:
        root.setLevel(level)


def _choice(name: str, value: str, allowed) -> None:
    if value not in allowed:
        raise ParameterError(
            f"The {name!r} parameter must be one of {sorted(allowed)}. Got {value!r} instead."
        )


# ----------------------------------------------------------------------------- pre-processing

_REWEIGHING_SCHEMES = ("privileged_vs_rest", "each_group")


def reweighing_weights(
    y_true, groups, *, privileged, favorable=1, scheme: str = "privileged_vs_rest"
) -> np.ndarray:
    """Per-example training weights from aif360's ``Reweighing`` (Kamiran & Calders).

    Each example of group ``g`` with label ``y`` gets
    ``w(g, y) = P(g) P(y) / P(g, y)``: the weighted training set has the same
    favorable rate in every group, and the weights sum to ``n`` (mean 1).

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary training labels.
    groups : array-like of shape (n,)
        The protected attribute of each training example.
    privileged : group value
        The privileged group.
    favorable : label value, default 1
    scheme : {"privileged_vs_rest", "each_group"}, default "privileged_vs_rest"
        ``"privileged_vs_rest"`` is aif360's binary form: ``g`` is "privileged"
        or "all other groups pooled". ``"each_group"`` runs ``Reweighing`` once
        per group (that group against the rest), so ``g`` is the group itself
        and every one of several groups (e.g. seven races) is balanced.

    Returns
    -------
    numpy.ndarray of shape (n,), float64
        Pass as ``sample_weight`` to ``train.fit`` / ``keras.Model.fit``.

    Warns
    -----
    UserWarning
        When a group (side) holds a single label value: it cannot be balanced.

    Examples
    --------
    >>> w = reweighing_weights(y_train, groups_train, privileged="group A")  # doctest: +SKIP
    >>> fit(model, data, sample_weight=w)  # doctest: +SKIP
    """
    _choice("scheme", scheme, _REWEIGHING_SCHEMES)
    y = _column(y_true, "y_true")
    _check_lengths(y_true=y, groups=np.asarray(groups))
    labels = _label_coder(favorable, y_true=y)
    coded = _group_coder(groups)
    y01 = labels.encode(y)
    _refuse_label_as_groups(y01, coded)
    _check_privileged(privileged, coded)
    reweighing = _quiet_import("aif360.algorithms.preprocessing", "Reweighing")
    data = _dataset(y01, coded.codes)
    present = [v for v in coded.values if coded.count(v) > 0]
    if scheme == "privileged_vs_rest":
        sides = [[privileged], [v for v in present if v != privileged]]
    else:
        sides = [[v] for v in present]
    weights = np.ones(len(y), dtype=np.float64)
    for side in sides:
        mask = np.isin(coded.codes, [coded.code(v) for v in side])
        if len(np.unique(y01[mask])) < 2:
            warnings.warn(
                f"Group(s) {side} hold a single label value in y_true, so reweighing "
                "cannot balance them; their weights stay 1.",
                UserWarning,
                stacklevel=2,
            )
            continue
        rest = [v for v in present if v not in side]
        if not rest:
            continue
        fitted = reweighing(
            unprivileged_groups=coded.condition(*rest), privileged_groups=coded.condition(*side)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            transformed = fitted.fit_transform(data)
        weights[mask] = transformed.instance_weights[mask]
    return weights


# ----------------------------------------------------------------------------- post-processing

_POSTPROCESSING = {
    "eq_odds": ("aif360.algorithms.postprocessing", "EqOddsPostprocessing"),
    "calibrated": ("aif360.algorithms.postprocessing", "CalibratedEqOddsPostprocessing"),
    "reject_option": ("aif360.algorithms.postprocessing", "RejectOptionClassification"),
}
_COST_CONSTRAINTS = ("weighted", "fpr", "fnr")
_REJECT_METRICS = {
    "statistical_parity_difference": "Statistical parity difference",
    "average_odds_difference": "Average odds difference",
    "equal_opportunity_difference": "Equal opportunity difference",
}


def _scores(values, name: str) -> np.ndarray:
    scores = _column(values, name).astype(np.float64)
    if np.isnan(scores).any() or scores.min() < 0 or scores.max() > 1:
        raise ParameterError(
            f"The {name!r} parameter must hold probabilities of the favorable label in [0, 1]. "
            f"Got values from {np.nanmin(scores):.3g} to {np.nanmax(scores):.3g} instead; "
            "apply a softmax/sigmoid (or take y_prob[:, 1])."
        )
    return scores


def eq_odds_postprocess(
    y_val,
    score_val,
    groups_val,
    y_test,
    score_test,
    groups_test,
    *,
    privileged,
    method: str = "eq_odds",
    favorable=1,
    threshold: float = 0.5,
    cost_constraint: str = "weighted",
    reject_metric: str = "statistical_parity_difference",
    seed: int = 0,
) -> np.ndarray:
    """Adjust test predictions with an aif360 post-processor fitted on validation.

    Parameters
    ----------
    y_val, score_val, groups_val : array-like of shape (n_val,)
        Validation labels, predicted probability of the favorable label, groups.
    y_test, score_test, groups_test : array-like of shape (n_test,)
        The same for test. ``y_test`` is only checked (length, label values):
        nothing is fitted on test.
    privileged : group value
        The privileged group; all other groups are pooled as "unprivileged"
        (the aif360 post-processors handle two sides only).
    method : {"eq_odds", "calibrated", "reject_option"}, default "eq_odds"
        ``"eq_odds"``: ``EqOddsPostprocessing`` (Hardt et al.) randomly flips
        thresholded predictions to equalize TPR and FPR. ``"calibrated"``:
        ``CalibratedEqOddsPostprocessing`` (Pleiss et al.) mixes scores with the
        group base rate. ``"reject_option"``: ``RejectOptionClassification``
        gives the favorable label to the unprivileged side near the threshold.
    favorable : label value, default 1
    threshold : float, default 0.5
        Scores ``>= threshold`` are favorable predictions (for ``"eq_odds"``
        before the flips, for ``"calibrated"`` after mixing).
    cost_constraint : {"weighted", "fpr", "fnr"}, default "weighted"
        ``"calibrated"`` only: the rate to equalize (``"fnr"`` targets TPR).
    reject_metric : {"statistical_parity_difference", "average_odds_difference", \
"equal_opportunity_difference"}
        ``"reject_option"`` only: the metric kept within +/- 0.05.
    seed : int, default 0
        Seed of the random flips; numpy's global random state is restored after.

    Returns
    -------
    numpy.ndarray of shape (n_test,)
        Adjusted test predictions, in the label values of ``y_val``.

    Examples
    --------
    >>> fair = eq_odds_postprocess(y_val, p_val, g_val, y_test, p_test, g_test,
    ...                            privileged="group A")  # doctest: +SKIP
    """
    _choice("method", method, _POSTPROCESSING)
    _choice("cost_constraint", cost_constraint, _COST_CONSTRAINTS)
    _choice("reject_metric", reject_metric, _REJECT_METRICS)
    yv, yt = _column(y_val, "y_val"), _column(y_test, "y_test")
    sv, st = _scores(score_val, "score_val"), _scores(score_test, "score_test")
    gv, gt = (
        _column(np.asarray(groups_val), "groups_val"),
        _column(np.asarray(groups_test), "groups_test"),
    )
    _check_lengths(y_val=yv, score_val=sv, groups_val=gv)
    _check_lengths(y_test=yt, score_test=st, groups_test=gt)
    labels = _label_coder(favorable, y_val=yv, y_test=yt)
    coded = _group_coder(np.concatenate([gv, gt]).astype(object), "groups_val + groups_test")
    codes_val, codes_test = coded.codes[: len(gv)], coded.codes[len(gv) :]
    for split, split_values in (("groups_val", gv), ("groups_test", gt)):
        split_groups = _group_coder(split_values, split)
        _check_privileged(privileged, split_groups, split)
        for value in coded.values:
            if value not in split_groups.values:
                warnings.warn(
                    f"Group {value!r} has no examples in {split!r} (it is pooled with the "
                    "other unprivileged groups).",
                    UserWarning,
                    stacklevel=2,
                )
    y_val01 = labels.encode(yv)
    _refuse_label_as_groups(y_val01, _group_coder(gv, "groups_val"))
    unprivileged = coded.condition(*[v for v in coded.values if v != privileged])
    privileged_condition = coded.condition(privileged)
    for side, mask in (("privileged", codes_val == coded.code(privileged)), ("unprivileged", None)):
        mask = ~(codes_val == coded.code(privileged)) if mask is None else mask
        if len(np.unique(y_val01[mask])) < 2:
            raise ParameterError(
                f"The {side} side of the validation split must hold both labels to fit "
                f"{method!r} post-processing. Got only {sorted(set(yv[mask].tolist()), key=str)} "
                "instead; use a larger validation split."
            )

    truth = _dataset(y_val01, codes_val)
    val_pred = _with_labels(truth, (sv >= threshold).astype(np.float64), sv)
    test_pred = _with_labels(
        _dataset(labels.encode(yt), codes_test), (st >= threshold).astype(np.float64), st
    )
    algorithm = _quiet_import(*_POSTPROCESSING[method])
    groups_kw = {"unprivileged_groups": unprivileged, "privileged_groups": privileged_condition}
    state = np.random.get_state()
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            if method == "eq_odds":
                fitted = algorithm(**groups_kw, seed=seed).fit(truth, val_pred)
                if not fitted.model_params.success:
                    raise ParameterError(
                        "Equalized-odds post-processing found no solution on the validation "
                        f"split ({fitted.model_params.message}); try method='calibrated'."
                    )
                adjusted = fitted.predict(test_pred)
            elif method == "calibrated":
                fitted = algorithm(**groups_kw, cost_constraint=cost_constraint, seed=seed)
                adjusted = fitted.fit(truth, val_pred).predict(test_pred, threshold=threshold)
            else:
                fitted = algorithm(
                    **groups_kw,
                    num_class_thresh=50,
                    num_ROC_margin=25,
                    metric_name=_REJECT_METRICS[reject_metric],
                )
                adjusted = fitted.fit(truth, val_pred).predict(test_pred)
    finally:
        np.random.set_state(state)
    return labels.decode(adjusted.labels.ravel())


# ----------------------------------------------------------------------------- synthetic setup


def synthetic_groups(y, *, group_fraction: float = 0.3, seed: int = 0) -> np.ndarray:
    """Assign each example a synthetic group, "group A" or "group B", at random.

    The assignment is stratified by label: within every label value, a
    fraction ``group_fraction`` of the examples (rounded) goes to "group B".
    So the groups have the same label distribution and, with no bias
    injected, an audit finds (nearly) no disparity. The groups mean nothing
    about the images; they are synthetic.

    Parameters
    ----------
    y : array-like of shape (n,)
        Labels (any number of classes, e.g. the ten digits).
    group_fraction : float in (0, 1), default 0.3
        Share of "group B" (the minority, disadvantaged by :func:`inject_bias`).
    seed : int, default 0

    Returns
    -------
    numpy.ndarray of shape (n,), dtype object
        ``"group A"`` or ``"group B"`` per example.

    Examples
    --------
    >>> groups = synthetic_groups(data.y_train, group_fraction=0.3, seed=0)  # doctest: +SKIP
    """
    if not 0 < group_fraction < 1:
        raise ParameterError(
            f"The 'group_fraction' parameter must be between 0 and 1 (exclusive). "
            f"Got {group_fraction!r} instead."
        )
    y = _column(y, "y")
    rng = np.random.default_rng(seed)
    groups = np.full(len(y), SYNTHETIC_GROUPS[0], dtype=object)
    for value in sorted(set(y.tolist()), key=str):
        members = np.flatnonzero(y == value)
        chosen = rng.choice(members, size=round(group_fraction * len(members)), replace=False)
        groups[chosen] = SYNTHETIC_GROUPS[1]
    return groups


def inject_bias(
    y_train,
    groups_train,
    *,
    bias: float,
    disadvantaged: Any = SYNTHETIC_GROUPS[1],
    favorable=1,
    seed: int = 0,
) -> np.ndarray:
    """Bias the training labels against one group, by an amount the reader controls.

    Exactly ``round(bias * k)`` of the ``k`` examples of the ``disadvantaged``
    group whose label is ``favorable`` are chosen at random (seeded) and
    relabelled unfavorable. No other label changes. The disadvantaged group's
    favorable rate becomes ``(1 - bias)`` times what it was, so the labels'
    statistical parity difference (that group minus the others) moves by
    about ``-bias`` times its favorable rate. ``bias=0`` returns an unchanged
    copy. Apply it to the training split only; test labels stay clean.

    Parameters
    ----------
    y_train : array-like of shape (n,)
        Binary training labels.
    groups_train : array-like of shape (n,)
    bias : float in [0, 1]
        Fraction of the disadvantaged group's favorable labels to flip.
    disadvantaged : group value, default "group B"
    favorable : label value, default 1
    seed : int, default 0

    Returns
    -------
    numpy.ndarray of shape (n,)
        The biased labels (same dtype as ``y_train``).

    Examples
    --------
    >>> y_biased = inject_bias(y_train, groups_train, bias=0.5)  # doctest: +SKIP
    """
    if not 0 <= bias <= 1:
        raise ParameterError(
            f"The 'bias' parameter must be a fraction between 0 and 1. Got {bias!r} instead."
        )
    y = _column(y_train, "y_train")
    groups = _column(np.asarray(groups_train, dtype=object), "groups_train")
    _check_lengths(y_train=y, groups_train=groups)
    labels = _label_coder(favorable, y_train=y)
    if not np.any(groups == disadvantaged):
        raise ParameterError(
            f"The 'disadvantaged' parameter must be a group value in 'groups_train'. "
            f"Got {disadvantaged!r}, but the groups present are "
            f"{sorted(set(groups.tolist()), key=str)}."
        )
    biased = y.copy()
    candidates = np.flatnonzero((groups == disadvantaged) & (y == favorable))
    count = round(bias * len(candidates))
    if count:
        flipped = np.random.default_rng(seed).choice(candidates, size=count, replace=False)
        biased[flipped] = labels.unfavorable
    return biased


def mark_groups(
    x, groups, *, marked: Any = SYNTHETIC_GROUPS[1], value: float = 1.0, size: int | None = None
) -> np.ndarray:
    """Stamp a visible square in the top-left corner of one group's images.

    Synthetic groups are invisible in the images, so a model could not treat
    them differently and injected label bias would only act as label noise.
    The mark is a proxy for the group that a model can learn, as skin tone or
    hair is in face photos.

    Parameters
    ----------
    x : numpy.ndarray of shape (n, height, width[, channels])
    groups : array-like of shape (n,)
    marked : group value, default "group B"
    value : float, default 1.0
        Pixel value of the mark (images are in [0, 1]).
    size : int, optional
        Side of the square in pixels; default ``max(1, height // 4)``
        (2 pixels on the 8x8 digits, whose corners are blank).

    Returns
    -------
    numpy.ndarray
        A marked copy of ``x``.

    Examples
    --------
    >>> x_train = mark_groups(data.x_train, groups_train)  # doctest: +SKIP
    """
    images = np.array(x, copy=True)
    groups = _column(np.asarray(groups, dtype=object), "groups")
    if images.ndim not in (3, 4):
        raise ParameterError(
            "The 'x' parameter must be images of shape (n, height, width[, channels]). "
            f"Got shape {images.shape} instead."
        )
    _check_lengths(x=images, groups=groups)
    side = max(1, images.shape[1] // 4) if size is None else int(size)
    if not 1 <= side <= min(images.shape[1:3]):
        raise ParameterError(
            f"The 'size' parameter must be between 1 and the image side {images.shape[1]}. "
            f"Got {size!r} instead."
        )
    images[groups == marked, :side, :side, ...] = value
    return images


def with_synthetic_groups(
    data, *, group_fraction: float = 0.3, bias: float = 0.0, seed: int = 0
):
    """The offline fairness setup in one step: synthetic groups, a mark, biased training labels.

    Every split gets a synthetic ``group`` attribute (:func:`synthetic_groups`,
    stratified by label), group B's images get the visible mark of
    :func:`mark_groups` in every split, and ``bias`` of group B's favorable
    training labels become unfavorable (:func:`inject_bias`). Validation and
    test labels stay clean, so an audit measures what the biased training
    did to the model, against the truth.

    Parameters
    ----------
    data : Dataset
        A binary classification dataset of images (class 1 is the favorable label),
        e.g. digits regrouped into "digit < 5" / "digit >= 5".
    group_fraction : float in (0, 1), default 0.3
        Share of group B in every split.
    bias : float in [0, 1], default 0.0
        Share of group B's favorable training labels flipped to unfavorable.
    seed : int, default 0

    Returns
    -------
    Dataset
        A copy with marked images, biased ``y_train``, ``attributes[split]["group"]``
        and a description that says the groups and the bias are synthetic.

    Examples
    --------
    >>> binary = digits.relabel({d: int(d >= 5) for d in range(10)}, ["< 5", ">= 5"])
    ... # doctest: +SKIP
    >>> data = with_synthetic_groups(binary, group_fraction=0.3, bias=0.5)  # doctest: +SKIP
    """
    from dataclasses import replace

    import pandas as pd

    if getattr(data, "task", None) != "classification" or data.num_classes != 2:
        raise ParameterError(
            "The 'data' parameter of with_synthetic_groups must be a binary classification "
            f"dataset. Got {getattr(data, 'name', type(data).__name__)!r} with class names "
            f"{getattr(data, 'class_names', None)}; regroup it first with Dataset.relabel."
        )
    parts: dict[str, Any] = {}
    attributes = {}
    for offset, split in enumerate(("train", "val", "test")):
        x, y = data.split(split)
        groups = synthetic_groups(y, group_fraction=group_fraction, seed=seed + offset)
        parts[f"x_{split}"] = mark_groups(x, groups)
        frame = data.attributes.get(split, pd.DataFrame(index=range(len(y))))
        attributes[split] = frame.reset_index(drop=True).assign(group=groups)
    parts["y_train"] = inject_bias(data.y_train, attributes["train"]["group"].to_numpy(),
                                   bias=bias, seed=seed)
    note = (
        f"; SYNTHETIC groups {SYNTHETIC_GROUPS[0]!r}/{SYNTHETIC_GROUPS[1]!r} "
        f"(share of B {group_fraction:g}, B's images marked top-left), "
        f"injected bias {bias:g} against B in the training labels"
    )
    return replace(data, **parts, attributes=attributes, description=data.description + note)



# ----------------------------------------------------------------------------- notebook setup

_SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class FairnessSetup:
    """A dataset ready for a fairness audit, from :func:`fairness_setup`.

    Attributes
    ----------
    data : Dataset
        Binary classification data (class 1 favorable).
    target : str
        What the model predicts (``"digit >= 5"`` on the synthetic digits).
    protected : str
        The audited attribute; ``groups[split]`` holds its values.
    privileged : group value
        The reference group (given, or the largest group of the training split).
    also_audit : str or None
        A second attribute; ``second_groups[split]`` holds its values and
        ``second_privileged`` its largest training group.
    synthetic : bool
        True for the offline digits with synthetic groups and injected bias.
    """

    data: Any = field(repr=False)
    target: str
    protected: str
    privileged: Any
    groups: dict[str, np.ndarray] = field(repr=False)
    also_audit: str | None = None
    second_groups: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    second_privileged: Any = None
    synthetic: bool = False

    @property
    def test_groups(self) -> dict[str, np.ndarray]:
        """The audited attributes of the test split, ``{attribute: values}``."""
        second = {self.also_audit: self.second_groups["test"]} if self.also_audit else {}
        return {self.protected: self.groups["test"], **second}


def _largest(values: np.ndarray) -> Any:
    return pd.Series(values).mode()[0]


def fairness_setup(
    dataset: str = "digits",
    data_dir=None,
    *,
    target: str = "gender",
    protected: str = "auto",
    also_audit: str | None = "auto",
    privileged: Any = "auto",
    image_size=None,
    val_fraction: float = 0.2,
    group_fraction: float = 0.3,
    bias: float = 0.0,
    seed: int = 0,
    limit: int | None = None,
) -> FairnessSetup:
    """Load a dataset for the fairness audit and resolve the attributes to audit.

    On ``"digits"`` the target is "digit >= 5" and every example gets a
    synthetic group with a visible mark and ``bias`` injected into the
    training labels (:func:`with_synthetic_groups`). On face datasets
    (``"fairface"``, ``"utkface"``) ``target`` is the predicted attribute and
    nothing is injected.

    Parameters
    ----------
    dataset, data_dir
        As in :func:`course_utils.data.load_dataset`.
    target : str, default "gender"
        Face datasets only.
    protected : str, default "auto"
        ``"auto"``: ``"group"`` on digits, ``"race"`` on faces. Never the target
        (:func:`check_protected`).
    also_audit : str or None, default "auto"
        ``"auto"``: ``"age_group"`` on faces, none on digits.
    privileged : group value, default "auto"
        ``"auto"``: the largest group of the training split.
    image_size, val_fraction, seed, limit
        Passed to the loader.
    group_fraction, bias : float
        Digits only: share of group B, and share of its favorable training labels flipped.

    Returns
    -------
    FairnessSetup

    Examples
    --------
    >>> setup = fairness_setup("digits", bias=0.5)  # doctest: +SKIP
    >>> setup.privileged  # doctest: +SKIP
    'group A'
    """
    from course_utils.data import load_dataset

    synthetic = dataset == "digits"
    if synthetic:
        digits = load_dataset("digits", val_fraction=val_fraction, seed=seed, limit=limit)
        binary = digits.relabel({d: int(d >= 5) for d in range(10)}, ["digit < 5", "digit >= 5"])
        data = with_synthetic_groups(binary, group_fraction=group_fraction, bias=bias, seed=seed)
        target = "digit >= 5"
    else:
        data = load_dataset(dataset, data_dir, target=target, image_size=image_size,
                            val_fraction=val_fraction, seed=seed, limit=limit)
    protected = ("group" if synthetic else "race") if protected == "auto" else protected
    also_audit = (None if synthetic else "age_group") if also_audit == "auto" else also_audit
    check_protected(target, protected)
    groups = {split: group_values(data, protected, split=split) for split in _SPLITS}
    second = ({split: group_values(data, also_audit, split=split) for split in _SPLITS}
              if also_audit else {})
    return FairnessSetup(
        data=data, target=target, protected=protected,
        privileged=_largest(groups["train"]) if privileged == "auto" else privileged,
        groups=groups, also_audit=also_audit, second_groups=second,
        second_privileged=_largest(second["train"]) if also_audit else None,
        synthetic=synthetic,
    )


# ----------------------------------------------------------------------------- variants


@dataclass
class PostprocessedRun:
    """A trained run whose predictions a post-processor adjusted; duck-types ``RunResult``.

    ``predict(split)`` returns the adjusted labels one-hot, as the
    probabilities of the post-processed classifier (it outputs hard labels),
    so ``Record.add_run`` records them and recomputes ``test_accuracy`` from them.
    """

    name: str
    data: Any = field(repr=False)
    labels: dict[str, np.ndarray] = field(repr=False)
    metrics: dict[str, float]
    wall_seconds: float
    params: int

    def predict(self, split: str = "test") -> np.ndarray:
        """The adjusted predictions of ``split``, one-hot, shape ``(n, 2)``."""
        return np.eye(self.data.num_classes)[self.labels[split].astype(int)]


def postprocessed_run(run, groups: dict[str, Any], *, privileged, method: str = "eq_odds",
                      seed: int = 0, name: str | None = None) -> PostprocessedRun:
    """Fit an aif360 post-processor on the validation split of a run, adjust every split.

    Parameters
    ----------
    run : RunResult
        A trained binary classifier (class 1 favorable).
    groups : dict of str to array-like
        ``{split: protected value per example}`` for train, val and test.
    privileged : group value
    method : {"eq_odds", "calibrated", "reject_option"}, default "eq_odds"
        See :func:`eq_odds_postprocess`.
    seed : int, default 0
    name : str, optional
        Defaults to ``method``.

    Returns
    -------
    PostprocessedRun
        ``metrics`` holds ``<split>_accuracy`` of the adjusted labels;
        ``wall_seconds`` is the post-processing time; ``params`` the run's.

    Examples
    --------
    >>> adjusted = postprocessed_run(run, setup.groups, privileged="group A")  # doctest: +SKIP
    """
    start = time.perf_counter()
    data = run.data
    scores = {split: run.predict(split)[:, 1] for split in _SPLITS}
    labels = {
        split: eq_odds_postprocess(data.y_val, scores["val"], groups["val"],
                                   data.split(split)[1], scores[split], groups[split],
                                   privileged=privileged, method=method, seed=seed)
        for split in _SPLITS
    }
    metrics = {f"{split}_accuracy": float(np.mean(labels[split] == data.split(split)[1]))
               for split in _SPLITS}
    return PostprocessedRun(name or method, data, labels, metrics,
                            time.perf_counter() - start, run.params)


def mitigation_summary(runs: dict[str, Any], groups: dict[str, Any], *,
                       privileged) -> pd.DataFrame:
    """Accuracy on every split and the four between-group metrics on test, per variant.

    Parameters
    ----------
    runs : dict of str to RunResult or PostprocessedRun
        The variants; predictions are the argmax of ``run.predict(split)``.
    groups : dict of str to array-like
        ``{"test": protected value per test example, ...}``.
    privileged : group value
        Privileged group against all others pooled (:func:`fairness_summary`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``variant``: ``train_accuracy``, ``val_accuracy``,
        ``test_accuracy``, then :data:`FAIRNESS_METRICS`.

    Examples
    --------
    >>> mitigation_summary({"unmitigated": run}, setup.groups, privileged="group A")
    ... # doctest: +SKIP
    """
    rows = {}
    for name, run in runs.items():
        data = run.data
        pred = {split: run.predict(split).argmax(axis=1) for split in _SPLITS}
        row = {f"{split}_accuracy": float(np.mean(pred[split] == data.split(split)[1]))
               for split in _SPLITS}
        fair = fairness_summary(data.y_test, pred["test"], groups["test"], privileged=privileged)
        rows[name] = row | {metric: fair[metric] for metric in FAIRNESS_METRICS}
    return pd.DataFrame(rows).T.rename_axis("variant")


def mitigation_effects(summary: pd.DataFrame, *, baseline: str = "unmitigated") -> pd.DataFrame:
    """How each mitigation moved the parity gaps and the test accuracy of the baseline.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`mitigation_summary`.
    baseline : str, default "unmitigated"

    Returns
    -------
    pandas.DataFrame
        One row per other variant: ``spd`` and ``eod`` (its statistical parity
        and equal opportunity differences), ``spd_word`` / ``eod_word``
        (``"narrowed"`` when the gap's size shrank, else ``"did not narrow"``),
        ``accuracy``, ``accuracy_change`` (size of the change) and
        ``accuracy_word`` (``"gained"`` or ``"lost"``).

    Examples
    --------
    >>> mitigation_effects(summary).loc["reweighing", "spd_word"]  # doctest: +SKIP
    'narrowed'
    """
    if baseline not in summary.index:
        raise ParameterError(
            f"The 'baseline' parameter of mitigation_effects must be a variant of 'summary'. "
            f"Got {baseline!r}; the variants are {list(summary.index)}."
        )
    before = summary.loc[baseline]
    rows = {}
    for name, after in summary.drop(index=baseline).iterrows():
        row = {}
        for short, metric in (("spd", "statistical_parity_difference"),
                              ("eod", "equal_opportunity_difference")):
            narrowed = abs(after[metric]) < abs(before[metric])
            row[short] = float(after[metric])
            row[f"{short}_word"] = "narrowed" if narrowed else "did not narrow"
        change = float(after["test_accuracy"] - before["test_accuracy"])
        row |= {"accuracy": float(after["test_accuracy"]), "accuracy_change": abs(change),
                "accuracy_word": "lost" if change < 0 else "gained"}
        rows[name] = row
    return pd.DataFrame(rows).T.rename_axis("variant")
