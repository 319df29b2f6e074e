"""Tests of course_utils.data.fashion_mnist: the idx files, where they are looked for, splits.

The loader tests write small files in the real format (gzip, big-endian idx
header) with ``fakes.make_fashion_mnist``; the last test reads the real files
of Debian's ``dataset-fashion-mnist`` where they are installed.
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from fakes import make_fashion_mnist, write_idx

from course_utils.data import (
    DEFAULT_GROUPS,
    FASHION_MNIST_CLASSES,
    class_groups,
    fashion_mnist_available,
    fashion_mnist_folders,
    load_dataset,
)
from course_utils.data import fashion_mnist as module
from course_utils.errors import DatasetError

REAL_DIR = module.SYSTEM_DIR
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"


@pytest.fixture
def places(tmp_path, monkeypatch):
    """An empty Keras cache and an empty system folder; returns (cache folder, system folder)."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    system = tmp_path / "system" / "fashion-mnist"
    monkeypatch.setattr(module, "SYSTEM_DIR", system)
    return tmp_path / "keras" / "datasets" / "fashion-mnist", system


def _pixels(folder, prefix: str) -> np.ndarray:
    with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz", "rb") as handle:
        return np.frombuffer(handle.read(), np.uint8, offset=16).reshape(-1, 28, 28)


# --------------------------------------------------------------------------- where it looks


def test_search_order_is_the_keras_cache_then_the_system_folder(places):
    cache, system = places
    assert fashion_mnist_folders() == [cache, system]
    assert fashion_mnist_folders(cache.parent) == [cache.parent]


def test_system_folder_is_used_when_the_cache_is_empty(places):
    _, system = places
    make_fashion_mnist(system)
    data = load_dataset("fashion_mnist")
    assert data.source == str(system)
    assert f"read from {system} (Debian's package dataset-fashion-mnist)" in data.description


def test_keras_cache_comes_before_the_system_folder(places):
    cache, system = places
    make_fashion_mnist(system, n_train=30)
    make_fashion_mnist(cache, n_train=40)
    data = load_dataset("fashion_mnist", val_fraction=0.25)
    assert data.source == str(cache) and "(the Keras cache)" in data.description
    assert len(data.x_train) + len(data.x_val) == 40


def test_an_incomplete_keras_cache_is_passed_over_for_a_complete_folder(places):
    cache, system = places
    make_fashion_mnist(system)
    make_fashion_mnist(cache)
    (cache / TRAIN_IMAGES).unlink()
    assert load_dataset("fashion_mnist").source == str(system)


def test_data_dir_comes_first_and_is_the_only_place_looked_at(places, tmp_path):
    cache, system = places
    make_fashion_mnist(cache)
    given = make_fashion_mnist(tmp_path / "mine", n_train=50)
    data = load_dataset("fashion_mnist", given, val_fraction=0.2)
    assert data.source == str(given) and "(data_dir)" in data.description
    assert len(data.x_train) == 40
    (given / TRAIN_LABELS).unlink()
    with pytest.raises(DatasetError, match=rf"{given} \(data_dir: missing {TRAIN_LABELS}\)"):
        load_dataset("fashion_mnist", given)


def test_missing_files_name_every_place_and_the_fix(places):
    cache, system = places
    make_fashion_mnist(cache)
    for name in (TRAIN_IMAGES, "t10k-labels-idx1-ubyte.gz"):
        (cache / name).unlink()
    with pytest.raises(DatasetError) as caught:
        load_dataset("Fashion-MNIST")
    text = str(caught.value)
    assert f"{cache} (the Keras cache: missing {TRAIN_IMAGES}, t10k-labels-idx1-ubyte.gz)" in text
    assert f"{system} (Debian's package dataset-fashion-mnist: no such folder)" in text
    assert "sudo apt-get install dataset-fashion-mnist" in text
    assert f"into the Keras cache folder {cache}" in text
    assert "never downloads" in text


# --------------------------------------------------------------------------- the idx files


def test_images_and_labels_are_read_as_written(places, tmp_path):
    root = make_fashion_mnist(tmp_path / "fm", n_train=30, n_test=10)
    data = load_dataset("fashion_mnist", root, val_fraction=0.0)
    assert data.input_shape == (28, 28, 1) and data.class_names == FASHION_MNIST_CLASSES
    np.testing.assert_allclose(data.x_test[..., 0] * 255, _pixels(root, "t10k"), atol=1e-3)
    np.testing.assert_array_equal(data.y_test, np.arange(10))
    assert sorted(data.y_train.tolist()) == sorted((np.arange(30) % 10).tolist())


def test_truncated_gz_names_the_file(places):
    _, system = places
    make_fashion_mnist(system)
    path = system / TRAIN_IMAGES
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(DatasetError, match=rf"{path} is not a readable gzip file \(EOFError.*"
                       r"expected the original gzip-compressed idx file. Fix: reinstall the "
                       r"package: sudo apt-get install --reinstall dataset-fashion-mnist"):
        load_dataset("fashion_mnist")


def test_corrupt_gz_names_the_file_and_where_to_get_it(places):
    cache, _ = places
    make_fashion_mnist(cache)
    path = cache / TRAIN_LABELS
    raw = bytearray(path.read_bytes())
    raw[-6] ^= 0xFF  # the CRC no longer matches
    path.write_bytes(bytes(raw))
    with pytest.raises(DatasetError, match=rf"{path} is not a readable gzip file .*Fix: replace "
                       r"it with the original file https://storage.googleapis.com/tensorflow/"
                       rf"tf-keras-datasets/{TRAIN_LABELS}"):
        load_dataset("fashion_mnist")
    path.write_bytes(b"plain bytes, not gzip")
    with pytest.raises(DatasetError, match=r"not a readable gzip file \(BadGzipFile"):
        load_dataset("fashion_mnist")


def test_wrong_magic_number_is_rejected(places, tmp_path):
    root = make_fashion_mnist(tmp_path / "fm")
    write_idx(root / TRAIN_LABELS, np.arange(60) % 10, magic=2051)
    with pytest.raises(DatasetError, match=rf"{root / TRAIN_LABELS} has magic number 2051; "
                       r"expected 2049 \(idx labels\) followed by 1 big-endian dims"):
        load_dataset("fashion_mnist", root)


def test_images_of_the_wrong_shape_are_rejected(places, tmp_path):
    root = make_fashion_mnist(tmp_path / "fm")
    write_idx(root / TRAIN_IMAGES, np.zeros((60, 27, 28)))
    with pytest.raises(DatasetError, match=r"holds images of shape \(60, 27, 28\); expected "
                       r"\(n, 28, 28\)"):
        load_dataset("fashion_mnist", root)


def test_a_header_promising_more_than_the_file_holds_is_rejected(places, tmp_path):
    root = make_fashion_mnist(tmp_path / "fm")
    with gzip.open(root / TRAIN_LABELS, "rb") as handle:
        raw = handle.read()
    with gzip.open(root / TRAIN_LABELS, "wb") as handle:
        handle.write(raw[:-5])
    with pytest.raises(DatasetError, match=r"holds 55 bytes after its header, which promises "
                       r"labels of shape \(60,\) \(60 bytes\)"):
        load_dataset("fashion_mnist", root)


def test_image_and_label_counts_must_agree(places, tmp_path):
    root = make_fashion_mnist(tmp_path / "fm")
    write_idx(root / TRAIN_LABELS, np.arange(59) % 10)
    with pytest.raises(DatasetError, match=r"train-images-idx3-ubyte.gz holds 60 images but "
                       r"train-labels-idx1-ubyte.gz in .* holds 59 labels"):
        load_dataset("fashion_mnist", root)


def test_labels_outside_the_ten_classes_are_rejected(places, tmp_path):
    root = make_fashion_mnist(tmp_path / "fm")
    write_idx(root / TRAIN_LABELS, np.arange(60) % 11)
    with pytest.raises(DatasetError, match=r"holds label 10; expected class indices 0..9"):
        load_dataset("fashion_mnist", root)


def test_available_checks_presence_and_headers(places, tmp_path):
    cache, system = places
    assert fashion_mnist_available() is False
    make_fashion_mnist(system)
    assert fashion_mnist_available() is True
    root = make_fashion_mnist(tmp_path / "fm")
    assert fashion_mnist_available(root) is True
    write_idx(root / TRAIN_IMAGES, np.zeros((60, 28, 28)), magic=2049)
    assert fashion_mnist_available(root) is False
    (system / TRAIN_LABELS).write_bytes(b"junk")
    assert fashion_mnist_available() is False
    assert fashion_mnist_available(tmp_path / "nowhere") is False


# --------------------------------------------------------------------------- splits and options


def test_stratified_val_split_test_stays_the_official_test_set(places, tmp_path):
    root = make_fashion_mnist(tmp_path / "fm", n_train=60, n_test=20)
    data = load_dataset("fashion_mnist", root, val_fraction=0.25, image_size=(32, 32),
                        channels=3)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (45, 15, 20)
    assert data.input_shape == (32, 32, 3) and data.class_names[9] == "Ankle boot"
    counts = np.bincount(data.y_val, minlength=10)
    assert counts.sum() == 15 and counts.min() == 1 and counts.max() == 2
    assert "seeded and stratified" in data.description


def test_course_val_split_is_the_original_train_test_split(places, tmp_path):
    from sklearn.model_selection import train_test_split

    root = make_fashion_mnist(tmp_path / "fm", n_train=60, n_test=20)
    data = load_dataset("fashion_mnist", root, val_fraction=1 / 6, val_split="course", seed=3)
    pixels = _pixels(root, "train").astype(np.float32) / 255.0
    train, val = train_test_split(pixels, test_size=1 / 6, random_state=42)
    np.testing.assert_allclose(data.x_train[..., 0], train, atol=1e-6)
    np.testing.assert_allclose(data.x_val[..., 0], val, atol=1e-6)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (50, 10, 20)
    np.testing.assert_allclose(data.x_test[..., 0], _pixels(root, "t10k") / 255.0, atol=1e-6)
    assert "train_test_split(random_state=42)" in data.description


def test_course_split_with_limit_and_train_per_class_keeps_test_official(places, tmp_path):
    root = make_fashion_mnist(tmp_path / "fm", n_train=120, n_test=40)
    data = load_dataset("fashion_mnist", root, val_fraction=1 / 6, val_split="course",
                        limit=30)
    assert np.bincount(data.y_train, minlength=10).tolist() == [3] * 10
    assert np.bincount(data.y_test, minlength=10).tolist() == [3] * 10
    test_pixels = _pixels(root, "t10k").reshape(40, -1) / 255.0
    for image in data.x_test.reshape(len(data.x_test), -1):
        assert np.isclose(test_pixels, image, atol=1e-6).all(axis=1).any()
    few = load_dataset("fashion_mnist", root, val_fraction=1 / 6,
                       val_split="course").subset(per_class=2, seed=1)
    assert np.bincount(few.y_train).tolist() == [2] * 10 and len(few.x_test) == 40


def test_fashion_mnist_regroups_into_the_course_super_classes(places, tmp_path):
    data = load_dataset("fashion_mnist", make_fashion_mnist(tmp_path / "fm"))
    mapping, names = class_groups(data)
    assert names == tuple(DEFAULT_GROUPS["fashion_mnist"]) == ("Top", "Bottom", "Accessories")
    assert mapping[8] == 2 and mapping[0] == 0 and mapping[9] == 1


def test_bad_fashion_mnist_options_are_rejected(places, tmp_path):
    root = make_fashion_mnist(tmp_path / "fm")
    with pytest.raises(DatasetError, match=r"'val_split' parameter of load_dataset"
                       r"\('fashion_mnist'\) must be one of \['stratified', 'course'\]. "
                       r"Got 'sklearn' instead"):
        load_dataset("fashion_mnist", root, val_split="sklearn")
    with pytest.raises(DatasetError, match=r"'channels' parameter .* must be None, 1 or 3"):
        load_dataset("fashion_mnist", root, channels=2)


# --------------------------------------------------------------------------- the real files


@pytest.mark.skipif(
    not fashion_mnist_available(REAL_DIR),
    reason=f"Fashion-MNIST is not installed in {REAL_DIR} "
    "(sudo apt-get install dataset-fashion-mnist)",
)
def test_the_real_debian_files(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # an empty cache: the Debian files
    data = load_dataset("fashion_mnist", val_fraction=0.0)
    assert data.source == str(REAL_DIR)
    assert data.x_train.shape == (60_000, 28, 28, 1) and data.x_test.shape == (10_000, 28, 28, 1)
    assert data.class_names == ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
    assert np.bincount(data.y_train).tolist() == [6_000] * 10
    assert np.bincount(data.y_test).tolist() == [1_000] * 10
    assert 0.0 <= data.x_train.min() and data.x_train.max() == 1.0
    course = load_dataset("fashion_mnist", val_fraction=1 / 6, val_split="course")
    assert (len(course.x_train), len(course.x_val), len(course.x_test)) == (50_000, 10_000,
                                                                            10_000)


@pytest.mark.parametrize(("val_split", "how"), [
    ("stratified", "seeded and stratified"),
    ("course", "as the original course: train_test_split(random_state=42)")])
def test_the_description_says_how_the_validation_split_was_drawn(tmp_path, val_split, how):
    folder = make_fashion_mnist(tmp_path)
    data = load_dataset("fashion_mnist", folder, val_split=val_split)
    assert data.description == (
        "fashion_mnist: Zalando's Fashion-MNIST (60 train + 20 test 28x28 grayscale images) "
        f"read from {folder} (data_dir), pixels/255; val split {how} from the official train "
        "set, official test set")
