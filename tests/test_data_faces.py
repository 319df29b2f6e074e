"""Tests of course_utils.data.faces: UTKFace (labels in file names) and FairFace (CSVs)."""

from __future__ import annotations

import logging
import re

import numpy as np
import pytest
from fakes import make_fairface, make_utkface, write_image

from course_utils.data import (
    AGE_GROUPS,
    FAIRFACE_AGES,
    FAIRFACE_RACES,
    GENDERS,
    UTKFACE_RACES,
    Dataset,
    age_group,
    load_dataset,
)
from course_utils.errors import DatasetError


def _files(data: Dataset, split: str) -> list[str]:
    return list(data.attributes[split]["file"])


@pytest.mark.parametrize("chip", [False, True])
def test_utkface_labels_come_from_file_names(tmp_path, chip):
    data = load_dataset("utkface", make_utkface(tmp_path, n=40, chip=chip))
    assert data.class_names == ("White", "Black", "Asian", "Indian", "Others")
    assert data.input_shape == (16, 16, 3)
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 40
    races = ("White", "Black", "Asian", "Indian", "Others")
    for split in ("train", "val", "test"):
        frame = data.attributes[split]
        assert list(frame.columns) == ["age", "gender", "race", "age_group", "file"]
        for (_, row), y in zip(frame.iterrows(), data.split(split)[1], strict=True):
            age, gender, race = (int(v) for v in row["file"].split("_")[:3])
            assert (row["age"], row["gender"], row["race"]) == (
                age, ("Male", "Female")[gender], races[race])
            assert y == race
    assert set(data.attributes["train"]["race"]) == set(races)


def test_utkface_gender_age_group_and_age_targets(tmp_path):
    root = make_utkface(tmp_path, n=40)
    gender = load_dataset("utkface", root, target="gender")
    assert gender.class_names == ("Male", "Female")
    frame = gender.attributes["train"]
    assert (gender.y_train == (frame["gender"] == "Female")).all()
    groups = load_dataset("utkface", root, target="age_group", test_fraction=0.0)
    names = [groups.class_names[y] for y in groups.y_train]
    assert names == groups.attributes["train"]["age_group"].tolist()
    age = load_dataset("utkface", root, target="age", grayscale=True, image_size=(8, 8))
    assert age.task == "regression" and age.input_shape == (8, 8, 1)
    np.testing.assert_array_equal(age.y_test, age.attributes["test"]["age"].to_numpy())


def test_utkface_age_groups_are_the_documented_bands():
    assert [age_group(a) for a in (0, 2, 3, 9, 10, 19, 69, 70, 116)] == [
        "0-2", "0-2", "3-9", "3-9", "10-19", "10-19", "60-69", "70+", "70+"]
    assert len(AGE_GROUPS) == 9 and AGE_GROUPS[:-1] == FAIRFACE_AGES[:-1]
    assert GENDERS == ("Male", "Female") and len(UTKFACE_RACES) == 5
    assert len(FAIRFACE_RACES) == 7


def test_utkface_name_missing_the_race_field_is_a_bad_file(tmp_path):
    root = make_utkface(tmp_path, n=20)
    write_image(root / "39_1_20170116174525125.jpg.chip.jpg")
    with pytest.raises(DatasetError, match=r"39_1_20170116174525125.jpg.chip.jpg: file name has "
                       r"3 field\(s\).*expected \[age\]_\[gender\]_\[race\]_\[datetime\].jpg"):
        load_dataset("utkface", root)


def test_utkface_bad_names_skipped_with_count(tmp_path, caplog):
    root = make_utkface(tmp_path, n=20)
    write_image(root / "39_1_20170116174525125.jpg.chip.jpg")
    write_image(root / "holiday.jpg")
    write_image(root / "30_2_0_20170116174525125.jpg")  # gender 2 does not exist
    with caplog.at_level(logging.WARNING, logger="course_utils.data"):
        data = load_dataset("utkface", root, on_bad_file="skip")
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 20
    assert "skipped 3 bad file(s)" in caplog.text


def test_utkface_bad_target_and_empty_folder(tmp_path):
    with pytest.raises(DatasetError, match=r"'target' parameter of load_dataset\('utkface'\) "
                       r"must be one of \['race', 'gender', 'age_group', 'age'\]. Got 'ethnicity'"):
        load_dataset("utkface", tmp_path, target="ethnicity")
    with pytest.raises(DatasetError, match=r"No UTKFace images in"):
        load_dataset("utkface", tmp_path)


def test_utkface_limit_and_seed(tmp_path):
    root = make_utkface(tmp_path, n=60)
    data = load_dataset("utkface", root, limit=5)
    assert [len(data.split(s)[0]) for s in ("train", "val", "test")] == [5, 5, 5]
    assert sorted(data.y_train.tolist()) == [0, 1, 2, 3, 4]
    assert _files(load_dataset("utkface", root, seed=2), "val") == _files(
        load_dataset("utkface", root, seed=2), "val")


# --------------------------------------------------------------------------- FairFace


def test_fairface_val_csv_is_test_and_val_is_split_off_train(tmp_path):
    data = load_dataset("fairface", make_fairface(tmp_path, n_train=40, n_val=12))
    assert data.class_names == ("Male", "Female")
    assert len(data.x_test) == 12 and len(data.x_train) + len(data.x_val) == 40
    assert len(data.x_val) == 8
    assert all(f.startswith("val/") for f in _files(data, "test"))
    assert all(f.startswith("train/") for f in _files(data, "val"))
    frame = data.attributes["test"]
    assert list(frame.columns) == ["file", "age", "gender", "race"]
    assert [data.class_names[y] for y in data.y_test] == frame["gender"].tolist()


def test_fairface_race_and_age_targets(tmp_path):
    root = make_fairface(tmp_path, n_train=63, n_val=14)
    race = load_dataset("fairface", root, target="race")
    assert race.num_classes == 7 and race.class_names[2] == "Latino_Hispanic"
    assert [race.class_names[y] for y in race.y_train] == race.attributes["train"]["race"].tolist()
    age = load_dataset("fairface", root, target="age", limit=9)
    assert age.class_names[-1] == "more than 70" and len(age.x_train) == 9


def test_fairface_csv_missing_a_column_is_rejected(tmp_path):
    root = make_fairface(tmp_path)
    csv = root / "train_labels.csv"
    lines = csv.read_text().splitlines()
    csv.write_text("\n".join(",".join(x.split(",")[:3] + x.split(",")[4:]) for x in lines))
    with pytest.raises(DatasetError, match=r"train_labels.csv lacks column\(s\) \['race'\]"):
        load_dataset("fairface", root)


def test_fairface_unknown_label_value_is_rejected(tmp_path):
    root = make_fairface(tmp_path)
    csv = root / "val_labels.csv"
    csv.write_text(csv.read_text().replace("Female", "F", 1))
    with pytest.raises(DatasetError, match=r"Column 'gender' of .*val_labels.csv has value\(s\) "
                       r"\['F'\]"):
        load_dataset("fairface", root)


def test_fairface_listed_image_missing_raises_or_skips(tmp_path, caplog):
    root = make_fairface(tmp_path)
    (root / "val" / "3.jpg").unlink()
    with pytest.raises(DatasetError, match=r"val/3.jpg: listed but the file does not exist"):
        load_dataset("fairface", root)
    with caplog.at_level(logging.WARNING, logger="course_utils.data"):
        data = load_dataset("fairface", root, on_bad_file="skip")
    assert len(data.x_test) == 11 and "skipped 1 bad file(s)" in caplog.text


def test_fairface_missing_csv_is_rejected(tmp_path):
    with pytest.raises(DatasetError, match=r"train_labels.csv does not exist"):
        load_dataset("fairface", tmp_path)


def test_fairface_bad_target_is_rejected(tmp_path):
    with pytest.raises(DatasetError, match=r"'target' parameter of load_dataset\('fairface'\) "
                       r"must be one of \['gender', 'race', 'age'\]. Got 'ethnicity' instead"):
        load_dataset("fairface", make_fairface(tmp_path), target="ethnicity")



# --- the details a published label depends on (found by mutation testing) --------------------


def test_face_descriptions_say_where_the_labels_come_from(tmp_path):
    root = make_utkface(tmp_path / "u", n=20)
    assert load_dataset("utkface", root, target="age").description == (
        f"utkface: UTKFace face images from {root}, target age, labels read from file names")
    folder = make_fairface(tmp_path / "f")
    assert load_dataset("fairface", folder).description == (
        f"fairface: FairFace face images from {folder}, target gender; test = val_labels.csv, "
        "val split off train_labels.csv")


def test_age_is_split_stratified_by_its_age_groups(tmp_path):
    from course_utils.data import age_group
    from course_utils.data._splits import Request, split_indices

    root = make_utkface(tmp_path, n=60)
    by_age = load_dataset("utkface", root, target="age", seed=2)
    names = sorted(p.name for p in root.glob("*.jpg"))
    bands = np.array([age_group(int(name.split("_")[0])) for name in names])
    parts = split_indices(bands, Request.make("utkface", root, needs_dir=True, seed=2))
    for split, rows in parts.items():
        assert by_age.attributes[split]["file"].tolist() == [names[i] for i in rows]


def test_utkface_messages_name_the_fields_and_the_expected_form(tmp_path):
    root = make_utkface(tmp_path / "u", n=10)
    (root / "12_0_x_2017.jpg").write_bytes(b"x")
    with pytest.raises(DatasetError) as caught:
        load_dataset("utkface", root)
    assert ("12_0_x_2017.jpg: file name has 4 field(s) ['12', '0', 'x', '2017']; expected "
            "[age]_[gender]_[race]_[datetime].jpg with gender 0/1 and race 0-4.") in str(
                caught.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError) as caught:
        load_dataset("utkface", tmp_path / "empty")
    assert str(caught.value) == (f"No UTKFace images in {tmp_path / 'empty'}; expected files "
                                 "named [age]_[gender]_[race]_[datetime].jpg (or .jpg.chip.jpg).")


@pytest.mark.parametrize(("value", "shown"), [("1", "['1']"), ("", "['<empty>']")])
def test_fairface_label_values_are_read_as_text(tmp_path, value, shown):
    folder = make_fairface(tmp_path)
    csv = folder / "train_labels.csv"
    lines = csv.read_text().splitlines()
    fields = lines[1].split(",")
    fields[2] = value  # the gender column
    csv.write_text("\n".join([lines[0], ",".join(fields), *lines[2:]]) + "\n")
    with pytest.raises(DatasetError, match=rf"Column 'gender' of .* has value\(s\) "
                                           rf"{re.escape(shown)}; expected one of"):
        load_dataset("fairface", folder)


def test_a_missing_fairface_csv_names_the_columns_it_needs(tmp_path):
    with pytest.raises(DatasetError) as caught:
        load_dataset("fairface", tmp_path)
    assert str(caught.value) == (f"FairFace label file {tmp_path / 'train_labels.csv'} does "
                                 "not exist; expected a CSV with columns file, age, gender, race.")


def test_a_numeric_fairface_column_is_reported_as_the_text_it_holds(tmp_path):
    folder = make_fairface(tmp_path)
    csv = folder / "train_labels.csv"
    lines = csv.read_text().splitlines()
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        row[1] = "30"  # every age a number, not one of FairFace's bands
    csv.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n")
    with pytest.raises(DatasetError, match=r"Column 'age' of .* has value\(s\) \['30'\]; "
                                           r"expected one of"):
        load_dataset("fairface", folder)
