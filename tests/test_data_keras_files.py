"""Tests of course_utils.data.keras_files: the Keras cache, CIFAR-10 read from it."""

from __future__ import annotations

import io
import pickle
import re
import tarfile

import numpy as np
import pytest

from course_utils.data import CIFAR10_CLASSES, keras_cache_path, keras_home, load_dataset
from course_utils.errors import DatasetError


def _cifar_batches(rng):
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {b"data": rng.integers(0, 256, size=(10, 3072), dtype=np.uint8),
                 b"labels": list(range(10))}
        yield name, pickle.dumps(batch)


def test_keras_cache_path_follows_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert keras_home() == tmp_path
    archive = tmp_path / "datasets" / "cifar-10-batches-py-target_archive"
    assert keras_cache_path("cifar10") == [archive]
    assert keras_cache_path("Fashion-MNIST")[3] == (
        tmp_path / "datasets" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz")


def test_keras_cache_path_of_another_dataset_is_rejected():
    with pytest.raises(DatasetError, match=r"'name' parameter of keras_cache_path must be one of "
                       r"\['cifar10', 'fashion_mnist'\]. Got 'digits' instead"):
        keras_cache_path("digits")


def test_cifar10_not_in_cache_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    expected = tmp_path / "datasets" / "cifar-10-batches-py-target_archive"
    with pytest.raises(DatasetError, match=re.escape(str(expected))):
        load_dataset("cifar10")
    assert not (tmp_path / "datasets").exists() or not any((tmp_path / "datasets").iterdir())


def test_cifar10_from_a_cached_archive(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    archive = tmp_path / "datasets" / "cifar-10-batches-py-target_archive"
    archive.parent.mkdir(parents=True)
    with tarfile.open(archive, "w:gz") as tar:
        for name, raw in _cifar_batches(np.random.default_rng(0)):
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    data = load_dataset("cifar10", grayscale=True, val_fraction=0.2)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (40, 10, 10)
    assert data.input_shape == (32, 32, 1) and data.class_names == CIFAR10_CLASSES
    assert data.source == str(archive)
    archive.write_bytes(b"broken")
    with pytest.raises(DatasetError, match=r"Could not read 'cifar10' from the Keras cache"):
        load_dataset("cifar10")


def test_cifar10_from_an_extracted_folder_keeps_pixels_and_order(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    folder = tmp_path / "datasets" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    batches = dict(_cifar_batches(np.random.default_rng(1)))
    for name, raw in batches.items():
        (folder / name).write_bytes(raw)
    data = load_dataset("cifar10", val_fraction=0.0, channels=3)
    test = pickle.loads(batches["test_batch"])
    expected = test[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1) / 255.0
    np.testing.assert_allclose(data.x_test, expected, atol=1e-6)
    np.testing.assert_array_equal(data.y_test, np.arange(10))
    assert len(data.x_train) == 50
