"""Tests of course_utils.data.ip102: IP102's split files and class folders."""

from __future__ import annotations

import logging

import pytest
from fakes import make_ip102

from course_utils.data import Dataset, load_dataset
from course_utils.errors import DatasetError


def _files(data: Dataset, split: str) -> list[str]:
    return list(data.attributes[split]["file"])


def test_ip102_uses_its_split_files(tmp_path):
    root = make_ip102(tmp_path, classes=3, per_split={"train": 4, "val": 2, "test": 3})
    data = load_dataset("ip102", root)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (12, 6, 9)
    assert data.class_names == ("0", "1", "2")
    for split in ("train", "val", "test"):
        folders = [int(f.split("/")[2]) for f in _files(data, split)]
        assert folders == data.split(split)[1].tolist()
        assert all(f.startswith(f"classification/{split}/") for f in _files(data, split))


def test_ip102_class_names_file_and_limit(tmp_path):
    root = make_ip102(tmp_path, classes=3)
    names = "1 rice leaf roller\n2 rice leaf caterpillar\n3 paddy stem maggot\n"
    (root / "classes.txt").write_text(names)
    data = load_dataset("ip102", root, limit=3, image_size=(6, 6), grayscale=True)
    assert data.class_names == ("rice leaf roller", "rice leaf caterpillar", "paddy stem maggot")
    assert len(data.x_train) == 3 and data.input_shape == (6, 6, 1)
    assert sorted(data.y_train.tolist()) == [0, 1, 2]


def test_ip102_label_without_image_raises_or_skips(tmp_path, caplog):
    root = make_ip102(tmp_path)
    with open(root / "val.txt", "a") as handle:
        handle.write("IP999999999.jpg 1\n")
    with pytest.raises(DatasetError, match=r"IP999999999.jpg: listed on line 7 of val.txt "
                       r"with class 1 but there is no such image"):
        load_dataset("ip102", root)
    with caplog.at_level(logging.WARNING, logger="course_utils.data"):
        data = load_dataset("ip102", root, on_bad_file="skip")
    assert len(data.x_val) == 6 and "skipped 1 bad file(s)" in caplog.text


def test_ip102_malformed_line_and_missing_split_file(tmp_path):
    root = make_ip102(tmp_path)
    (root / "test.txt").write_text("IP000000001.jpg first\n")
    with pytest.raises(DatasetError, match=r"Line 1 of .*test.txt reads .*expected '<file> <class"):
        load_dataset("ip102", root)
    (root / "test.txt").unlink()
    with pytest.raises(DatasetError, match=r"IP102 split file .*test.txt does not exist"):
        load_dataset("ip102", root)


def test_ip102_named_class_names_file_must_exist(tmp_path):
    root = make_ip102(tmp_path)
    with pytest.raises(DatasetError, match=r"IP102 class names file .*names.txt does not exist"):
        load_dataset("ip102", root, class_names_file="names.txt")

