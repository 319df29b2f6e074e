"""Input-pipeline throughput: legacy ImageDataGenerator vs tf.data pipelines.

Three pipelines feed the same synthetic images (random uint8 32x32x3, made in
memory; no model, the batches are only pulled) with the same augmentation:

* rotation up to +-18 degrees (``rotation_range=18`` / ``RandomRotation(0.05)``),
* shift up to 10 % of each side (``width/height_shift_range=0.1`` /
  ``RandomTranslation(0.1, 0.1)``),
* horizontal flip with probability 0.5,

all filling with the nearest pixel and scaling to [0, 1] float32.

1. ``ImageDataGenerator.flow`` (tensorflow.keras.preprocessing.image, legacy):
   one image at a time in Python and SciPy.
2. plain tf.data + Keras layers: per-example scaling map, shuffle, batch, a
   ``keras.Sequential`` of the three layers called with ``training=True``, prefetch.
3. course_utils: scaled images cached once, shuffle, batch,
   ``course_utils.augment.make_augmenter`` (seeded, batch-level), prefetch;
   once with the Keras-layer steps ``flip``, ``rotation``, ``translation`` and
   once with the single ``affine`` step (the same three in one resampling, as
   the generator does per image).

Each pipeline runs one warm-up epoch, then ``--epochs`` timed epochs taken in
turn (pipeline 1, 2, 3, 4, 1, 2, ...) so that outside load hits all alike; the
table gives images per second (best and median epoch) and the ratio to the
generator.

Run: ``python benchmarks/bench_input_pipeline.py [--quick] [--cores 2]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

ROTATION_DEGREES = 18.0
SHIFT = 0.1


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 images, 2 timed epochs")
    parser.add_argument("--images", type=int, default=5000, help="number of synthetic images")
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs after one warm-up")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size")
    parser.add_argument("--cores", type=int, default=2, help="CPU cores to run on (affinity)")
    args = parser.parse_args(argv)
    if args.quick:
        args.images, args.epochs = 1000, 2
    return args


def limit_cores(cores: int) -> int:
    """Pin this process to the first ``cores`` CPUs it may use; return the count."""
    if hasattr(os, "sched_setaffinity"):
        allowed = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, allowed[: max(1, cores)])
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def synthetic_images(n: int, seed: int = 0):
    """Random uint8 images (n, 32, 32, 3) with smooth structure, and 10 labels."""
    import numpy as np

    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, size=(n, 8, 8, 3), dtype=np.uint8)
    images = np.repeat(np.repeat(coarse, 4, axis=1), 4, axis=2)
    labels = rng.integers(0, 10, size=n).astype("int64")
    return images, labels


def main(argv=None) -> None:
    args = parse_args(argv)
    cores = limit_cores(args.cores)

    import keras
    import tensorflow as tf

    from course_utils.augment import make_augmenter

    tf.config.threading.set_intra_op_parallelism_threads(cores)
    tf.config.threading.set_inter_op_parallelism_threads(cores)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from tensorflow.keras.preprocessing.image import ImageDataGenerator
    legacy_note = "importable from tensorflow.keras.preprocessing.image"
    if caught:
        legacy_note += f" (warns: {caught[0].category.__name__})"

    x_uint8, y = synthetic_images(args.images)
    n, batch = len(x_uint8), args.batch_size
    print(f"machine: {platform.processor() or platform.machine()}, {cores} CPU core(s) used "
          f"of {os.cpu_count()}, device CPU; TF {tf.__version__}, Keras {keras.__version__}")
    print(f"data: {n} synthetic uint8 images 32x32x3 made in memory, batch {batch}, "
          f"1 warm-up + {args.epochs} timed epoch(s)")
    print(f"augmentation in every pipeline: rotation +-{ROTATION_DEGREES:g} deg, shift "
          f"+-{SHIFT:.0%} of each side, horizontal flip p=0.5, nearest fill, scale to [0, 1]")
    print(f"ImageDataGenerator: {legacy_note}")

    generator = ImageDataGenerator(
        rotation_range=ROTATION_DEGREES, width_shift_range=SHIFT, height_shift_range=SHIFT,
        horizontal_flip=True, fill_mode="nearest", rescale=1 / 255,
    )
    flow = generator.flow(x_uint8, y, batch_size=batch, shuffle=True, seed=0)

    def generator_epoch():
        for _ in range(len(flow)):
            next(flow)

    factor = ROTATION_DEGREES / 360.0
    layers = keras.Sequential([
        keras.layers.RandomFlip("horizontal", seed=0),
        keras.layers.RandomRotation(factor, fill_mode="nearest", seed=1),
        keras.layers.RandomTranslation(SHIFT, SHIFT, fill_mode="nearest", seed=2),
    ])
    plain = (
        tf.data.Dataset.from_tensor_slices((x_uint8, y))
        .map(lambda image, label: (tf.cast(image, tf.float32) / 255.0, label))
        .shuffle(n, seed=0)
        .batch(batch)
        .map(lambda images, labels: (layers(images, training=True), labels),
             num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )

    as_layers = make_augmenter(
        ["flip",
         {"name": "rotation", "factor": factor, "fill_mode": "nearest"},
         {"name": "translation", "factor": SHIFT, "fill_mode": "nearest"}],
        seed=0,
    )
    fused = make_augmenter(
        [{"name": "affine", "rotation": factor, "translation": SHIFT, "flip": True,
          "fill_mode": "nearest"}],
        seed=0,
    )
    cached = tf.data.Dataset.from_tensor_slices((x_uint8.astype("float32") / 255.0, y)).cache()

    def ours(augmenter):
        return (
            cached.shuffle(n, seed=0)
            .batch(batch)
            .map(augmenter, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE)
        )

    def epoch_of(ds):
        def run():
            for _ in ds.as_numpy_iterator():
                pass
        return run

    rows = [
        ("ImageDataGenerator.flow (legacy, per image)", generator_epoch),
        ("tf.data + Keras layers (plain)", epoch_of(plain)),
        ("course_utils, Keras-layer steps", epoch_of(ours(as_layers))),
        ("course_utils, one fused 'affine' step", epoch_of(ours(fused))),
    ]
    seconds = {name: [] for name, _ in rows}
    for _, run in rows:  # warm-up: traces, caches, fills buffers
        run()
    for _ in range(args.epochs):  # interleaved, so load from elsewhere hits all alike
        for name, run in rows:
            start = time.perf_counter()
            run()
            seconds[name].append(time.perf_counter() - start)
    best = {name: n / min(times) for name, times in seconds.items()}
    median = {name: n / statistics.median(times) for name, times in seconds.items()}
    base_best, base_median = best[rows[0][0]], median[rows[0][0]]
    width = max(len(name) for name, _ in rows)
    print()
    print(f"{'pipeline':<{width}}  {'images/s best':>13}  {'ratio':>6}  "
          f"{'images/s median':>15}  {'ratio':>6}")
    for name, _ in rows:
        print(f"{name:<{width}}  {best[name]:>13,.0f}  {best[name] / base_best:>5.1f}x  "
              f"{median[name]:>15,.0f}  {median[name] / base_median:>5.1f}x")
    print("ratio = images/s over the ImageDataGenerator's; best and median over timed epochs")


if __name__ == "__main__":
    main()
