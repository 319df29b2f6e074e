"""Datasets read straight from the Keras cache, never downloaded: ``"cifar10"``, and the
shared step for datasets that ship an official test set (also used by Fashion-MNIST).

The cache is where ``keras.utils.get_file`` keeps what ``keras.datasets`` fetched:
``$KERAS_HOME/datasets/`` (else ``~/.keras/datasets/``).

Examples
--------
>>> [p.name for p in keras_cache_path("cifar10")]
['cifar-10-batches-py-target_archive']
"""

from __future__ import annotations

import pickle
import tarfile
from pathlib import Path

import numpy as np

from ..errors import DatasetError
from ..paths import keras_home
from ._dataset import Dataset
from ._names import canonical
from ._splits import Request, assemble, cap_indices, train_val_indices
from .transforms import check_channels, resize_images, set_channels

__all__ = ["CIFAR10_CLASSES", "FASHION_MNIST_FILES", "keras_cache_path",
           "load_cifar10", "official_split"]

#: Fashion-MNIST's four original files, in the order ``keras.datasets`` reads them.
FASHION_MNIST_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
_KERAS_FILES = {
    "cifar10": ["cifar-10-batches-py-target_archive"],
    "fashion_mnist": [f"fashion-mnist/{f}" for f in FASHION_MNIST_FILES],
}
# Other forms of the CIFAR-10 cache: Keras 3's extracted folder, tf.keras 2's archive/folder.
_CIFAR_ALTERNATIVES = (
    "cifar-10-batches-py-target/cifar-10-batches-py",
    "cifar-10-batches-py",
    "cifar-10-batches-py.tar.gz",
)
_CIFAR_SOURCE = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz, renamed"
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")




def keras_cache_path(name: str) -> list[Path]:
    """Return where the Keras cache keeps ``"cifar10"`` or ``"fashion_mnist"``.

    Mirrors ``keras.utils.get_file``: :func:`keras_home`, then ``datasets/``.

    Examples
    --------
    >>> keras_cache_path("fashion_mnist")[0].name
    'train-labels-idx1-ubyte.gz'
    """
    key = canonical(name, tuple(_KERAS_FILES), "keras_cache_path")
    return [keras_home() / "datasets" / f for f in _KERAS_FILES[key]]


def official_split(
    name: str,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    request: Request,
    *,
    class_names: tuple[str, ...],
    description: str,
    source: str,
    channels: int | None = None,
    val_split: str = "stratified",
) -> Dataset:
    """The Dataset of a train/test pair of uint8 image arrays: val drawn from train.

    The validation split is ``val_fraction`` of ``train`` (see
    :func:`~course_utils.data._splits.train_val_indices` for ``val_split``);
    ``test`` stays the test split. ``limit`` caps each split (class-balanced,
    seeded); pixels are divided by 255, then resized and converted as asked.
    """
    (x_tr, y_tr), (x_te, y_te) = train, test
    y_tr, y_te = y_tr.reshape(-1).astype(np.int64), y_te.reshape(-1).astype(np.int64)
    rows = train_val_indices(y_tr, request, val_split=val_split)
    test_rows = cap_indices(np.arange(len(y_te)), y_te, request.limit, request.seed)

    def prepare(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        x = x[rows].astype(np.float32) / 255.0
        if x.ndim == 3:
            x = x[..., None]
        return set_channels(resize_images(x, request.image_size),
                            grayscale=request.grayscale, channels=channels)

    arrays = {s: (prepare(x_tr, r), y_tr[r]) for s, r in rows.items()}
    arrays["test"] = (prepare(x_te, test_rows), y_te[test_rows])
    return assemble(name, arrays, class_names=class_names, description=description,
                    source=source)


def _read_cifar10(source: Path):
    def unpack(raw: bytes):
        batch = pickle.loads(raw, encoding="bytes")  # the official archive: Python pickles
        x = np.asarray(batch[b"data"], np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return x, np.asarray(batch[b"labels"])

    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    if source.is_dir():
        parts = [unpack((source / n).read_bytes()) for n in names]
    else:
        with tarfile.open(source) as archive:
            members = {Path(m.name).name: m for m in archive.getmembers() if m.isfile()}
            parts = [unpack(archive.extractfile(members[n]).read()) for n in names]
    x_tr = np.concatenate([p[0] for p in parts[:5]])
    y_tr = np.concatenate([p[1] for p in parts[:5]])
    return (x_tr, y_tr), parts[5]


def _find_cifar10() -> Path:
    expected = keras_cache_path("cifar10")[0]
    found = [c for c in (expected, *(expected.parent / a for a in _CIFAR_ALTERNATIVES))
             if c.exists()]
    if not found:
        raise DatasetError(
            f"'cifar10' is not in the Keras cache and course_utils never downloads. "
            f"Put the file(s) at: {expected} (from {_CIFAR_SOURCE}), "
            "or set KERAS_HOME to a folder whose datasets/ holds them."
        )
    return found[0]


def load_cifar10(request: Request, *, channels: int | None = None) -> Dataset:
    """CIFAR-10 from the Keras cache: 50,000 train (val drawn from them) and 10,000 test.

    ``channels=1`` (or ``grayscale=True``) gives luminance; ``channels=3`` is the
    files' own RGB.
    """
    channels = check_channels(channels, allow_none=True)
    source = _find_cifar10()
    try:
        train, test = _read_cifar10(source)
    except Exception as error:
        raise DatasetError(
            f"Could not read 'cifar10' from the Keras cache at {source}: {error}; expected "
            f"the archive from {_CIFAR_SOURCE}."
        ) from error
    return official_split(
        "cifar10", train, test, request, class_names=CIFAR10_CLASSES, channels=channels,
        source=str(source),
        description="cifar10: the Keras-packaged archive read from the Keras cache, "
        "pixels/255; val split seeded from the official train set, official test set",
    )
