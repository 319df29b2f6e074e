"""Datasets for the lab book: one loader, one small frozen container.

``load_dataset(name, ...)`` returns a :class:`Dataset` holding the train,
validation and test splits as NumPy arrays, the class names, the input shape,
per-example attributes (age, gender, race, ...) and a one-line description of
where the data came from.

Embedded and always available offline: ``"digits"`` (scikit-learn's bundled
handwritten digits) and ``"sine"`` (synthetic). On disk, when you have them:
``"image_folder"``, ``"utkface"``, ``"fairface"``, ``"ip102"`` (see
:mod:`course_utils._image_files`), and ``"cifar10"`` / ``"fashion_mnist"`` when
their archives are already in the Keras cache (nothing is ever downloaded).

Example
-------
>>> data = load_dataset("digits", image_size=(16, 16), seed=0)  # doctest: +SKIP
>>> data.x_train.shape[1:], data.num_classes  # doctest: +SKIP
((16, 16, 1), 10)
"""

from __future__ import annotations

import gzip
import inspect
import math
import os
import pickle
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _image_files as files
from ._splits import Request, assemble, cap_indices, split_indices
from .errors import DatasetError

__all__ = ["Dataset", "load_dataset", "dataset_names", "keras_cache_path", "class_groups",
           "DEFAULT_GROUPS"]

SPLITS = ("train", "val", "test")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train, validation and test splits of one dataset, with what describes them.

    Attributes
    ----------
    name : str
        Canonical dataset name (``"digits"``, ``"utkface"``, ...).
    x_train, x_val, x_test : np.ndarray
        float32 inputs. Images are ``(n, height, width, channels)`` in [0, 1];
        ``sine`` is ``(n, 1)`` or ``(n, timesteps, 1)``.
    y_train, y_val, y_test : np.ndarray
        int64 class indices (classification) or float32 targets (regression),
        shape ``(n,)``.
    class_names : tuple of str
        Name of each class index; ``()`` for regression.
    input_shape : tuple of int
        ``x_train.shape[1:]``.
    attributes : dict of str to pandas.DataFrame
        Split name to one row per example (for example ``age``, ``gender``,
        ``race``, ``file``; ``x`` for ``sine``); ``{}`` when there are none.
    description : str
        One line saying where the data came from ("synthetic" when it is).
    task : str
        ``"classification"`` or ``"regression"``.

    Examples
    --------
    >>> data = load_dataset("digits")  # doctest: +SKIP
    >>> x, y = data.split("val")  # doctest: +SKIP
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    input_shape: tuple[int, ...]
    attributes: dict[str, pd.DataFrame] = field(default_factory=dict)
    description: str = ""
    task: str = "classification"

    @property
    def num_classes(self) -> int:
        """Number of classes (0 for regression)."""
        return len(self.class_names)

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(x, y)`` of the split ``"train"``, ``"val"`` or ``"test"``."""
        if name not in SPLITS:
            raise DatasetError(
                f"The 'split' parameter must be one of {SPLITS}. Got {name!r} instead."
            )
        return getattr(self, f"x_{name}"), getattr(self, f"y_{name}")

    def tf_dataset(
        self,
        split: str,
        *,
        batch_size: int = 32,
        shuffle: bool | None = None,
        seed: int = 0,
        augment: Callable[[Any], Any] | None = None,
        one_hot: bool = False,
    ):
        """Return the split as a batched ``tf.data.Dataset`` of ``(x, y)``.

        The pipeline is: from_tensor_slices, cache, shuffle (seeded, reshuffled
        each epoch; on by default for ``"train"`` only), batch, ``augment``
        (a callable taking and returning a float image batch, run with
        ``num_parallel_calls=AUTOTUNE``), prefetch.

        Parameters
        ----------
        split : {"train", "val", "test"}
        batch_size : int, default 32
        shuffle : bool or None, default None
            None shuffles the train split only.
        seed : int, default 0
            Seed of the shuffle.
        augment : callable or None
            Batch-level augmentation, for example from
            ``course_utils.augment.make_augmenter``.
        one_hot : bool, default False
            Give ``y`` as one-hot float32 rows (classification only).

        Examples
        --------
        >>> ds = load_dataset("digits").tf_dataset("train", batch_size=64)  # doctest: +SKIP
        """
        import tensorflow as tf

        x, y = self.split(split)
        if not isinstance(batch_size, int | np.integer) or batch_size < 1:
            raise DatasetError(
                f"The 'batch_size' parameter must be a positive int. Got {batch_size!r} instead."
            )
        if one_hot:
            if self.task != "classification":
                raise DatasetError(
                    f"one_hot=True needs a classification dataset; {self.name!r} is a "
                    f"{self.task} dataset."
                )
            y = np.eye(self.num_classes, dtype=np.float32)[y]
        ds = tf.data.Dataset.from_tensor_slices((x, y)).cache()
        if (split == "train") if shuffle is None else shuffle:
            ds = ds.shuffle(max(len(x), 1), seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size)
        if augment is not None:
            ds = ds.map(
                lambda images, labels: (augment(images), labels),
                num_parallel_calls=tf.data.AUTOTUNE,
            )
        return ds.prefetch(tf.data.AUTOTUNE)

    def subset(
        self,
        *,
        classes: list[int | str] | None = None,
        per_class: int | None = None,
        seed: int = 0,
    ) -> Dataset:
        """Keep some classes (relabelled 0..k-1 in the order given) and cap train per class.

        Parameters
        ----------
        classes : list of int or str, optional
            Class indices or names to keep; None keeps all.
        per_class : int, optional
            Keep at most this many training examples per class (seeded choice);
            validation and test keep every example of the kept classes.
        seed : int, default 0

        Examples
        --------
        >>> digits = load_dataset("digits")  # doctest: +SKIP
        >>> first = digits.subset(classes=[0, 1, 2, 3, 4])  # doctest: +SKIP
        >>> few = digits.subset(classes=[5, 6, 7, 8, 9], per_class=10)  # doctest: +SKIP
        """
        self._need_classes("subset")
        keep = list(range(self.num_classes)) if classes is None else classes
        indices = [self._class_index(c) for c in keep]
        if len(set(indices)) != len(indices):
            raise DatasetError(f"The 'classes' parameter lists a class twice. Got {classes!r}.")
        lookup = np.full(self.num_classes, -1, dtype=np.int64)
        lookup[indices] = np.arange(len(indices))
        parts: dict[str, Any] = {}
        attributes = {}
        for name in SPLITS:
            x, y = self.split(name)
            rows = np.flatnonzero(lookup[y] >= 0)
            if name == "train" and per_class is not None:
                if per_class < 1:
                    raise DatasetError(
                        f"The 'per_class' parameter must be a positive int. Got {per_class!r}."
                    )
                rng = np.random.default_rng(seed)
                rows = np.sort(
                    np.concatenate(
                        [
                            rng.permutation(rows[y[rows] == c])[:per_class]
                            for c in indices
                        ]
                    )
                ).astype(np.int64)
            parts[f"x_{name}"] = x[rows]
            parts[f"y_{name}"] = lookup[y[rows]]
            if name in self.attributes:
                attributes[name] = self.attributes[name].iloc[rows].reset_index(drop=True)
        names = tuple(self.class_names[i] for i in indices)
        note = f"; subset of classes {list(names)}"
        if per_class is not None:
            note += f", at most {per_class} train examples per class"
        return replace(
            self, **parts, class_names=names, attributes=attributes,
            description=self.description + note,
        )

    def relabel(self, mapping: dict[int, int], class_names: tuple[str, ...] | list[str]) -> Dataset:
        """Regroup classes into new ones, for example Fashion-MNIST into top/bottom/accessory.

        Parameters
        ----------
        mapping : dict of int to int
            Old class index to new class index; every old class must appear.
        class_names : sequence of str
            Name of each new class index.

        Examples
        --------
        >>> groups = {0: 0, 2: 0, 3: 0, 4: 0, 6: 0, 1: 1, 5: 1, 7: 1, 9: 1, 8: 2}
        >>> data.relabel(groups, ["top", "bottom", "accessory"])  # doctest: +SKIP
        """
        self._need_classes("relabel")
        names = tuple(str(n) for n in class_names)
        missing = sorted(set(range(self.num_classes)) - set(mapping))
        if missing:
            raise DatasetError(
                f"The 'mapping' parameter must give a new class for every class; "
                f"classes {missing} ({[self.class_names[i] for i in missing]}) are missing."
            )
        bad = {k: v for k, v in mapping.items() if not 0 <= int(v) < len(names)}
        if bad:
            raise DatasetError(
                f"The 'mapping' parameter must map to indices 0..{len(names) - 1} of "
                f"class_names {names}. Got {bad} instead."
            )
        unknown = sorted(set(mapping) - set(range(self.num_classes)))
        if unknown:
            raise DatasetError(
                f"The 'mapping' parameter names classes {unknown} that {self.name!r} does not "
                f"have (it has 0..{self.num_classes - 1})."
            )
        lookup = np.array([int(mapping[i]) for i in range(self.num_classes)], dtype=np.int64)
        ys = {f"y_{s}": lookup[self.split(s)[1]] for s in SPLITS}
        return replace(
            self, **ys, class_names=names,
            description=self.description + f"; regrouped into {list(names)}",
        )

    def _need_classes(self, method: str) -> None:
        if self.task != "classification":
            raise DatasetError(f"Dataset.{method} needs a classification dataset; "
                               f"{self.name!r} is a {self.task} dataset.")

    def _class_index(self, value: int | str) -> int:
        if isinstance(value, str):
            if value not in self.class_names:
                raise DatasetError(
                    f"Unknown class {value!r} for {self.name!r}; expected one of "
                    f"{self.class_names}."
                )
            return self.class_names.index(value)
        if not 0 <= int(value) < self.num_classes:
            raise DatasetError(
                f"Unknown class {value!r} for {self.name!r}; expected 0..{self.num_classes - 1} "
                f"or a name in {self.class_names}."
            )
        return int(value)


# --------------------------------------------------------------------------- embedded data


def _load_digits(request: Request, *, channels: int = 1) -> Dataset:
    from sklearn.datasets import load_digits

    _check_channels(channels)
    bunch = load_digits()
    images = (bunch.images / 16.0).astype(np.float32)[..., None]
    labels = bunch.target.astype(np.int64)
    parts = split_indices(labels, request, stratify=True)
    size = request.image_size

    def prepare(rows: np.ndarray) -> np.ndarray:
        x = images[rows]
        if size is not None and tuple(size) != x.shape[1:3]:
            x = resize_images(x, size)
        return np.repeat(x, 3, axis=-1) if channels == 3 else x

    shape = f"{size[0]}x{size[1]}" if size else "8x8"
    return assemble(
        "digits",
        {s: (prepare(r), labels[r]) for s, r in parts.items()},
        class_names=tuple(str(d) for d in range(10)),
        description=(
            "digits: scikit-learn's bundled handwritten digits (1,797 real 8x8 images, "
            f"UCI), pixels/16, {shape}, {channels} channel(s)"
        ),
    )


def _load_sine(
    request: Request,
    *,
    n_points: int = 1000,
    noise: float = 0.0,
    timesteps: int | None = None,
    x_range: tuple[float, float] = (-math.pi, math.pi),
) -> Dataset:
    if not isinstance(n_points, int | np.integer) or n_points < 2:
        raise DatasetError(f"The 'n_points' option must be an int >= 2. Got {n_points!r}.")
    if timesteps is not None and not 1 <= timesteps < n_points:
        raise DatasetError(
            f"The 'timesteps' option must be None or an int in 1..{n_points - 1}. "
            f"Got {timesteps!r} instead."
        )
    rng = np.random.default_rng(request.seed)
    x = np.linspace(x_range[0], x_range[1], n_points)
    clean = np.sin(x)
    values = (clean + noise * rng.standard_normal(n_points)).astype(np.float32)
    if timesteps is None:
        inputs = x.astype(np.float32)[:, None]
        targets, target_x, target_clean = values, x, clean
        shape_note = "x -> sin(x)"
    else:
        k = int(timesteps)
        windows = np.lib.stride_tricks.sliding_window_view(values, k)[:-1]
        inputs = np.ascontiguousarray(windows, dtype=np.float32)[..., None]
        targets, target_x, target_clean = values[k:], x[k:], clean[k:]
        shape_note = f"windows of {k} previous values -> next value"
    parts = split_indices(np.zeros(len(targets)), request, stratify=False)
    arrays, attributes = {}, {}
    for name, rows in parts.items():
        rows = rows[np.argsort(target_x[rows], kind="stable")]
        arrays[name] = (inputs[rows], targets[rows].astype(np.float32))
        attributes[name] = pd.DataFrame({"x": target_x[rows], "sin_x": target_clean[rows]})
    return assemble(
        "sine",
        arrays,
        class_names=(),
        attributes=attributes,
        task="regression",
        description=(
            f"sine: synthetic, sin(x) at {n_points} evenly spaced x in "
            f"[{x_range[0]:.3g}, {x_range[1]:.3g}], noise std {noise:g}, {shape_note}; "
            "each split sorted by x"
        ),
    )


# --------------------------------------------------------------------------- Keras cache

_KERAS_FILES = {
    "cifar10": ["cifar-10-batches-py-target_archive"],
    "fashion_mnist": [
        "fashion-mnist/train-labels-idx1-ubyte.gz",
        "fashion-mnist/train-images-idx3-ubyte.gz",
        "fashion-mnist/t10k-labels-idx1-ubyte.gz",
        "fashion-mnist/t10k-images-idx3-ubyte.gz",
    ],
}
# Other forms of the CIFAR-10 cache: Keras 3's extracted folder, tf.keras 2's archive/folder.
_CIFAR_ALTERNATIVES = (
    "cifar-10-batches-py-target/cifar-10-batches-py",
    "cifar-10-batches-py",
    "cifar-10-batches-py.tar.gz",
)
_KERAS_SOURCES = {
    "cifar10": "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz, renamed",
    "fashion_mnist": "https://storage.googleapis.com/tensorflow/tf-keras-datasets/<file>",
}
_KERAS_CLASSES = {
    "cifar10": ("airplane", "automobile", "bird", "cat", "deer",
                "dog", "frog", "horse", "ship", "truck"),
    "fashion_mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
}


def keras_cache_path(name: str) -> list[Path]:
    """Return where the Keras cache keeps ``"cifar10"`` or ``"fashion_mnist"``.

    Mirrors ``keras.utils.get_file``: ``$KERAS_HOME`` (else ``~/.keras``, else
    ``/tmp/.keras`` when home is not writable), then ``datasets/``.

    Examples
    --------
    >>> keras_cache_path("fashion_mnist")[0].name
    'train-labels-idx1-ubyte.gz'
    """
    if "KERAS_HOME" in os.environ:
        home = Path(os.environ["KERAS_HOME"]).expanduser()
    else:
        base = Path("~").expanduser()
        home = (base if os.access(base, os.W_OK) else Path("/tmp")) / ".keras"
    if home.exists() and not os.access(home, os.W_OK):
        home = Path("/tmp") / ".keras"
    return [home / "datasets" / f for f in _KERAS_FILES[_canonical(name)]]


def _read_fashion_mnist(paths: list[Path]):
    def read(path: Path, offset: int) -> np.ndarray:
        with gzip.open(path, "rb") as handle:
            return np.frombuffer(handle.read(), np.uint8, offset=offset)

    y_tr, x_tr, y_te, x_te = (read(p, 8 if "labels" in p.name else 16) for p in paths)
    return (x_tr.reshape(-1, 28, 28), y_tr), (x_te.reshape(-1, 28, 28), y_te)


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


def _keras_arrays(name: str):
    """Read a Keras-cached dataset straight from the cache files (never downloads)."""
    expected = keras_cache_path(name)
    found = [p for p in expected if p.exists()]
    if name == "cifar10" and not found:
        found = [c for a in _CIFAR_ALTERNATIVES
                 if (c := expected[0].parent / a).exists()][:1]
    if len(found) < len(expected):
        missing = [str(p) for p in expected if p not in found]
        raise DatasetError(
            f"{name!r} is not in the Keras cache and course_utils never downloads. "
            f"Put the file(s) at: {', '.join(missing)} (from {_KERAS_SOURCES[name]}), "
            "or set KERAS_HOME to a folder whose datasets/ holds them."
        )
    try:
        return _read_fashion_mnist(found) if name == "fashion_mnist" else _read_cifar10(found[0])
    except Exception as error:
        raise DatasetError(
            f"Could not read {name!r} from the Keras cache at {found[0]}: {error}; expected "
            f"the archive from {_KERAS_SOURCES[name]}."
        ) from error


def _keras_loader(name: str) -> Callable[..., Dataset]:
    def load(request: Request, *, channels: int | None = None) -> Dataset:
        _check_channels(channels, allow_none=True)
        (x_tr, y_tr), (x_te, y_te) = _keras_arrays(name)
        y_tr, y_te = y_tr.reshape(-1).astype(np.int64), y_te.reshape(-1).astype(np.int64)
        rest = split_indices(y_tr, replace(request, test_fraction=0.0), stratify=True)
        test_rows = cap_indices(np.arange(len(y_te)), y_te, request.limit, request.seed)

        def prepare(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
            x = x[rows].astype(np.float32) / 255.0
            if x.ndim == 3:
                x = x[..., None]
            return set_channels(resize_images(x, request.image_size),
                                grayscale=request.grayscale, channels=channels)

        arrays = {s: (prepare(x_tr, r), y_tr[r]) for s, r in rest.items() if s != "test"}
        arrays["test"] = (prepare(x_te, test_rows), y_te[test_rows])
        return assemble(
            name, arrays, class_names=_KERAS_CLASSES[name],
            description=f"{name}: the Keras-packaged archive read from the Keras cache, "
            "pixels/255; val split seeded from the official train set, official test set",
        )

    load.__name__ = f"_load_{name}"
    return load


# --------------------------------------------------------------------------- super-classes

#: Super-classes per dataset name, used by :func:`class_groups` when no ``groups`` are given.
#: Fashion-MNIST: the course's regrouping (its "Bottom" also holds the footwear). Digits: by
#: the shape of the written digit (closed loops, straight strokes, open curves).
DEFAULT_GROUPS: dict[str, dict[str, list[int]]] = {
    "fashion_mnist": {"Top": [0, 2, 3, 4, 6], "Bottom": [1, 5, 7, 9], "Accessories": [8]},
    "digits": {"round": [0, 6, 8, 9], "straight": [1, 4, 7], "curvy": [2, 3, 5]},
}


def class_groups(
    data: Dataset, groups: dict[str, list[int | str]] | None = None
) -> tuple[dict[int, int], tuple[str, ...]]:
    """Return the ``(mapping, names)`` that :meth:`Dataset.relabel` needs to regroup classes.

    Parameters
    ----------
    data : Dataset
        A classification dataset.
    groups : dict of str to list of int or str, optional
        Super-class name -> the classes (indices or names) it holds; every class
        in exactly one group. None takes :data:`DEFAULT_GROUPS` for
        ``data.name``, and for any other dataset splits the classes, in their
        order, into two halves (the first one larger when the count is odd),
        each named after its classes joined with ``+``.

    Returns
    -------
    mapping : dict of int to int
        Old class index -> super-class index.
    names : tuple of str
        Super-class names, in the order of ``groups``.

    Raises
    ------
    DatasetError
        A class that is unknown, in two groups or in none, or an empty group.

    Examples
    --------
    >>> mapping, names = class_groups(load_dataset("digits"))  # doctest: +SKIP
    >>> data.relabel(*class_groups(data, {"small": [0, 1], "big": [2, 3]}))  # doctest: +SKIP
    """
    data._need_classes("class_groups")
    if groups is None:
        groups = DEFAULT_GROUPS.get(data.name)
    if groups is None:
        half = (data.num_classes + 1) // 2
        parts = [data.class_names[:half], data.class_names[half:]]
        groups = {"+".join(part): list(part) for part in parts if part}
    if not isinstance(groups, dict) or not groups:
        raise DatasetError(
            "The 'groups' parameter must be a non-empty dict of super-class name -> list of "
            f"classes. Got {groups!r} instead."
        )
    mapping: dict[int, int] = {}
    for new, (name, members) in enumerate(groups.items()):
        if isinstance(members, str | int) or not members:
            raise DatasetError(
                f"The 'groups' parameter must give each super-class a non-empty list of "
                f"classes. Got {members!r} for {name!r} instead."
            )
        for member in members:
            old = data._class_index(member)
            if old in mapping:
                raise DatasetError(
                    f"The 'groups' parameter puts class {data.class_names[old]!r} in two "
                    f"super-classes; give each class exactly one."
                )
            mapping[old] = new
    missing = [data.class_names[i] for i in range(data.num_classes) if i not in mapping]
    if missing:
        raise DatasetError(
            f"The 'groups' parameter leaves classes {missing} of {data.name!r} in no "
            "super-class; give each class exactly one."
        )
    return mapping, tuple(str(name) for name in groups)


# --------------------------------------------------------------------------- array helpers


def resize_images(images: np.ndarray, size: tuple[int, int] | None) -> np.ndarray:
    """Resize a float image batch ``(n, h, w, c)`` to ``size=(height, width)``, bilinear."""
    if size is None or tuple(images.shape[1:3]) == tuple(size):
        return images
    import tensorflow as tf

    chunks = [
        tf.image.resize(images[i : i + 4096], size, method="bilinear").numpy()
        for i in range(0, max(len(images), 1), 4096)
    ]
    out = np.concatenate(chunks) if len(images) else np.zeros((0, *size, images.shape[-1]))
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def set_channels(images: np.ndarray, *, grayscale: bool, channels: int | None) -> np.ndarray:
    """Convert RGB to one luminance channel (``grayscale``) or repeat gray to ``channels=3``."""
    if grayscale and channels == 3:
        raise DatasetError("grayscale=True and channels=3 contradict each other; pick one.")
    if (grayscale or channels == 1) and images.shape[-1] == 3:
        weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
        images = (images @ weights)[..., None].astype(np.float32)
    if channels == 3 and images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return images


def _check_channels(channels: int | None, *, allow_none: bool = False) -> None:
    if channels is None and allow_none:
        return
    if channels not in (1, 3):
        raise DatasetError(f"The 'channels' option must be 1 or 3. Got {channels!r} instead.")


# --------------------------------------------------------------------------- entry point

_LOADERS: dict[str, Callable[..., Dataset]] = {
    "digits": _load_digits,
    "sine": _load_sine,
    "image_folder": files.load_image_folder,
    "utkface": files.load_utkface,
    "fairface": files.load_fairface,
    "ip102": files.load_ip102,
    "cifar10": _keras_loader("cifar10"),
    "fashion_mnist": _keras_loader("fashion_mnist"),
}
_ALIASES = {"folder": "image_folder", "cifar_10": "cifar10", "fashionmnist": "fashion_mnist",
            "utk_face": "utkface", "utk": "utkface"}
_NEEDS_DIR = {"image_folder", "utkface", "fairface", "ip102"}


def dataset_names() -> tuple[str, ...]:
    """Return the names :func:`load_dataset` accepts."""
    return tuple(_LOADERS)


def _canonical(name: str) -> str:
    key = str(name).strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in _LOADERS:
        raise DatasetError(
            f"Unknown dataset {name!r}; expected one of {', '.join(_LOADERS)}."
        )
    return key


def load_dataset(
    name: str,
    data_dir: str | os.PathLike | None = None,
    *,
    image_size: tuple[int, int] | None = None,
    grayscale: bool = False,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    seed: int = 0,
    limit: int | None = None,
    on_bad_file: str = "raise",
    **options: Any,
) -> Dataset:
    """Load a dataset by name into seeded train/val/test splits.

    Parameters
    ----------
    name : str
        One of :func:`dataset_names`: ``"digits"``, ``"sine"``, ``"image_folder"``,
        ``"utkface"``, ``"fairface"``, ``"ip102"``, ``"cifar10"``, ``"fashion_mnist"``.
    data_dir : path, optional
        Folder of an on-disk dataset (needed by image_folder, utkface, fairface,
        ip102); a relative path is also tried from the project root.
    image_size : (height, width), optional
        Resize images (bilinear). Default: the files' own size when they all
        share one (an error otherwise); digits stay 8x8.
    grayscale : bool, default False
        One luminance channel instead of RGB.
    val_fraction, test_fraction : float, default 0.2
        The test split takes ``test_fraction`` of all examples, the validation
        split ``val_fraction`` of the rest (stratified by class). Datasets that
        ship a test set (fairface, ip102, cifar10, fashion_mnist) ignore
        ``test_fraction``; ip102 also ships its validation set.
    seed : int, default 0
        Same seed, same splits.
    limit : int, optional
        At most this many examples per split (a seeded, class-balanced choice,
        made before any image is decoded).
    on_bad_file : {"raise", "skip"}, default "raise"
        What to do with an unreadable image, a missing listed image or a
        UTKFace file name that does not parse; "skip" logs a warning with the count.
    **options
        Per dataset: digits ``channels=1|3``; sine ``n_points=1000, noise=0.0,
        timesteps=None, x_range=(-pi, pi)``; image_folder ``train_dirs, val_dir,
        test_dir, channels``; utkface ``target="race"|"gender"|"age_group"|"age"``;
        fairface ``target="gender"|"race"|"age", train_csv, val_csv``; ip102
        ``class_names_file``; cifar10/fashion_mnist ``channels``.

    Returns
    -------
    Dataset

    Raises
    ------
    DatasetError
        Unknown name or option, missing folder, empty class folder, bad file, ...

    Examples
    --------
    >>> data = load_dataset("sine", timesteps=10, noise=0.05)  # doctest: +SKIP
    >>> faces = load_dataset("utkface", "data/UTKFace", image_size=(64, 64))  # doctest: +SKIP
    """
    key = _canonical(name)
    loader = _LOADERS[key]
    accepted = [p for p in inspect.signature(loader).parameters if p != "request"]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise DatasetError(
            f"Unknown option(s) {unknown} for dataset {key!r}; it accepts "
            f"{accepted or 'no options'}."
        )
    request = Request.make(
        key, data_dir, needs_dir=key in _NEEDS_DIR, image_size=image_size,
        grayscale=grayscale, val_fraction=val_fraction, test_fraction=test_fraction,
        seed=seed, limit=limit, on_bad_file=on_bad_file,
    )
    return loader(request, **options)
