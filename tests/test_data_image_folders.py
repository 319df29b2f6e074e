"""Tests of course_utils.data.image_folders (and the decoding it shares): class folders."""

from __future__ import annotations

import logging

import pytest
from fakes import make_cifar_folders, make_image_folder, write_image

from course_utils.data import Dataset, load_dataset
from course_utils.errors import DatasetError


def _files(data: Dataset, split: str) -> list[str]:
    return list(data.attributes[split]["file"])


def test_image_folder_loads_classes_shapes_and_attributes(tmp_path):
    root = make_image_folder(tmp_path, per_class=10)
    data = load_dataset("image_folder", root)
    assert data.class_names == ("cat", "dog", "frog")
    assert data.input_shape == (12, 12, 3)
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 30
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    for split in ("train", "val", "test"):
        frame = data.attributes[split]
        assert frame["class_name"].tolist() == [data.class_names[y] for y in data.split(split)[1]]
        assert all(f.startswith(f"{c}/") for f, c in zip(frame["file"], frame["class_name"],
                                                          strict=True))


def test_image_folder_grayscale_image_size_and_jpeg(tmp_path):
    root = make_image_folder(tmp_path, size=(20, 10), fmt="jpg", mode="L")
    assert load_dataset("image_folder", root).input_shape == (20, 10, 3)
    data = load_dataset("image_folder", root, image_size=(8, 6), grayscale=True)
    assert data.input_shape == (8, 6, 1)


def test_image_folder_seeded_split_reproducible(tmp_path):
    root = make_image_folder(tmp_path, per_class=10)
    first, again = (load_dataset("image_folder", root, seed=4) for _ in range(2))
    other = load_dataset("image_folder", root, seed=5)
    assert _files(first, "test") == _files(again, "test")
    assert sorted(_files(first, "test")) != sorted(_files(other, "test"))


def test_image_folder_limit_caps_before_decoding(tmp_path):
    root = make_image_folder(tmp_path, per_class=10)
    write_image(root / "cat" / "broken.png")
    (root / "cat" / "broken.png").write_bytes(b"not an image")
    data = load_dataset("image_folder", root, limit=2, val_fraction=0.5, test_fraction=0.5,
                        on_bad_file="skip")
    assert all(len(data.split(s)[0]) <= 2 for s in ("train", "val", "test"))


def test_image_folder_mixed_sizes_ask_for_image_size(tmp_path):
    root = make_image_folder(tmp_path)
    write_image(root / "dog" / "big.png", size=(30, 30))
    with pytest.raises(DatasetError, match=r"different sizes .*pass image_size"):
        load_dataset("image_folder", root)
    assert load_dataset("image_folder", root, image_size=(12, 12)).input_shape == (12, 12, 3)


def test_image_folder_ignores_non_image_files(tmp_path):
    root = make_image_folder(tmp_path)
    (root / "cat" / "notes.txt").write_text("hello")
    (root / "cat" / ".DS_Store").write_text("x")
    data = load_dataset("image_folder", root)
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 18


def test_image_folder_empty_class_folder_is_rejected(tmp_path):
    root = make_image_folder(tmp_path)
    (root / "zebra").mkdir()
    with pytest.raises(DatasetError, match=r"Class folder .*zebra holds no image files"):
        load_dataset("image_folder", root)


def test_image_folder_without_class_folders_is_rejected(tmp_path):
    write_image(tmp_path / "loose.png")
    with pytest.raises(DatasetError, match=r"has no class sub-folders"):
        load_dataset("image_folder", tmp_path)


def test_corrupt_image_raises_naming_the_file(tmp_path):
    root = make_image_folder(tmp_path)
    (root / "dog" / "dog_0002.png").write_bytes(b"\x89PNG garbage")
    with pytest.raises(DatasetError, match=r"dog_0002.png: not a readable image"):
        load_dataset("image_folder", root)


def test_truncated_jpeg_raises(tmp_path):
    root = make_image_folder(tmp_path, fmt="jpg", size=(32, 32))
    path = root / "frog" / "frog_0001.jpg"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DatasetError, match=r"frog_0001.jpg: not a readable image"):
        load_dataset("image_folder", root)


def test_corrupt_images_skipped_with_a_counted_warning(tmp_path, caplog):
    root = make_image_folder(tmp_path)
    for name in ("dog/dog_0001.png", "cat/cat_0003.png"):
        (root / name).write_bytes(b"junk")
    with caplog.at_level(logging.WARNING, logger="course_utils.data"):
        data = load_dataset("image_folder", root, on_bad_file="skip")
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 16
    assert "skipped 2 bad file(s)" in caplog.text


def test_image_folder_combines_train_folders_with_fixed_val_and_test(tmp_path):
    root = make_cifar_folders(tmp_path, train_folders=4, per_class=3)
    data = load_dataset("image_folder", root, train_dirs=[f"train_{k}" for k in range(1, 5)],
                        val_dir="val", test_dir="test")
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (36, 9, 9)
    assert data.class_names == ("airplane", "cat", "ship")
    assert all(f.startswith("test/") for f in _files(data, "test"))
    assert {f.split("/")[0] for f in _files(data, "train")} == {f"train_{k}" for k in range(1, 5)}


def test_image_folder_train_glob_with_val_split_off(tmp_path):
    root = make_cifar_folders(tmp_path, train_folders=2, per_class=5)
    data = load_dataset("image_folder", root, train_dirs="train_*", test_dir="test",
                        val_fraction=0.2)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (24, 6, 15)


def test_image_folder_val_class_unknown_to_train_is_rejected(tmp_path):
    root = make_cifar_folders(tmp_path, train_folders=1)
    make_image_folder(root / "val", classes=("dragon",))
    with pytest.raises(DatasetError, match=r"classes \['dragon'\] that the training folders lack"):
        load_dataset("image_folder", root, train_dirs=["train_1"], val_dir="val")


def test_image_folder_records_where_it_read_from(tmp_path):
    root = make_image_folder(tmp_path)
    data = load_dataset("image_folder", root)
    assert data.source == str(root) and f"under {root}" in data.description

