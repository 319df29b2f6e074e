"""Training-step throughput of experiment E's "Model S", with and without XLA.

Model S: Conv16 - MaxPool - Conv32 - MaxPool - Conv64 - MaxPool (3x3 convs,
"same" padding, 2x2 valid pooling) - Flatten (1024) - Dense128 - Dense10
softmax on 32x32x3 inputs: 156,074 parameters, as in the original. Taken from
``course_utils.models.cnn`` when that builder exists and gives that count,
else built here with ``keras.layers``.

Data: scikit-learn's bundled digits (1,797 real 8x8 images, offline), scaled
to [0, 1], resized bilinearly to 32x32 with ``keras.ops.image.resize`` and
repeated to 3 channels; loaded directly so that every backend gets the same
input. SGD lr 0.01 momentum 0.9, sparse categorical cross-entropy, batch 64.

Each variant (``jit_compile=False`` / ``True``) trains a fresh model with
``fit``; a callback notes the time after every step, the first ``--warmup``
steps (tracing, XLA compilation) are left out, and the table gives examples
per second side by side with the ratio, two ways: from the median step time
(steady state) and over the whole timed span (which also counts pauses such as
a retrace at an epoch boundary). Backend-neutral: nothing here imports
TensorFlow, so ``KERAS_BACKEND=jax`` (or ``--backend jax``) runs without it.

Run: ``python benchmarks/bench_train_step.py [--quick] [--backend jax]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MODEL_S_PARAMS = 156_074


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 epochs, 5 warm-up steps")
    parser.add_argument("--backend", choices=("tensorflow", "jax", "torch"), default=None,
                        help="Keras backend (default: KERAS_BACKEND or tensorflow)")
    parser.add_argument("--epochs", type=int, default=6, help="epochs per variant")
    parser.add_argument("--warmup", type=int, default=10, help="steps left out of the timing")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.warmup = 2, 5
    return args


def device_name(backend: str) -> str:
    """The device the backend computes on, in words."""
    if backend == "jax":
        import jax

        return ", ".join(str(d) for d in jax.devices())
    if backend == "torch":
        import torch

        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return ", ".join(g.name for g in gpus) if gpus else "CPU"


def digits_32(batch_size: int):
    """Digits as (n, 32, 32, 3) float32 in [0, 1], n a multiple of batch_size."""
    import keras
    import numpy as np
    from sklearn.datasets import load_digits

    bunch = load_digits()
    n = len(bunch.images) // batch_size * batch_size
    small = (bunch.images[:n, :, :, None] / 16.0).astype("float32")
    big = keras.ops.convert_to_numpy(
        keras.ops.image.resize(small, (32, 32), interpolation="bilinear")
    )
    x = np.repeat(np.clip(big, 0.0, 1.0), 3, axis=-1).astype("float32")
    return x, bunch.target[:n].astype("int32")


def model_s():
    """Model S and where it came from."""
    import keras

    try:
        from course_utils.models import cnn

        model = cnn((32, 32, 3), 10, blocks=(16, 32, 64), padding="same", dense=(128,))
        if model.count_params() == MODEL_S_PARAMS:
            return model, "course_utils.models.cnn"
    except ImportError:  # course_utils not installed: the inline build below
        pass
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(64, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ], name="model_s")
    return model, "inline keras.layers"


def measure(x, y, *, jit_compile: bool, epochs: int, warmup: int, batch_size: int):
    """Examples per second after ``warmup`` steps, and the model's source."""
    import keras

    keras.utils.set_random_seed(0)
    model, source = model_s()
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9),
                  loss="sparse_categorical_crossentropy", jit_compile=jit_compile)
    stamps: list[float] = []

    class StepTimes(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            stamps.append(time.perf_counter())

        def on_train_end(self, logs=None):
            stamps[-1] = time.perf_counter()  # after the final sync of the run

    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0,
              callbacks=[StepTimes()])
    steps = len(stamps) - warmup
    if steps < 2:
        raise SystemExit(f"--warmup {warmup} leaves under 2 timed steps of {len(stamps)}")
    span = steps * batch_size / (stamps[-1] - stamps[warmup - 1])
    step_seconds = [b - a for a, b in zip(stamps[warmup - 1:], stamps[warmup:], strict=False)]
    median = batch_size / statistics.median(step_seconds)
    return median, span, steps, source, model


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.backend:
        os.environ["KERAS_BACKEND"] = args.backend
    import keras

    backend = keras.backend.backend()
    x, y = digits_32(args.batch_size)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU "
          f"core(s); Keras {keras.__version__}, backend {backend}, device {device_name(backend)}")
    print(f"data: sklearn digits {len(x)} examples resized to 32x32x3, batch "
          f"{args.batch_size}, {args.epochs} epochs, first {args.warmup} steps not timed")
    rows = []
    for jit in (False, True):
        median, span, steps, source, model = measure(
            x, y, jit_compile=jit, epochs=args.epochs, warmup=args.warmup,
            batch_size=args.batch_size,
        )
        rows.append((f"jit_compile={jit}", median, span, steps))
    print(f"model: Model S, {model.count_params():,} parameters, from {source}")
    print()
    print(f"{'variant':<18}  {'examples/s median step':>22}  {'ratio':>6}  "
          f"{'examples/s whole span':>21}  {'ratio':>6}  {'timed steps':>11}")
    for name, median, span, steps in rows:
        print(f"{name:<18}  {median:>22,.0f}  {median / rows[0][1]:>5.2f}x  "
              f"{span:>21,.0f}  {span / rows[0][2]:>5.2f}x  {steps:>11}")
    print("ratio = over jit_compile=False; 'whole span' includes any recompilation or "
          "epoch-boundary pause after the warm-up steps, 'median step' does not")
    if backend != "tensorflow" and "tensorflow" in sys.modules:
        print("note: TensorFlow was imported by a library on this backend")


if __name__ == "__main__":
    main()
