"""Model builders: MLP, CNN, recurrent nets, transfer heads, and parameter counts.

Every builder returns a plain, uncompiled Keras 3 model made with ``import keras``
only, so the same code runs on the TensorFlow, JAX or PyTorch backend;
:func:`course_utils.train.fit` compiles it. Inputs are images in [0, 1] (or
sine values), so no builder adds a ``Rescaling(1/255)`` layer.

The builders can express every model of the original courses, for example

- experiment E's Model S (156,074 parameters)::

      cnn((32, 32, 3), 10, blocks=(16, 32, 64), padding="same", dense=(128,))

- the IP102 CNN (17,452,678 parameters; the second conv of each block is
  ``"valid"``, and only the first conv carries the L1+L2 penalty)::

      cnn((100, 100, 3), 102, blocks=(32, 64), convs_per_block=2,
          padding=("same", "valid"), l1=1e-5, l2=1e-5, regularize="first",
          block_dropout=0.25, dense=(512,), dropout=0.5)

- the sine LSTM (7,457) and GRU (5,745 with Keras' default ``reset_after=True``;
  5,601 with ``reset_after=False``)::

      rnn((1, 1), kind="gru")

:func:`param_table` recomputes every layer's count from its formula, beside
the count Keras reports.

Modules: :mod:`.dense` (:func:`mlp`), :mod:`.conv` (:func:`cnn`),
:mod:`.recurrent` (:func:`rnn`, :func:`forecast`), :mod:`.backbones` (named
backbones, their preprocessing and weights), :mod:`.heads` (:func:`transfer`,
:func:`set_trainable`, :func:`penultimate`), :mod:`.params` (formulas).

Examples
--------
>>> model = cnn((8, 8, 1), 10, blocks=(8,), dense=(16,))
>>> int(param_table(model)["params_keras"].sum()) == model.count_params()
True
"""

from .backbones import BACKBONES, ImagePreprocessing, first_conv_input, resolve_backbone_weights
from .conv import cnn
from .dense import mlp
from .heads import penultimate, set_trainable, transfer
from .params import (
    batchnorm_params,
    conv2d_params,
    dense_params,
    gru_params,
    lstm_params,
    param_table,
    simple_rnn_params,
)
from .recurrent import forecast, rnn

__all__ = [
    "mlp",
    "cnn",
    "rnn",
    "forecast",
    "transfer",
    "set_trainable",
    "penultimate",
    "param_table",
    "dense_params",
    "conv2d_params",
    "lstm_params",
    "gru_params",
    "simple_rnn_params",
    "batchnorm_params",
    "ImagePreprocessing",
    "BACKBONES",
    "resolve_backbone_weights",
    "first_conv_input",
]
