"""Serves notebook 09_transfer_learning: what a backbone sees with and without its preprocessing.

Private part of :mod:`course_utils.lessons.transfer` (import the names from
there). :func:`preprocessing_demo` feeds a ``keras.applications`` backbone
images in [0, 1] with and without its own preprocessing, shows what reaches its
first convolution, and measures what the mistake costs in accuracy.

See :func:`preprocessing_demo` for an example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd

from .._checks import check_int
from ..models import first_conv_input, resolve_backbone_weights, transfer
from ..train import RunResult, fit, set_seed
from ._transfer_pretrained import Pretrained, run_accuracies

__all__ = ["PreprocessingDemo", "preprocessing_demo"]


@dataclass(eq=False)
class PreprocessingDemo:
    """What :func:`preprocessing_demo` measured.

    Attributes
    ----------
    ranges : pandas.DataFrame
        One row per backbone and way (``"preprocessed"``/``"unpreprocessed"``):
        the input's min and max and what the first convolution sees.
    accuracy : pandas.DataFrame
        Index ``way``: ``train_accuracy``, ``val_accuracy``, ``test_accuracy``
        (recomputed from the test predictions) and ``first_conv_max``.
    runs : dict of str to RunResult
        ``"preprocessed"`` and ``"unpreprocessed"`` to their runs (named
        ``backbone_preprocessed`` and ``backbone_unpreprocessed``).
    backbone : str
        What the accuracies were measured on, in words.
    weights_note : str
        Which weights the named application got (see
        :func:`~course_utils.models.resolve_backbone_weights`).
    on_application : bool
        Whether the accuracies come from the named application (it had
        pretrained weights) rather than from the pretrained CNN behind an
        EfficientNet-style front.
    """

    ranges: pd.DataFrame
    accuracy: pd.DataFrame
    runs: dict[str, RunResult]
    backbone: str
    weights_note: str
    on_application: bool

    @property
    def conclusions(self) -> dict[str, Any]:
        """``seen_max_right``/``seen_max_wrong`` (brightest value reaching the first
        conv, with and without preprocessing), ``acc_right``/``acc_wrong`` (test
        accuracies), ``mistake_cost`` (``acc_right - acc_wrong``; > 0: skipping the
        preprocessing costs accuracy), ``demo_backbone`` and ``weights_note``."""
        seen = self.ranges.groupby("way")["first conv sees max"].max()
        acc = self.accuracy["test_accuracy"]
        return {"seen_max_right": float(seen["preprocessed"]),
                "seen_max_wrong": float(seen["unpreprocessed"]),
                "acc_right": float(acc["preprocessed"]),
                "acc_wrong": float(acc["unpreprocessed"]),
                "mistake_cost": float(acc["preprocessed"] - acc["unpreprocessed"]),
                "demo_backbone": self.backbone, "weights_note": self.weights_note}


_WAYS = ("preprocessed", "unpreprocessed")


def _raw_pixel_front(pretrained: Pretrained) -> keras.Model:
    """The pretrained conv blocks behind ``Rescaling(1/255)``: like EfficientNet, a
    backbone that expects raw [0, 255] pixels and rescales inside."""
    return keras.Sequential([keras.Input(pretrained.input_shape), keras.layers.Rescaling(1 / 255),
                             pretrained.backbone()], name="raw_pixel_cnn")


def _demo_models(pretrained: Pretrained, num_classes: int, backbone: str,
                 resolved: str | None, note: str) -> tuple[str, dict, dict]:
    """(what is measured, its models by way, every model shown by backbone and way)."""
    shape = pretrained.input_shape
    applications = {way: transfer(shape, num_classes, backbone=backbone, weights=resolved,
                                  preprocess=way == "preprocessed", head=())
                    for way in _WAYS}
    if resolved is not None:
        return note, applications, {backbone: applications}
    label = "our pretrained CNN behind an EfficientNet-style [0, 255] front"
    measured = {way: transfer(shape, num_classes, backbone=_raw_pixel_front(pretrained),
                              head=(), pooling="flatten",
                              preprocess="efficientnetb0" if way == "preprocessed" else False)
                for way in _WAYS}
    return label, measured, {backbone: applications, label: measured}


def _range_rows(shown: Mapping[str, Mapping[str, keras.Model]], sample: np.ndarray
                ) -> pd.DataFrame:
    rows = []
    for name, models in shown.items():
        for way, model in models.items():
            seen = first_conv_input(model, sample)
            rows.append({"backbone": name, "way": way, "input min": float(sample.min()),
                         "input max": float(sample.max()),
                         "first conv sees min": float(seen.min()),
                         "first conv sees max": float(seen.max())})
    return pd.DataFrame(rows)


def _train_heads(measured: Mapping[str, keras.Model], target: Any, sample: np.ndarray,
                 training: Mapping[str, Any]) -> tuple[dict[str, RunResult], pd.DataFrame]:
    """Train each way's new head from the same seed; its accuracies and first-conv maximum."""
    runs, rows = {}, []
    for way, model in measured.items():
        set_seed(training["seed"])
        runs[way] = fit(model, target, name=f"backbone_{way}", **training)
        rows.append({"way": way, **run_accuracies(runs[way]),
                     "first_conv_max": float(first_conv_input(model, sample).max())})
    return runs, pd.DataFrame(rows).set_index("way")


def preprocessing_demo(
    data: Any, pretrained: Pretrained, *, classes: Sequence[int | str],
    backbone: str = "efficientnetb0", weights: str | Path | None = None, epochs: int = 10,
    learning_rate: float = 1e-2, batch_size: int = 32, seed: int = 0, samples: int = 64,
    progress: bool = True,
) -> PreprocessingDemo:
    """Feed a backbone its own preprocessing or none, and measure both ways.

    The ranges show the named ``keras.applications`` backbone (built, not
    trained: what reaches its first conv is arithmetic on the inputs). The
    accuracies need pretrained weights: when the application has them offline
    (``weights="imagenet"`` in the Keras cache, or a file), its frozen features
    get a new head; otherwise the pretrained CNN, behind a front that like
    EfficientNet expects [0, 255] pixels, is measured instead.

    Parameters
    ----------
    data : Dataset
        Images in [0, 1], 3 channels, at least 32 x 32 for the applications.
    pretrained : Pretrained
        From :func:`pretrain`.
    classes : list of int or str
        The classes the new head learns (all their training examples).
    backbone : str, default "efficientnetb0"
        A :data:`~course_utils.models.BACKBONES` name.
    weights : None, "imagenet" or path
        As :func:`~course_utils.models.resolve_backbone_weights` takes it.
    epochs, learning_rate, batch_size, seed, progress : training of the new heads.
    samples : int, default 64
        Test images whose range is shown.

    Returns
    -------
    PreprocessingDemo

    Example
    -------
    >>> from course_utils.data import load_dataset
    >>> from course_utils.lessons.transfer import pretrain
    >>> data = load_dataset("digits", image_size=(32, 32), channels=3, limit=60)
    >>> source = pretrain(data, [0, 1, 2, 3, 4], cnn_options={"blocks": (4,)}, epochs=1,
    ...                   progress=False)
    >>> demo = preprocessing_demo(data, source, classes=[5, 6, 7, 8, 9], epochs=1, samples=4,
    ...                           progress=False)
    >>> out = demo.conclusions
    >>> round(out["seen_max_right"] / out["seen_max_wrong"]), demo.on_application
    (255, False)
    """
    samples = check_int(samples, "samples", "preprocessing_demo", minimum=1)
    resolved, note = resolve_backbone_weights(backbone, weights)
    target = data.subset(classes=list(classes))
    label, measured, shown = _demo_models(pretrained, target.num_classes, backbone, resolved,
                                          note)
    sample = data.x_test[:samples]
    ranges = _range_rows(shown, sample)
    training = {"epochs": epochs, "learning_rate": learning_rate, "batch_size": batch_size,
                "seed": seed, "progress": progress}
    runs, accuracy = _train_heads(measured, target, sample, training)
    return PreprocessingDemo(ranges=ranges, accuracy=accuracy, runs=runs, backbone=label,
                             weights_note=note, on_application=resolved is not None)
