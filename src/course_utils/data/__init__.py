"""Datasets for the lab book: one loader, one small frozen container.

``load_dataset(name, ...)`` returns a :class:`Dataset` holding the train,
validation and test splits as NumPy arrays, the class names, the input shape,
per-example attributes (age, gender, race, ...), a one-line description of
where the data came from and its ``source`` (a folder, or ``"embedded"``).

Embedded and always available offline: ``"digits"`` (scikit-learn's bundled
handwritten digits) and ``"sine"`` (synthetic). On disk, when you have them:
``"fashion_mnist"`` (Debian's ``dataset-fashion-mnist`` or the Keras cache, see
:func:`fashion_mnist_available`), ``"cifar10"`` (Keras cache),
``"image_folder"``, ``"utkface"``, ``"fairface"`` and ``"ip102"`` (their
original layouts). Nothing is ever downloaded.

Modules: :mod:`~course_utils.data.load` (the entry point),
:mod:`~course_utils.data.embedded`, :mod:`~course_utils.data.fashion_mnist`,
:mod:`~course_utils.data.keras_files`, :mod:`~course_utils.data.image_folders`,
:mod:`~course_utils.data.faces`, :mod:`~course_utils.data.ip102`,
:mod:`~course_utils.data.transforms`.

Example
-------
>>> data = load_dataset("digits", image_size=(16, 16), seed=0, limit=30)
>>> data.x_train.shape[1:], data.num_classes
((16, 16, 1), 10)
"""

from ..paths import keras_home  # noqa: F401  (kept for callers of data.keras_home)
from ._dataset import SPLITS, Dataset
from ._decode import IMAGE_EXTENSIONS
from .faces import AGE_GROUPS, FAIRFACE_AGES, FAIRFACE_RACES, GENDERS, UTKFACE_RACES, age_group
from .fashion_mnist import (
    FASHION_MNIST_CLASSES,
    fashion_mnist_available,
    fashion_mnist_folders,
)
from .keras_files import CIFAR10_CLASSES, keras_cache_path
from .load import AUTO, dataset_names, image_dataset, load_dataset
from .transforms import DEFAULT_GROUPS, class_groups, resize_images, set_channels

__all__ = [
    "Dataset",
    "SPLITS",
    "load_dataset",
    "dataset_names",
    "image_dataset",
    "AUTO",
    "keras_cache_path",
    "fashion_mnist_available",
    "fashion_mnist_folders",
    "class_groups",
    "DEFAULT_GROUPS",
    "resize_images",
    "set_channels",
    "age_group",
    "AGE_GROUPS",
    "GENDERS",
    "UTKFACE_RACES",
    "FAIRFACE_AGES",
    "FAIRFACE_RACES",
    "IMAGE_EXTENSIONS",
    "CIFAR10_CLASSES",
    "FASHION_MNIST_CLASSES",
]
