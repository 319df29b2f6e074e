"""Bias mitigation with aif360: reweighing before training, post-processing after.

* :func:`reweighing_weights` - pre-processing: aif360 ``Reweighing`` as
  per-example ``sample_weight`` for Keras.
* :func:`eq_odds_postprocess` - post-processing: aif360
  ``EqOddsPostprocessing``, ``CalibratedEqOddsPostprocessing`` or
  ``RejectOptionClassification``, fitted on validation, applied to test.

Examples
--------
>>> y = np.array([1, 1, 0, 0, 1, 0, 0, 0])
>>> groups = np.array(["a"] * 4 + ["b"] * 4)
>>> reweighing_weights(y, groups, privileged="a").round(3).tolist()
[0.75, 0.75, 1.25, 1.25, 1.5, 0.833, 0.833, 0.833]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice, check_int, check_number, fail
from ..errors import ParameterError
from ._aif360 import dataset, quiet_import, with_labels
from ._groups import Groups, check_privileged, group_coder, refuse_label_as_groups
from ._inputs import Labels, check_lengths, column, label_coder

__all__ = ["POSTPROCESSING_METHODS", "eq_odds_postprocess", "reweighing_weights"]

# ----------------------------------------------------------------------------- pre-processing

_REWEIGHING_SCHEMES = ("privileged_vs_rest", "each_group")


def _reweighing_sides(coded: Groups, privileged, scheme: str) -> list[list]:
    """The groups each ``Reweighing`` fit balances against the rest."""
    present = coded.present()
    if scheme == "privileged_vs_rest":
        return [[privileged], [v for v in present if v != privileged]]
    return [[v] for v in present]


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
    >>> w = reweighing_weights([1, 1, 0, 1, 0, 0], ["a", "a", "a", "b", "b", "b"],
    ...                        privileged="a")
    >>> w.round(3).tolist(), float(w.sum())
    ([0.75, 0.75, 1.5, 1.5, 0.75, 0.75], 6.0)
    """
    func = "reweighing_weights"
    check_choice(scheme, "scheme", func, _REWEIGHING_SCHEMES)
    y = column(y_true, "y_true", func)
    check_lengths(func, y_true=y, groups=np.asarray(groups))
    labels = label_coder(favorable, func, y_true=y)
    coded = group_coder(groups, "groups", func)
    y01 = labels.encode(y)
    refuse_label_as_groups(y01, coded, func)
    check_privileged(privileged, coded, "groups", func)
    reweighing = quiet_import("aif360.algorithms.preprocessing", "Reweighing")
    data = dataset(y01, coded.codes)
    weights = np.ones(len(y), dtype=np.float64)
    for side in _reweighing_sides(coded, privileged, scheme):
        mask = np.isin(coded.codes, [coded.code(v) for v in side])
        if len(np.unique(y01[mask])) < 2:
            warnings.warn(
                f"Group(s) {side} hold a single label value in y_true, so reweighing "
                "cannot balance them; their weights stay 1.",
                UserWarning,
                stacklevel=2,
            )
            continue
        rest = [v for v in coded.present() if v not in side]
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

#: The ``method`` values of :func:`eq_odds_postprocess`.
POSTPROCESSING_METHODS = ("eq_odds", "calibrated", "reject_option")

_COST_CONSTRAINTS = ("weighted", "fpr", "fnr")
_REJECT_METRICS = {
    "statistical_parity_difference": "Statistical parity difference",
    "average_odds_difference": "Average odds difference",
    "equal_opportunity_difference": "Equal opportunity difference",
}
_FUNC = "eq_odds_postprocess"


def _scores(values, name: str) -> np.ndarray:
    scores = column(values, name, _FUNC).astype(np.float64)
    outside = np.isnan(scores) | (scores < 0) | (scores > 1)
    if outside.any():
        raise fail(
            name,
            _FUNC,
            "probabilities of the favorable label in [0, 1]",
            float(scores[outside][0]),
            hint=f"Its values range from {np.nanmin(scores):.3g} to {np.nanmax(scores):.3g}; "
            "apply a softmax/sigmoid (or take y_prob[:, 1]).",
        )
    return scores


@dataclass
class _Split:
    """One split coded for aif360: the labels as given and as 1.0/0.0, group codes, scores."""

    y: np.ndarray
    y01: np.ndarray
    codes: np.ndarray
    scores: np.ndarray

    def predicted(self, threshold: float):
        """The aif360 dataset of the thresholded scores (scores kept)."""
        hard = (self.scores >= threshold).astype(np.float64)
        return with_labels(dataset(self.y01, self.codes), hard, self.scores)


def _check_split_groups(privileged, coded: Groups, gv: np.ndarray, gt: np.ndarray) -> None:
    """The privileged group in both splits; warn about a group missing from one of them."""
    for split, split_values in (("groups_val", gv), ("groups_test", gt)):
        split_groups = group_coder(split_values, split, _FUNC)
        check_privileged(privileged, split_groups, split, _FUNC)
        for value in coded.values:
            if value not in split_groups.values:
                warnings.warn(
                    f"Group {value!r} has no examples in {split!r} (it is pooled with the "
                    "other unprivileged groups).",
                    UserWarning,
                    stacklevel=4,
                )


def _check_sides_hold_both_labels(val: _Split, privileged_code: float, method: str) -> None:
    privileged_rows = val.codes == privileged_code
    for side, mask in (("privileged", privileged_rows), ("unprivileged", ~privileged_rows)):
        if len(np.unique(val.y01[mask])) < 2:
            raise fail(
                "y_val",
                _FUNC,
                f"both labels on the {side} side of the validation split",
                sorted(set(val.y[mask].tolist()), key=str),
                hint=f"{method!r} post-processing needs both; use a larger validation split.",
            )


def _coded_splits(
    y_val, score_val, groups_val, y_test, score_test, groups_test, privileged, favorable
) -> tuple[Labels, Groups, _Split, _Split]:
    """Check and code both splits; the groups share one coding."""
    yv, yt = column(y_val, "y_val", _FUNC), column(y_test, "y_test", _FUNC)
    sv, st = _scores(score_val, "score_val"), _scores(score_test, "score_test")
    gv = column(np.asarray(groups_val), "groups_val", _FUNC)
    gt = column(np.asarray(groups_test), "groups_test", _FUNC)
    check_lengths(_FUNC, y_val=yv, score_val=sv, groups_val=gv)
    check_lengths(_FUNC, y_test=yt, score_test=st, groups_test=gt)
    labels = label_coder(favorable, _FUNC, y_val=yv, y_test=yt)
    coded = group_coder(np.concatenate([gv, gt]).astype(object), "groups_val + groups_test", _FUNC)
    _check_split_groups(privileged, coded, gv, gt)
    val = _Split(yv, labels.encode(yv), coded.codes[: len(gv)], sv)
    refuse_label_as_groups(val.y01, group_coder(gv, "groups_val", _FUNC), _FUNC)
    return labels, coded, val, _Split(yt, labels.encode(yt), coded.codes[len(gv) :], st)


def _fit_and_predict(method, groups_kw, truth, val_pred, test_pred, *, threshold,
                     cost_constraint, reject_metric, seed):
    """Fit the aif360 post-processor on validation and adjust the test predictions."""
    algorithm = quiet_import(*_POSTPROCESSING[method])
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "eq_odds":
            fitted = algorithm(**groups_kw, seed=seed).fit(truth, val_pred)
            if not fitted.model_params.success:
                raise ParameterError(
                    "Equalized-odds post-processing found no solution on the validation "
                    f"split ({fitted.model_params.message}); try method='calibrated'."
                )
            return fitted.predict(test_pred)
        if method == "calibrated":
            fitted = algorithm(**groups_kw, cost_constraint=cost_constraint, seed=seed)
            return fitted.fit(truth, val_pred).predict(test_pred, threshold=threshold)
        fitted = algorithm(
            **groups_kw,
            num_class_thresh=50,
            num_ROC_margin=25,
            metric_name=_REJECT_METRICS[reject_metric],
        )
        return fitted.fit(truth, val_pred).predict(test_pred)


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
    threshold : float in [0, 1], default 0.5
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
    >>> rng = np.random.default_rng(0)
    >>> groups = np.where(rng.random(400) < 0.4, "B", "A")
    >>> y = (rng.random(400) < 0.5).astype(int)
    >>> scores = np.clip(0.25 + 0.5 * y + rng.normal(0, 0.15, 400) - 0.2 * (groups == "B"), 0, 1)
    >>> fair = eq_odds_postprocess(y, scores, groups, y, scores, groups, privileged="A")
    >>> fair.shape, sorted(set(fair.tolist()))
    ((400,), [0, 1])
    """
    check_choice(method, "method", _FUNC, POSTPROCESSING_METHODS)
    check_choice(cost_constraint, "cost_constraint", _FUNC, _COST_CONSTRAINTS)
    check_choice(reject_metric, "reject_metric", _FUNC, list(_REJECT_METRICS))
    threshold = check_number(threshold, "threshold", _FUNC, minimum=0, maximum=1)
    seed = check_int(seed, "seed", _FUNC, minimum=0)
    labels, coded, val, test = _coded_splits(
        y_val, score_val, groups_val, y_test, score_test, groups_test, privileged, favorable
    )
    _check_sides_hold_both_labels(val, coded.code(privileged), method)
    groups_kw = {
        "unprivileged_groups": coded.condition(*[v for v in coded.values if v != privileged]),
        "privileged_groups": coded.condition(privileged),
    }
    truth = dataset(val.y01, val.codes)
    state = np.random.get_state()
    try:
        adjusted = _fit_and_predict(
            method, groups_kw, truth, val.predicted(threshold), test.predicted(threshold),
            threshold=threshold, cost_constraint=cost_constraint, reject_metric=reject_metric,
            seed=seed,
        )
    finally:
        np.random.set_state(state)
    return labels.decode(adjusted.labels.ravel())
