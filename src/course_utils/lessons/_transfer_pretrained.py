"""Serves notebook 09_transfer_learning: the pretrained CNN and the models built on it.

Private part of :mod:`course_utils.lessons.transfer` (import the names from
there): :func:`pretrain` trains a CNN on the source classes, and
:meth:`Pretrained.backbone` hands out fresh copies of its conv blocks, which
:func:`new_head` puts under a new softmax layer and :func:`fine_tuning_copy`
copies for fine-tuning.

Example
-------
>>> from course_utils.data import load_dataset
>>> data = load_dataset("digits", image_size=(16, 16), channels=3, limit=60)
>>> source = pretrain(data, [0, 1, 2, 3, 4], cnn_options={"blocks": (4,), "dense": (8,)},
...                   epochs=1, progress=False)
>>> backbone = source.backbone()
>>> backbone.trainable = False
>>> frozen = new_head(backbone, 5)
>>> tuned = fine_tuning_copy(frozen, source)
>>> tuned is not frozen, trainable_params(tuned) == trainable_params(frozen) == 5 * 256 + 5
(True, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from .._checks import check_int, fail
from ..augment import make_augmenter
from ..models import cnn, transfer
from ..train import RunResult, fit, set_seed

__all__ = [
    "conv_backbone",
    "Pretrained",
    "pretrain",
    "new_head",
    "fine_tuning_copy",
    "trainable_params",
    "run_accuracies",
]


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
        raise fail("model", "conv_backbone", "a model with a Flatten layer after its conv "
                   "blocks (a cnn() model)", model.name, hint="It has no Flatten layer.")
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

        Builds the pretrained CNN anew (drawing initial weights from the global
        seed, as every build does), cuts it at its Flatten and loads the
        pretrained weights. See the module example.
        """
        source_classes = self.result.data.num_classes
        copy = conv_backbone(cnn(self.input_shape, source_classes, **self.cnn_options))
        copy.set_weights(self.weights)
        return copy


def _cnn_options(cnn_options: Mapping[str, Any] | None) -> dict[str, Any]:
    options = dict(cnn_options or {})
    if "output_activation" in options:
        raise fail("cnn_options", "pretrain", "cnn() options without 'output_activation' (the "
                   "runs here train softmax outputs)", options)
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
        See the module example.
    """
    options = _cnn_options(cnn_options)
    source = data.subset(classes=list(classes))
    augmenter = make_augmenter(list(augment), seed=seed) if augment else None
    set_seed(seed)  # before the build: the initial weights come from the seed too
    model = cnn(data.input_shape, source.num_classes, **options)
    result = fit(model, source, name="pretrain", epochs=epochs, batch_size=batch_size, seed=seed,
                 learning_rate=learning_rate, augment=augmenter, progress=progress)
    return Pretrained(result=result, weights=conv_backbone(model).get_weights(),
                      input_shape=tuple(data.input_shape), cnn_options=options)


def new_head(backbone: keras.Model, num_classes: int, *, name: str = "frozen") -> keras.Model:
    """Flatten the backbone's feature map into a new softmax layer.

    The backbone trains or not as its own ``trainable`` says: set
    ``backbone.trainable = False`` first to freeze it.

    Parameters
    ----------
    backbone : keras.Model
        E.g. :meth:`Pretrained.backbone`.
    num_classes : int
        Units of the new output layer.
    name : str, default "frozen"
        Model name.

    Returns
    -------
    keras.Model
        A :func:`~course_utils.models.transfer` model: the backbone (layer 1),
        Flatten and ``Dense(num_classes, activation="softmax")``.

    Example
    -------
    >>> backbone = conv_backbone(cnn((8, 8, 3), 5, blocks=(4,)))
    >>> backbone.trainable = False
    >>> model = new_head(backbone, 3)
    >>> trainable_params(model), model.count_params() - trainable_params(model)
    (195, 112)
    """
    if not isinstance(backbone, keras.Model):
        raise fail("backbone", "new_head", "a keras.Model", type(backbone).__name__)
    num_classes = check_int(num_classes, "num_classes", "new_head", minimum=1)
    return transfer(tuple(backbone.input_shape[1:]), num_classes, backbone=backbone,
                    trainable=backbone.trainable, head=(), pooling="flatten", name=name)


def fine_tuning_copy(model: keras.Model, pretrained: Pretrained) -> keras.Model:
    """A copy of a trained :func:`new_head` model, so fine-tuning leaves the original as it is.

    Parameters
    ----------
    model : keras.Model
        ``new_head(pretrained.backbone(), k)``, usually trained with the backbone frozen.
    pretrained : Pretrained
        Where its backbone came from.

    Returns
    -------
    keras.Model
        The same layers on a fresh copy of the backbone, frozen, with ``model``'s
        weights; unfreeze its top with :func:`~course_utils.models.set_trainable`.

    See the module example.
    """
    backbone = pretrained.backbone()
    backbone.trainable = False
    copy = new_head(backbone, model.output_shape[-1], name=model.name)
    try:
        copy.set_weights(model.get_weights())
    except ValueError as error:
        raise fail("model", "fine_tuning_copy", "a new_head() model on the pretrained backbone",
                   model.name) from error
    return copy


def trainable_params(model: keras.Model) -> int:
    """How many of ``model``'s parameters training changes (its trainable weights' sizes).

    Example
    -------
    >>> trainable_params(cnn((8, 8, 1), 3, blocks=(4,), dense=()))
    235
    """
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))


def run_accuracies(result: RunResult) -> dict[str, float]:
    """Train and validation accuracy as fit measured them, test accuracy from the predictions."""
    return {"train_accuracy": result.metrics["train_accuracy"],
            "val_accuracy": result.metrics.get("val_accuracy", float("nan")),
            "test_accuracy": result.accuracy("test")}
