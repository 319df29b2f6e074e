"""Training: seeds, optimizers and callbacks, one run, a comparison of variants.

:func:`fit` compiles a model, trains it quietly under one progress bar, and
returns a :class:`RunResult` with a tidy per-epoch history (loss, metrics,
learning rate, seconds), train/val/test metrics of the final (or, with early
stopping, the restored best) model, and each split's predictions computed once.
It takes Keras' own callbacks (``callbacks=[keras.callbacks.EarlyStopping(...)]``)
or builds them from shortcuts (``early_stopping=True``). :func:`run_variants`
repeats that for a dict of variants, each from a fresh model and the same seed,
and returns a :class:`Comparison`. :func:`use_distribution` trains every model
built after it on several devices (``"data_parallel"``).

Modules: :mod:`.optimizers` (seeds, optimizers by name), :mod:`.callbacks`,
:mod:`.fitting` (:func:`fit`), :mod:`.result` (:class:`RunResult`),
:mod:`.variants` (:func:`run_variants`), :mod:`.history` (checkpoints and
histories after a run), :mod:`.distribution` (:func:`use_distribution`).

Examples
--------
>>> from course_utils.data import load_dataset
>>> from course_utils.models import mlp
>>> data = load_dataset("digits", limit=60)
>>> result = fit(mlp(data.input_shape, 10, hidden=(8,)), data, epochs=1, progress=False)
>>> sorted(result.metrics)[:2]
['test_accuracy', 'test_loss']
"""

from .distribution import DISTRIBUTIONS, replica_count, use_distribution
from .fitting import fit
from .history import (
    after_best_epoch,
    history_difference,
    load_model,
    lr_cuts,
    read_history_csv,
    reload_checkpoint,
)
from .optimizers import OPTIMIZERS, get_optimizer, optimizer_variants, set_seed
from .result import RunResult
from .variants import Comparison, run_variants

__all__ = [
    "set_seed",
    "get_optimizer",
    "optimizer_variants",
    "fit",
    "RunResult",
    "run_variants",
    "Comparison",
    "load_model",
    "reload_checkpoint",
    "read_history_csv",
    "history_difference",
    "lr_cuts",
    "after_best_epoch",
    "OPTIMIZERS",
    "use_distribution",
    "replica_count",
    "DISTRIBUTIONS",
]
