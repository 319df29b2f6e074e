"""Serves notebook 06_cnn_trials: the CNN design trials and the six Fashion-MNIST models.

Each trial differs from a one-block baseline CNN in one knob; the six models
are the Fashion-MNIST comparison. :func:`cnn_trial_variants` gives both lists
as :func:`course_utils.train.run_variants` variants.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._checks import check_fraction, fail

__all__ = ["cnn_trial_variants"]

_ONE_BLOCK = {"blocks": (64,), "dense": (128,)}
_SIX_CNN = {"blocks": (32, 32), "dense": (128, 84)}


def _cnn_trials(momentum: float) -> dict[str, dict[str, Any]]:
    bundle = {"batch_norm": True, "batch_norm_momentum": momentum, "dropout": 0.4, "l2": 1e-4}
    return {
        "mlp": {"build": "mlp", "model": {"hidden": (256,)}},
        "one_block": {"model": _ONE_BLOCK},
        "three_blocks": {"model": {**_ONE_BLOCK, "blocks": (64, 64, 64)}},
        "valid_padding": {"model": {**_ONE_BLOCK, "padding": "valid"}},
        "same_padding": {"model": _ONE_BLOCK},
        "kernel_3x3": {"model": _ONE_BLOCK},
        "kernel_5x5": {"model": {**_ONE_BLOCK, "kernel_size": 5}},
        "wider": {"model": {**_ONE_BLOCK, "blocks": (128,)}},
        "stacked_no_pool": {"model": {**_ONE_BLOCK, "convs_per_block": 3}},
        "bn_dropout_l2": {"model": {**_ONE_BLOCK, **bundle}},
    }


def _six_models(momentum: float) -> dict[str, dict[str, Any]]:
    return {
        "d_mlp": {"build": "mlp", "model": {"hidden": (128,)}},
        "d_cnn": {"model": _SIX_CNN},
        "d_batch_norm": {"model": {**_SIX_CNN, "batch_norm": True,
                                   "batch_norm_momentum": momentum}},
        "d_dropout": {"model": {**_SIX_CNN, "dropout": 0.2}},
        "d_l2": {"model": {**_SIX_CNN, "l2": 1e-4}},
        "d_l1": {"model": {**_SIX_CNN, "l1": 1e-4}},
    }


def cnn_trial_variants(
    names: Sequence[str], *, batch_norm_momentum: float = 0.99
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The CNN design trials and the six Fashion-MNIST models, as ``run_variants`` variants.

    The trials differ from ``one_block`` (one 64-filter 3x3 conv, same
    padding, 2x2 max-pool, Dense(128)) in one knob each: ``mlp`` (Dense(256),
    no conv), ``three_blocks``, ``valid_padding``, ``kernel_5x5``, ``wider``
    (128 filters), ``stacked_no_pool`` (three convs in the block),
    ``bn_dropout_l2`` (batch norm, dropout 0.4, L2 1e-4); ``same_padding`` and
    ``kernel_3x3`` *are* ``one_block`` (a reproducibility check). The six
    models are ``d_cnn`` (Conv32-pool-Conv32-pool-Dense128-Dense84) alone or
    with one addition: ``d_mlp``, ``d_batch_norm``, ``d_dropout``, ``d_l2``
    (1e-4), ``d_l1`` (1e-4).

    Parameters
    ----------
    names : sequence of str
        The variants to run, from both lists. ``one_block`` is always among
        the trials, as their baseline.
    batch_norm_momentum : float, default 0.99
        Momentum of the batch-normalization layers' running statistics.

    Returns
    -------
    trials, six : dict of str to dict
        ``{name: {"model": cnn kwargs}}`` (``"build": "mlp"`` for the MLPs):
        the trials in the order above, the six in the order of ``names``.

    Examples
    --------
    >>> trials, six = cnn_trial_variants(["mlp", "d_cnn"])
    >>> list(trials), list(six)
    (['mlp', 'one_block'], ['d_cnn'])
    """
    momentum = check_fraction(batch_norm_momentum, "batch_norm_momentum", "cnn_trial_variants")
    trials, six = _cnn_trials(momentum), _six_models(momentum)
    known = [*trials, *six]
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise fail("names", "cnn_trial_variants", f"a list of names among {known}", names)
    unknown = [n for n in names if n not in trials and n not in six]
    if unknown:
        raise fail("names", "cnn_trial_variants", f"a list of names among {known}", names,
                   hint=f"Unknown: {unknown}.")
    chosen = {n: v for n, v in trials.items() if n in names or n == "one_block"}
    return chosen, {n: six[n] for n in names if n in six}
