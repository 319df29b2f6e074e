"""Synthetic groups for the offline fairness lesson: groups, a visible mark, planted bias.

The offline default of the fairness notebook is the digits with the target
"digit >= 5", a *synthetic* group attribute ("group A" / "group B"), a
controllable bias against group B in the training labels, and a visible mark
on group B's images so that a model can pick the group up (as it picks up skin
tone or hair in face photos). :func:`with_synthetic_groups` does all three.

Examples
--------
>>> y = np.array([0, 1] * 10)
>>> groups = synthetic_groups(y, group_fraction=0.3, seed=0)
>>> int(np.sum(groups == "group B"))
6
>>> int(np.sum(inject_bias(y, groups, bias=1.0) != y))
3
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_fraction, check_int, fail, is_number
from ._inputs import check_lengths, column, label_coder

__all__ = [
    "SYNTHETIC_GROUPS",
    "inject_bias",
    "mark_groups",
    "synthetic_groups",
    "with_synthetic_groups",
]

#: The synthetic group values: (privileged / majority, disadvantaged / minority).
SYNTHETIC_GROUPS = ("group A", "group B")


def _check_share(group_fraction: Any, func: str) -> float:
    """``group_fraction`` as a float strictly between 0 and 1."""
    if not is_number(group_fraction) or not 0 < group_fraction < 1:
        raise fail("group_fraction", func, "a number in (0, 1)", group_fraction)
    return float(group_fraction)


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
    >>> synthetic_groups([0, 0, 0, 1, 1, 1], group_fraction=0.34, seed=0)
    array(['group A', 'group A', 'group B', 'group A', 'group B', 'group A'],
          dtype=object)
    """
    group_fraction = _check_share(group_fraction, "synthetic_groups")
    seed = check_int(seed, "seed", "synthetic_groups", minimum=0)
    y = column(y, "y", "synthetic_groups")
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
    >>> inject_bias([1, 1, 0, 1, 1], ["group A"] * 3 + ["group B"] * 2, bias=0.5, seed=0)
    array([1, 1, 0, 1, 0])
    """
    func = "inject_bias"
    bias = check_fraction(bias, "bias", func, closed=True)
    seed = check_int(seed, "seed", func, minimum=0)
    y = column(y_train, "y_train", func)
    groups = column(np.asarray(groups_train, dtype=object), "groups_train", func)
    check_lengths(func, y_train=y, groups_train=groups)
    labels = label_coder(favorable, func, y_train=y)
    if not np.any(groups == disadvantaged):
        raise fail(
            "disadvantaged",
            func,
            "a group value in 'groups_train'",
            disadvantaged,
            hint=f"The groups present are {sorted(set(groups.tolist()), key=str)}.",
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
    >>> marked = mark_groups(np.zeros((2, 8, 8)), ["group A", "group B"])
    >>> marked.sum(axis=(1, 2)).tolist()
    [0.0, 4.0]
    """
    func = "mark_groups"
    images = np.array(x, copy=True)
    groups = column(np.asarray(groups, dtype=object), "groups", func)
    if images.ndim not in (3, 4):
        raise fail("x", func, "images of shape (n, height, width[, channels])", images.shape)
    check_lengths(func, x=images, groups=groups)
    side = max(1, images.shape[1] // 4) if size is None else size
    side = check_int(side, "size", func, minimum=1, maximum=min(images.shape[1:3]))
    images[groups == marked, :side, :side, ...] = value
    return images


def with_synthetic_groups(data, *, group_fraction: float = 0.3, bias: float = 0.0, seed: int = 0):
    """The offline fairness setup in one step: synthetic groups, a mark, biased labels.

    Every split gets a synthetic ``group`` attribute (:func:`synthetic_groups`,
    stratified by label), group B's images get the visible mark of
    :func:`mark_groups` in every split, and ``bias`` of group B's favorable
    training and validation labels become unfavorable (:func:`inject_bias`),
    as when one biased process labelled all the data at hand. So reweighing
    (which learns from the training labels) and a post-processor (fitted on
    the validation labels) see the same bias, and are compared like for like.
    Only the test labels stay clean: the audit measures what the bias did to
    the model, against the truth.

    Parameters
    ----------
    data : Dataset
        A binary classification dataset of images (class 1 is the favorable label),
        e.g. digits regrouped into "digit < 5" / "digit >= 5".
    group_fraction : float in (0, 1), default 0.3
        Share of group B in every split.
    bias : float in [0, 1], default 0.0
        Share of group B's favorable training and validation labels flipped to
        unfavorable.
    seed : int, default 0

    Returns
    -------
    Dataset
        A copy with marked images, biased ``y_train`` and ``y_val``,
        ``attributes[split]["group"]``
        and a description that says the groups and the bias are synthetic.

    Examples
    --------
    >>> from course_utils.data import load_dataset
    >>> digits = load_dataset("digits", limit=40)
    >>> binary = digits.relabel({d: int(d >= 5) for d in range(10)}, ["< 5", ">= 5"])
    >>> data = with_synthetic_groups(binary, group_fraction=0.3, bias=0.5)
    >>> sorted(set(data.attributes["train"]["group"]))
    ['group A', 'group B']
    """
    func = "with_synthetic_groups"
    group_fraction = _check_share(group_fraction, func)
    bias = check_fraction(bias, "bias", func, closed=True)
    seed = check_int(seed, "seed", func, minimum=0)
    if getattr(data, "task", None) != "classification" or data.num_classes != 2:
        raise fail(
            "data",
            func,
            "a binary classification dataset",
            getattr(data, "name", type(data).__name__),
            hint=f"Its class names are {getattr(data, 'class_names', None)}; "
            "regroup it first with Dataset.relabel.",
        )
    parts: dict[str, Any] = {}
    attributes = {}
    for offset, split in enumerate(("train", "val", "test")):
        x, y = data.split(split)
        groups = synthetic_groups(y, group_fraction=group_fraction, seed=seed + offset)
        parts[f"x_{split}"] = mark_groups(x, groups)
        frame = data.attributes.get(split, pd.DataFrame(index=range(len(y))))
        attributes[split] = frame.reset_index(drop=True).assign(group=groups)
    for offset, split in enumerate(("train", "val")):
        parts[f"y_{split}"] = inject_bias(
            data.split(split)[1], attributes[split]["group"].to_numpy(), bias=bias,
            seed=seed + offset)
    note = (
        f"; SYNTHETIC groups {SYNTHETIC_GROUPS[0]!r}/{SYNTHETIC_GROUPS[1]!r} "
        f"(share of B {group_fraction:g}, B's images marked top-left), "
        f"injected bias {bias:g} against B in the training and validation labels"
    )
    return replace(data, **parts, attributes=attributes, description=data.description + note)
