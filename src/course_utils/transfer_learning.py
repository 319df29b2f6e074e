"""Transfer learning experiments: pretrain a CNN, reuse it with few labels, check preprocessing.

Notebook 09 pretrains a :func:`course_utils.models.cnn` on some classes
(:func:`pretrain`), then learns the other classes from a few labels per class
three ways, at several label budgets and over a few seeds
(:func:`label_budget_runs`):

- ``scratch``: the same CNN, randomly initialised;
- ``frozen``: the pretrained conv blocks frozen under a new softmax layer;
- ``fine_tuned``: the frozen model, then its backbone unfrozen and trained on
  with a small learning rate.

:func:`preprocessing_demo` shows what the first convolution of a backbone
sees with and without its own preprocessing, and what that costs in accuracy.

Example
-------
>>> data = load_dataset("digits", image_size=(32, 32), channels=3)  # doctest: +SKIP
>>> source = pretrain(data, [0, 1, 2, 3, 4], epochs=40)  # doctest: +SKIP
>>> budget = label_budget_runs(data, source, classes=[5, 6, 7, 8, 9],
...                            labels_per_class=[1, 5])  # doctest: +SKIP
>>> budget.summary  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd

from .errors import ParameterError
from .models import cnn, first_conv_input, resolve_backbone_weights, set_trainable, transfer
from .train import RunResult, fit, set_seed

__all__ = [
    "METHODS",
    "conv_backbone",
    "Pretrained",
    "pretrain",
    "BudgetRuns",
    "label_budget_runs",
    "PreprocessingDemo",
    "preprocessing_demo",
]

METHODS = ("scratch", "frozen", "fine_tuned")


def conv_backbone(model: keras.Model) -> keras.Model:
    """The conv blocks of a :func:`~course_utils.models.cnn` model, up to its Flatten.

    Parameters
    ----------
    model : keras.Model
        A built model with a ``Flatten`` layer after its conv blocks.

    Returns
    -------
    keras.Model
        Maps the inputs to the feature map the Flatten receives, e.g.
        ``(None, 4, 4, 128)``; shares its layers (and weights) with ``model``.

    Example
    -------
    >>> conv_backbone(cnn((32, 32, 3), 5, blocks=(8, 16))).output_shape
    (None, 8, 8, 16)
    """
    flatten = [layer for layer in model.layers if isinstance(layer, keras.layers.Flatten)]
    if not flatten:
        raise ParameterError(f"The 'model' parameter of conv_backbone must have a Flatten layer "
                             f"after its conv blocks (a cnn() model). Got {model.name!r}, "
                             "which has none.")
    return keras.Model(model.inputs, flatten[0].input, name=f"{model.name}_backbone")


@dataclass(frozen=True, eq=False)
class Pretrained:
    """A CNN trained on the source classes, and the weights of its conv blocks.

    Attributes
    ----------
    result : RunResult
        The pretraining run (on the source classes' splits).
    weights : list of numpy.ndarray
        The conv blocks' weights, as ``conv_backbone(model).get_weights()``.
    input_shape : tuple of int
        Shape of one image.
    cnn_options : dict
        The :func:`~course_utils.models.cnn` options it was built with.
    """

    result: RunResult
    weights: list[np.ndarray] = field(repr=False)
    input_shape: tuple[int, ...]
    cnn_options: dict[str, Any]

    def backbone(self) -> keras.Model:
        """A fresh copy of the pretrained conv blocks (no run shares another's weights).

        Example
        -------
        >>> frozen = transfer(shape, 5, backbone=source.backbone(), head=())  # doctest: +SKIP
        """
        source_classes = self.result.data.num_classes
        copy = conv_backbone(cnn(self.input_shape, source_classes, **self.cnn_options))
        copy.set_weights(self.weights)
        return copy


def _cnn_options(cnn_options: Mapping[str, Any] | None) -> dict[str, Any]:
    options = dict(cnn_options or {})
    if "output_activation" in options:
        raise ParameterError("The 'cnn_options' parameter must not set 'output_activation': the "
                             "runs here train softmax outputs. Got "
                             f"{options['output_activation']!r}.")
    return {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}


def pretrain(data: Any, classes: Sequence[int | str], *,
             cnn_options: Mapping[str, Any] | None = None,
             augment: Sequence[str | Mapping[str, Any]] | None = None, epochs: int = 40,
             batch_size: int = 32, seed: int = 0, learning_rate: float = 1e-3,
             progress: bool = True) -> Pretrained:
    """Train a CNN on the source classes (all their training examples).

    Parameters
    ----------
    data : Dataset
        An image classification dataset.
    classes : list of int or str
        The source classes.
    cnn_options : dict, optional
        Options of :func:`~course_utils.models.cnn`, e.g. ``{"blocks": (32, 64, 128)}``.
    augment : list, optional
        A :func:`~course_utils.augment.make_augmenter` spec used while
        pretraining, e.g. ``[{"name": "affine", "translation": 0.1}]``:
        features that must survive shifts and noise carry over better.
    epochs, batch_size, seed : int, default 40, 32, 0
    learning_rate : float, default 0.001
    progress : bool, default True

    Returns
    -------
    Pretrained

    Example
    -------
    >>> source = pretrain(data, [0, 1, 2, 3, 4], augment=["noise"])  # doctest: +SKIP
    """
    options = _cnn_options(cnn_options)
    source = data.subset(classes=list(classes))
    augmenter = None
    if augment:
        from .augment import make_augmenter

        augmenter = make_augmenter(list(augment), seed=seed)
    set_seed(seed)  # before the build: the initial weights come from the seed too
    model = cnn(data.input_shape, source.num_classes, **options)
    result = fit(model, source, name="pretrain", epochs=epochs, batch_size=batch_size, seed=seed,
                 learning_rate=learning_rate, augment=augmenter, progress=progress)
    return Pretrained(result=result, weights=conv_backbone(model).get_weights(),
                      input_shape=tuple(data.input_shape), cnn_options=options)


def _frozen_model(pretrained: Pretrained, num_classes: int) -> keras.Model:
    return transfer(pretrained.input_shape, num_classes, backbone=pretrained.backbone(),
                    head=(), pooling="flatten", name="frozen")


def _accuracy(result: RunResult) -> float:
    return float((result.predict("test").argmax(axis=1) == result.data.y_test).mean())


@dataclass(eq=False)
class BudgetRuns:
    """Every run of :func:`label_budget_runs`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per method, budget and repeat: ``method``,
        ``labels_per_class``, ``repeat``, ``train_examples``,
        ``train_accuracy``, ``val_accuracy``, ``test_accuracy`` (recomputed
        from the test predictions), ``seconds``.
    runs : dict of str to list of RunResult
        ``"<method>_n<labels_per_class>"`` to its runs, one per repeat.
    """

    table: pd.DataFrame
    runs: dict[str, list[RunResult]]

    @property
    def summary(self) -> pd.DataFrame:
        """Mean test accuracy over the repeats: one row per budget, one column per method."""
        means = self.table.pivot_table(index="labels_per_class", columns="method",
                                       values="test_accuracy", aggfunc="mean")
        return means[[m for m in METHODS if m in means.columns]]

    def experiments(self) -> dict[str, tuple[list[RunResult], int]]:
        """Record names to (runs, labels per class).

        Each ``<method>_n<budget>``, plus the plain method names for the
        smallest budget (``scratch``, ``frozen``, ``fine_tuned``).

        Example
        -------
        >>> for name, (runs, n) in budget.experiments().items():  # doctest: +SKIP
        ...     record.add_runs(runs, experiment=name, metrics={"labels_per_class": n})
        """
        smallest = int(self.table["labels_per_class"].min())
        named = {}
        for method in METHODS:
            for n in sorted(self.table["labels_per_class"].unique()):
                named[f"{method}_n{n}"] = (self.runs[f"{method}_n{n}"], int(n))
        for method in METHODS:
            named[method] = (self.runs[f"{method}_n{smallest}"], smallest)
        return named

    def conclusions(self) -> dict[str, Any]:
        """The numbers and words the notebook states, computed from :attr:`summary`.

        Returns
        -------
        dict
            ``smallest_budget``, ``largest_budget``, ``scratch_small`` (scratch
            accuracy at the smallest budget), ``best_transfer`` (``frozen`` or
            ``fine_tuned``, the better there), ``best_transfer_small``,
            ``transfer_gain`` (best transfer minus scratch there),
            ``transfer_word`` (``"helped"``/``"did not help"``),
            ``budgets_helped`` (how many budgets transfer beat scratch at),
            ``budgets`` (how many there are), ``peak_gain`` and
            ``peak_gain_budget``, ``large_gain`` (the gain at the largest
            budget), ``large_winner`` (the best method there) and ``gain_trend``
            (``"shrinks"`` when the gain at the largest budget is below the peak,
            else ``"does not shrink"``).
        """
        summary = self.summary
        transfer_cols = [m for m in ("frozen", "fine_tuned") if m in summary]
        best = summary[transfer_cols].max(axis=1)
        gains = best - summary["scratch"]
        small, large = summary.index.min(), summary.index.max()
        best_small = summary.loc[small, transfer_cols].idxmax()
        return {
            "smallest_budget": int(small), "largest_budget": int(large),
            "scratch_small": float(summary.loc[small, "scratch"]),
            "best_transfer": str(best_small),
            "best_transfer_small": float(summary.loc[small, best_small]),
            "transfer_gain": float(gains[small]),
            "transfer_word": "helped" if gains[small] > 0 else "did not help",
            "budgets_helped": int((gains > 0).sum()), "budgets": len(gains),
            "peak_gain": float(gains.max()), "peak_gain_budget": int(gains.idxmax()),
            "large_gain": float(gains[large]),
            "large_winner": str(summary.loc[large].idxmax()),
            "gain_trend": "shrinks" if gains[large] < gains.max() else "does not shrink",
        }


def label_budget_runs(
    data: Any, pretrained: Pretrained, *, classes: Sequence[int | str],
    labels_per_class: Sequence[int], repeats: int = 1, epochs: int = 25,
    learning_rate: float = 1e-3, head_learning_rate: float = 1e-2,
    fine_tune_epochs: int = 10, fine_tune_learning_rate: float = 1e-4,
    fine_tune_top: int | None = None, batch_size: int = 32, seed: int = 0,
    progress: bool = True,
) -> BudgetRuns:
    """Learn the target classes from scratch, frozen and fine-tuned, at each label budget.

    For every budget ``n`` and repeat ``r`` the training set is ``n`` seeded
    examples per target class (seed ``seed + r``; validation and test keep
    every example), and the three methods train on it from the same seed:

    - ``scratch``: ``cnn(..., **pretrained.cnn_options)``, ``epochs`` at ``learning_rate``;
    - ``frozen``: a fresh copy of the pretrained conv blocks, frozen, Flatten and
      a new softmax layer, ``epochs`` at ``head_learning_rate``;
    - ``fine_tuned``: a copy of that trained frozen model with the top
      ``fine_tune_top`` backbone layers unfrozen (``None``: all), trained
      ``fine_tune_epochs`` more at ``fine_tune_learning_rate``. The frozen run
      keeps its own model, so its predictions stay those of the frozen model.

    Parameters
    ----------
    data : Dataset
    pretrained : Pretrained
        From :func:`pretrain`.
    classes : list of int or str
        The target classes.
    labels_per_class : list of int
        The budgets, e.g. ``[1, 2, 5, 10, 25]``.
    repeats : int, default 1
        Draws of the labelled examples (and initial weights) per budget; the
        tiny budgets vary a lot with which examples were drawn.
    epochs, learning_rate, head_learning_rate : see above
    fine_tune_epochs, fine_tune_learning_rate, fine_tune_top : see above
    batch_size, seed : int
    progress : bool, default True

    Returns
    -------
    BudgetRuns

    Example
    -------
    >>> budget = label_budget_runs(data, source, classes=[5, 6, 7, 8, 9],
    ...                            labels_per_class=[1, 5], repeats=3)  # doctest: +SKIP
    """
    budgets = list(labels_per_class)
    if not budgets or any(isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1
                          for n in budgets) or len(set(budgets)) != len(budgets):
        raise ParameterError("The 'labels_per_class' parameter of label_budget_runs must be a "
                             "non-empty list of distinct ints >= 1, e.g. [1, 5, 25]. Got "
                             f"{labels_per_class!r} instead.")
    if isinstance(repeats, bool) or not isinstance(repeats, int | np.integer) or repeats < 1:
        raise ParameterError(f"The 'repeats' parameter of label_budget_runs must be an int >= 1. "
                             f"Got {repeats!r} instead.")
    common = {"batch_size": batch_size, "progress": progress}
    rows, runs = [], {}
    for n in budgets:
        for repeat in range(int(repeats)):
            run_seed = seed + repeat
            target = data.subset(classes=list(classes), per_class=int(n), seed=run_seed)
            set_seed(run_seed)
            scratch = fit(cnn(data.input_shape, target.num_classes, **pretrained.cnn_options),
                          target, name=f"scratch_n{n}", epochs=epochs,
                          learning_rate=learning_rate, seed=run_seed, **common)
            set_seed(run_seed)
            frozen = fit(_frozen_model(pretrained, target.num_classes), target,
                         name=f"frozen_n{n}", epochs=epochs, learning_rate=head_learning_rate,
                         seed=run_seed, **common)
            tuned_model = _frozen_model(pretrained, target.num_classes)
            tuned_model.set_weights(frozen.model.get_weights())
            set_trainable(tuned_model, top=fine_tune_top)
            tuned = fit(tuned_model, target, name=f"fine_tuned_n{n}", epochs=fine_tune_epochs,
                        learning_rate=fine_tune_learning_rate, seed=run_seed, **common)
            for method, result in zip(METHODS, (scratch, frozen, tuned), strict=True):
                runs.setdefault(f"{method}_n{n}", []).append(result)
                rows.append({"method": method, "labels_per_class": int(n), "repeat": repeat,
                             "train_examples": len(target.y_train),
                             "train_accuracy": result.metrics["train_accuracy"],
                             "val_accuracy": result.metrics.get("val_accuracy", float("nan")),
                             "test_accuracy": _accuracy(result),
                             "seconds": result.wall_seconds})
    return BudgetRuns(table=pd.DataFrame(rows), runs=runs)


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
        conv, with and without preprocessing), ``acc_right``/``acc_wrong`` and
        ``mistake_word`` (``"costs"`` or ``"does not cost"``)."""
        seen = self.ranges.groupby("way")["first conv sees max"].max()
        acc = self.accuracy["test_accuracy"]
        costs = acc["preprocessed"] > acc["unpreprocessed"]
        return {"seen_max_right": float(seen["preprocessed"]),
                "seen_max_wrong": float(seen["unpreprocessed"]),
                "acc_right": float(acc["preprocessed"]),
                "acc_wrong": float(acc["unpreprocessed"]),
                "mistake_word": "costs" if costs else "does not cost",
                "demo_backbone": self.backbone, "weights_note": self.weights_note}


_WAYS = ("preprocessed", "unpreprocessed")


def _raw_pixel_front(pretrained: Pretrained) -> keras.Model:
    """The pretrained conv blocks behind ``Rescaling(1/255)``: like EfficientNet, a
    backbone that expects raw [0, 255] pixels and rescales inside."""
    return keras.Sequential([keras.Input(pretrained.input_shape), keras.layers.Rescaling(1 / 255),
                             pretrained.backbone()], name="raw_pixel_cnn")


def preprocessing_demo(
    data: Any, pretrained: Pretrained, *, classes: Sequence[int | str],
    backbone: str = "efficientnetb0", weights: str | Path | None = None, epochs: int = 10,
    learning_rate: float = 1e-2, batch_size: int = 32, seed: int = 0, samples: int = 64,
    progress: bool = True,
) -> PreprocessingDemo:
    """Feed a backbone its own preprocessing or none, and measure both ways.

    The ranges table always shows the named ``keras.applications`` backbone
    (built, not trained: what reaches its first conv is arithmetic on the
    inputs). The accuracies need pretrained weights: when the application has
    them offline (``weights="imagenet"`` in the Keras cache, or a file), its
    frozen features get a new head; otherwise the pretrained CNN is put behind
    a front that, like EfficientNet, expects [0, 255] pixels, and that is
    measured instead (a random application would show nothing).

    Parameters
    ----------
    data : Dataset
        Images in [0, 1], 3 channels.
    pretrained : Pretrained
        From :func:`pretrain`.
    classes : list of int or str
        The classes the new head learns (all their training examples).
    backbone : str, default "efficientnetb0"
        A :data:`~course_utils.models.BACKBONES` name.
    weights : None, "imagenet" or path
        As :func:`~course_utils.models.resolve_backbone_weights` takes it.
    epochs, learning_rate, batch_size, seed : training of the new heads.
    samples : int, default 64
        Test images whose range is shown.
    progress : bool, default True

    Returns
    -------
    PreprocessingDemo

    Example
    -------
    >>> demo = preprocessing_demo(data, source, classes=[5, 6, 7, 8, 9])  # doctest: +SKIP
    >>> demo.accuracy["test_accuracy"]  # doctest: +SKIP
    """
    resolved, note = resolve_backbone_weights(backbone, weights)
    target = data.subset(classes=list(classes))
    applications = {way: transfer(data.input_shape, target.num_classes, backbone=backbone,
                                  weights=resolved, preprocess=way == "preprocessed", head=())
                    for way in _WAYS}
    if resolved is None:
        label = "our pretrained CNN behind an EfficientNet-style [0, 255] front"
        measured = {way: transfer(data.input_shape, target.num_classes,
                                  backbone=_raw_pixel_front(pretrained), head=(),
                                  preprocess="efficientnetb0" if way == "preprocessed" else False,
                                  pooling="flatten")
                    for way in _WAYS}
        shown = {backbone: applications, label: measured}
    else:
        label, measured = note, applications
        shown = {backbone: applications}
    sample = data.x_test[:samples]
    rows = []
    for name, models in shown.items():
        for way, model in models.items():
            seen = first_conv_input(model, sample)
            rows.append({"backbone": name, "way": way, "input min": float(sample.min()),
                         "input max": float(sample.max()),
                         "first conv sees min": float(seen.min()),
                         "first conv sees max": float(seen.max())})
    runs, accuracy = {}, []
    for way, model in measured.items():
        set_seed(seed)
        result = fit(model, target, name=f"backbone_{way}", epochs=epochs, batch_size=batch_size,
                     seed=seed, learning_rate=learning_rate, progress=progress)
        runs[way] = result
        accuracy.append({"way": way, "train_accuracy": result.metrics["train_accuracy"],
                         "val_accuracy": result.metrics.get("val_accuracy", float("nan")),
                         "test_accuracy": _accuracy(result),
                         "first_conv_max": float(first_conv_input(model, sample).max())})
    return PreprocessingDemo(ranges=pd.DataFrame(rows),
                             accuracy=pd.DataFrame(accuracy).set_index("way"), runs=runs,
                             backbone=label, weights_note=note,
                             on_application=resolved is not None)
