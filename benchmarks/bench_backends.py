"""Training-step throughput on the TensorFlow and JAX backends, side by side in one run.

Models, as the notebooks build them (``course_utils.models``):

- the baseline MLP of notebook 01: ``mlp(input_shape, 10)``, Flatten - Dense400
  x 4 - Dense10 softmax (799,210 parameters at 28x28x1);
- "Model S" of notebooks 02/05: ``cnn(input_shape, 10, blocks=(16, 32, 64),
  dense=(128,), padding="same")``, three Conv-MaxPool blocks - Dense128 -
  Dense10 (98,442 parameters at 28x28x1: 3x3 maps after the poolings).

Data: synthetic, Fashion-MNIST shaped (seeded uniform float32 28x28x1 images
in [0, 1], 10 labels; the values do not change the arithmetic), batch 32.
Compiled as :func:`course_utils.train.fit` compiles (SGD lr 0.01, sparse
categorical cross-entropy, accuracy, ``steps_per_execution`` from
``course_utils.train.fitting``), trained with ``model.fit``: one warm-up epoch
(tracing, XLA compilation) is left out, then ``--epochs`` timed epochs; the
table gives examples per second of the median epoch and the ratio JAX over
TensorFlow.

The backend must be chosen before Keras is imported, so each backend runs in
its own subprocess (``sys.executable`` with ``KERAS_BACKEND`` set) that prints
one JSON line; this process only collects and prints.

Run: ``python benchmarks/bench_backends.py [--quick] [--examples N] [--epochs K]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

BACKENDS = ("tensorflow", "jax")
MODELS = ("mlp", "model_s")
BATCH_SIZE = 32
INPUT_SHAPE = (28, 28, 1)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,024 examples, 2 timed epochs")
    parser.add_argument("--examples", type=int, default=4096, help="training examples")
    parser.add_argument("--epochs", type=int, default=4, help="timed epochs per model")
    parser.add_argument("--worker", choices=BACKENDS, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.examples, args.epochs = 1024, 2
    return args


def build(name: str):
    from course_utils.models import cnn, mlp

    if name == "mlp":
        return mlp(INPUT_SHAPE, 10)
    return cnn(INPUT_SHAPE, 10, blocks=(16, 32, 64), dense=(128,), padding="same",
               name="model_s")


def measure(name: str, examples: int, epochs: int) -> dict:
    """Examples per second of the median timed epoch, for one model on this backend."""
    import keras
    import numpy as np

    from course_utils.train.fitting import STEPS_PER_EXECUTION

    rng = np.random.default_rng(0)
    x = rng.random((examples, *INPUT_SHAPE), dtype=np.float32)
    y = rng.integers(0, 10, examples).astype("int32")
    keras.utils.set_random_seed(0)
    model = build(name)
    model.compile(optimizer=keras.optimizers.SGD(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
                  steps_per_execution=STEPS_PER_EXECUTION)
    seconds: list[float] = []

    class EpochTimes(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)

    model.fit(x, y, batch_size=BATCH_SIZE, epochs=epochs + 1, shuffle=True, verbose=0,
              callbacks=[EpochTimes()])
    timed = seconds[1:]
    return {"model": name, "params": int(model.count_params()),
            "examples_per_s": examples / statistics.median(timed),
            "steps_per_s": -(-examples // BATCH_SIZE) / statistics.median(timed),
            "epochs": len(timed)}


def worker(args: argparse.Namespace) -> None:
    import keras

    rows = [measure(name, args.examples, args.epochs) for name in MODELS]
    print(json.dumps({"backend": keras.backend.backend(), "keras": keras.__version__,
                      "rows": rows}))


def run_backend(backend: str, args: argparse.Namespace) -> dict:
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, __file__, "--worker", backend, "--examples", str(args.examples),
         "--epochs", str(args.epochs)], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the {backend} run failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["backend"] != backend:
        raise SystemExit(f"asked for {backend}, the subprocess ran {result['backend']}")
    return result


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return
    results = {backend: run_backend(backend, args) for backend in BACKENDS}
    keras_version = results["tensorflow"]["keras"]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU "
          f"core(s); Keras {keras_version}, each backend in its own process, run one after "
          f"the other")
    print(f"data: synthetic {args.examples} examples of {'x'.join(map(str, INPUT_SHAPE))}, "
          f"batch {BATCH_SIZE}, {args.epochs} timed epochs after one warm-up epoch")
    print()
    print(f"{'model':<10}  {'params':>9}  {'TF examples/s':>13}  {'JAX examples/s':>14}  "
          f"{'TF steps/s':>10}  {'JAX steps/s':>11}  {'JAX/TF':>6}")
    for tf_row, jax_row in zip(results["tensorflow"]["rows"], results["jax"]["rows"],
                               strict=True):
        ratio = jax_row["examples_per_s"] / tf_row["examples_per_s"]
        print(f"{tf_row['model']:<10}  {tf_row['params']:>9,}  {tf_row['examples_per_s']:>13,.0f}"
              f"  {jax_row['examples_per_s']:>14,.0f}  {tf_row['steps_per_s']:>10,.1f}  "
              f"{jax_row['steps_per_s']:>11,.1f}  {ratio:>5.2f}x")
    print("examples/s of the median timed epoch; JAX/TF > 1 means JAX trains faster")


if __name__ == "__main__":
    main()
