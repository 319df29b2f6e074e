"""Comparisons: :func:`run_variants` trains each variant from a fresh model and one seed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import pandas as pd
from tqdm import tqdm  # plain text bars: no ipywidgets needed in notebooks

from .._checks import fail
from ..models import cnn, mlp, rnn, transfer
from .fitting import fit
from .optimizers import set_seed
from .result import RunResult

__all__ = ["Comparison", "run_variants"]


@dataclass
class Comparison:
    """Results of :func:`run_variants`, one :class:`~course_utils.train.RunResult` per variant.

    Attributes
    ----------
    results : dict of str to RunResult
        In the order the variants were given.
    """

    results: dict[str, RunResult]

    @property
    def history(self) -> pd.DataFrame:
        """Tidy per-epoch history: ``variant``, ``epoch``, ``loss``, ..., ``epoch_seconds``."""
        frames = [r.history.assign(variant=name) for name, r in self.results.items()]
        table = pd.concat(frames, ignore_index=True)
        return table[["variant", *[c for c in table.columns if c != "variant"]]]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per variant: params, split metrics, best/run epochs, seconds."""
        lead = ["train_accuracy", "val_accuracy", "test_accuracy", "test_loss"]
        rows = []
        for name, r in self.results.items():
            ordered = {k: r.metrics[k] for k in lead if k in r.metrics}
            ordered.update({k: v for k, v in r.metrics.items() if k not in ordered})
            rows.append({"variant": name, "params": r.params, **ordered,
                         "best_epoch": r.best_epoch, "epochs_run": r.stopped_epoch,
                         "epoch_seconds": float(r.history["epoch_seconds"].mean()),
                         "wall_seconds": r.wall_seconds})
        return pd.DataFrame(rows)

    def __getitem__(self, name: str) -> RunResult:
        return self.results[name]


_BUILDERS = {"mlp": mlp, "cnn": cnn, "transfer": transfer}


def _resolve_build(build: Callable[..., keras.Model] | str, data: Any) -> Callable:
    if callable(build):
        return build
    if build == "rnn":
        return lambda **kw: rnn(data.input_shape, **kw)
    if build in _BUILDERS:
        return lambda **kw: _BUILDERS[build](data.input_shape, data.num_classes, **kw)
    raise fail("build", "run_variants", f"a callable or one of {sorted([*_BUILDERS, 'rnn'])}",
               build)


def run_variants(
    variants: Mapping[str, Mapping[str, Any]],
    data: Any,
    *,
    build: Callable[..., keras.Model] | str,
    epochs: int = 10,
    batch_size: int = 32,
    seed: int = 0,
    progress: bool = True,
    **fit_kwargs: Any,
) -> Comparison:
    """Train each variant from a fresh model and the same seed.

    Parameters
    ----------
    variants : dict of str to dict
        ``{name: {"model": {build kwargs}, **fit kwargs}}``, e.g.
        ``{"sgd": {"optimizer": "sgd"}, "wide": {"model": {"hidden": (256,)}}}``.
        A variant's fit kwargs (including ``epochs``) override the common ones,
        and a ``"build"`` key overrides ``build`` for that variant (e.g. one
        ``"mlp"`` among ``"cnn"`` variants).
    data : Dataset
    build : callable or {"mlp", "cnn", "rnn", "transfer"}
        ``build(**model_kwargs) -> keras.Model``; a name calls that builder of
        :mod:`course_utils.models` with ``data.input_shape`` (and ``data.num_classes``).
    epochs, batch_size, seed : int
        Common settings.
    progress : bool, default True
        A bar over the variants and one per run.
    **fit_kwargs
        Common :func:`~course_utils.train.fit` options. A common ``tensorboard``
        folder gets one subfolder per variant (``<folder>/<name>``), so that
        TensorBoard shows each run as its own line.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> from course_utils.data import load_dataset
    >>> data = load_dataset("digits", limit=60)
    >>> cmp = run_variants({"narrow": {"model": {"hidden": (4,)}},
    ...                     "wide": {"model": {"hidden": (16,)}}}, data,
    ...                    build="mlp", epochs=1, progress=False)
    >>> cmp.summary["params"].tolist()
    [310, 1210]
    """
    if not isinstance(variants, Mapping) or not variants:
        raise fail("variants", "run_variants", "a non-empty dict of name -> options", variants)
    for spec in [{"build": build}, *variants.values()]:
        if "build" in spec:
            _resolve_build(spec["build"], data)  # fail before any training
    results: dict[str, RunResult] = {}
    names = tqdm(list(variants), desc="variants", unit="variant", disable=not progress)
    for name in names:
        spec = dict(variants[name])
        model_kwargs = spec.pop("model", {})
        builder = _resolve_build(spec.pop("build", build), data)
        options = {"epochs": epochs, "batch_size": batch_size, "seed": seed, **fit_kwargs,
                   **spec}
        if "tensorboard" not in spec and fit_kwargs.get("tensorboard") is not None:
            options["tensorboard"] = Path(fit_kwargs["tensorboard"]) / name
        set_seed(options["seed"])
        model = builder(**model_kwargs)
        results[name] = fit(model, data, name=name, progress=progress, **options)
    return Comparison(results)
