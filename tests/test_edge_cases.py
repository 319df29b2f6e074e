"""Edge cases where the published numbers come from.

Each test pins a number that a small, realistic mistake would move: a class
that is never predicted (zero division), splits that lose their stratification,
a glued value that myst-nb could not format, a record whose accuracy disagrees
with the predictions it saved.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

from course_utils.data import load_dataset
from course_utils.data._splits import Request, split_indices, train_val_indices
from course_utils.evaluate import per_class_accuracy, scores

# --- a class that is never predicted ------------------------------------------------------------
# Four classes. Class 2 has two examples and is never predicted (its precision divides by
# zero); class 3 has no example at all and is never predicted (its recall divides by zero).
#   recall    c0 3/4, c1 2/4, c2 0, c3 0 (undefined)  -> macro 0.3125 (0.5625 if undefined = 1)
#   precision c0 3/6, c1 2/4, c2 0 (undefined), c3 0 (undefined) -> macro 0.25 (0.75 if = 1)
ABSENT_TRUE = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2])
ABSENT_PRED = np.array([0, 0, 0, 1, 1, 1, 0, 0, 1, 0])


def _one_hot_probabilities(pred, k=4):
    """Probabilities whose argmax is ``pred``: 0.7 on the predicted class, 0.1 elsewhere."""
    return np.full((len(pred), k), 0.1) + 0.6 * np.eye(k)[pred]


def _absent_class_scores():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return scores(ABSENT_TRUE, _one_hot_probabilities(ABSENT_PRED))


def test_a_class_never_predicted_scores_zero_precision_and_recall():
    got = _absent_class_scores()
    assert got["accuracy"] == pytest.approx(5 / 10)
    assert got["recall_macro"] == pytest.approx(0.3125)
    assert got["precision_macro"] == pytest.approx(0.25)
    assert got["precision_weighted"] == pytest.approx(0.4)  # (4 * 3/6 + 4 * 2/4 + 2 * 0) / 10
    assert got["recall_weighted"] == pytest.approx(0.5)
    # c0: 2 * (1/2 * 3/4) / (1/2 + 3/4) = 0.6, c1: 0.5, c2 and c3: 0
    assert got["f1_macro"] == pytest.approx((0.6 + 0.5) / 4)
    assert got["f1_weighted"] == pytest.approx((4 * 0.6 + 4 * 0.5) / 10)


def test_the_zero_division_fixture_tells_zero_from_one():
    """The fixture moves when undefined precision/recall count as 1 (the planted mistake)."""
    for zero_division, recall, precision in ((0, 0.3125, 0.25), (1, 0.5625, 0.75)):
        assert skm.recall_score(ABSENT_TRUE, ABSENT_PRED, labels=range(4), average="macro",
                                zero_division=zero_division) == pytest.approx(recall)
        assert skm.precision_score(ABSENT_TRUE, ABSENT_PRED, labels=range(4), average="macro",
                                   zero_division=zero_division) == pytest.approx(precision)


def test_an_absent_class_makes_roc_auc_nan_with_a_warning_naming_it():
    with pytest.warns(UndefinedMetricWarning, match=r"class indices \[3\] do not occur"):
        got = scores(ABSENT_TRUE, _one_hot_probabilities(ABSENT_PRED))
    assert np.isnan(got["roc_auc_ovr"])
    assert got["log_loss"] == pytest.approx(
        skm.log_loss(ABSENT_TRUE, _one_hot_probabilities(ABSENT_PRED), labels=range(4)))


def test_per_class_accuracy_is_zero_for_a_class_never_predicted_and_nan_when_absent():
    table = per_class_accuracy(ABSENT_TRUE, ABSENT_PRED, class_names=["a", "b", "c", "d"])
    assert table["support"].tolist() == [4, 4, 2, 0]
    assert table["accuracy"].tolist()[:3] == [0.75, 0.5, 0.0]
    assert np.isnan(table["accuracy"].iloc[3])


# --- splits stratified to within two examples per class ---------------------------------------


def _class_counts(labels, rows, k):
    return np.bincount(labels[rows], minlength=k)


def test_an_imbalanced_split_keeps_each_class_share_within_two_examples():
    # 150 / 40 / 10 examples: a plain seeded split of this order misses the shares by more.
    labels = np.repeat([0, 1, 2], [150, 40, 10])
    request = Request.make("digits", None, needs_dir=False, val_fraction=0.25, test_fraction=0.2)
    parts = split_indices(labels, request)
    total = np.bincount(labels)
    rest = total * (1 - 0.2)
    expected = {"test": total * 0.2, "val": rest * 0.25, "train": rest * 0.75}
    for name, rows in parts.items():
        assert np.abs(_class_counts(labels, rows, 3) - expected[name]).max() <= 2, name
    assert sorted(np.concatenate(list(parts.values())).tolist()) == list(range(200))


def test_the_stratification_check_fails_on_an_unstratified_split():
    """The same check, run on a split made without stratification, sees the difference."""
    labels = np.repeat([0, 1, 2], [150, 40, 10])
    request = Request.make("digits", None, needs_dir=False, val_fraction=0.25, test_fraction=0.2)
    plain = split_indices(labels, request, stratify=False)
    misses = np.abs(_class_counts(labels, plain["test"], 3) - np.bincount(labels) * 0.2)
    assert misses.max() > 2


def test_the_stratified_validation_split_of_an_official_train_set_keeps_shares():
    labels = np.repeat(np.arange(4), [120, 60, 15, 5])
    request = Request.make("fashion_mnist", None, needs_dir=False, val_fraction=0.2, seed=3)
    parts = train_val_indices(labels, request, val_split="stratified")
    expected = np.bincount(labels) * 0.2
    assert np.abs(_class_counts(labels, parts["val"], 4) - expected).max() <= 2
    assert sorted(np.concatenate([parts["train"], parts["val"]]).tolist()) == list(range(200))


def test_digits_splits_keep_every_class_share_within_two_examples():
    data = load_dataset("digits", val_fraction=0.2, test_fraction=0.2, seed=5)
    total = np.bincount(np.concatenate([data.y_train, data.y_val, data.y_test]))
    rest = total * 0.8
    for y, expected in ((data.y_test, total * 0.2), (data.y_val, rest * 0.2),
                        (data.y_train, rest * 0.8)):
        assert np.abs(np.bincount(y, minlength=10) - expected).max() <= 2


# --- glue: what myst_nb really stores ---------------------------------------------------------

_GLUE_SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    from IPython.core.displaypub import CapturingDisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.display_pub = CapturingDisplayPublisher()
    from course_utils.book.narrative import glue, glue_all
    import myst_nb

    glue("accuracy", np.float64(0.125))
    glue_all({"gap": np.float32(0.5), "winner": "adam"}, prefix="mlp_")
    glue("shown", np.int64(3), display=True)
    myst_nb.glue("raw", np.float64(0.125), display=False)
    print(json.dumps([{"data": o["data"], "metadata": o["metadata"]}
                      for o in shell.display_pub.outputs]))
""")


@pytest.fixture(scope="module")
def glued():
    """The display outputs that glue produced in a real IPython shell, as a notebook cell."""
    import nbformat

    done = subprocess.run([sys.executable, "-c", _GLUE_SCRIPT], capture_output=True,
                          text=True, check=True, timeout=120)
    outputs = json.loads(done.stdout.strip().splitlines()[-1])
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data=o["data"],
                                           metadata=o["metadata"]) for o in outputs]
    return outputs, cell


def test_glue_stores_a_hidden_plain_text_record_under_its_name(glued):
    outputs, _ = glued
    first = outputs[0]
    assert first["data"] == {"application/papermill.record/text/plain": "0.125"}
    assert first["metadata"]["scrapbook"] == {
        "name": "accuracy", "mime_prefix": "application/papermill.record/"}
    names = [o["metadata"]["scrapbook"]["name"] for o in outputs]
    assert names == ["accuracy", "mlp_gap", "mlp_winner", "shown", "raw"]
    assert outputs[2]["data"]["application/papermill.record/text/plain"] == "'adam'"
    shown = outputs[3]
    assert shown["data"] == {"text/plain": "3"} and shown["metadata"]["scrapbook"][
        "mime_prefix"] == ""


def test_myst_nb_reads_back_values_its_roles_can_format(glued):
    from myst_nb.core.variables import format_plain_text
    from myst_nb.ext.glue import extract_glue_data_cell

    _, cell = glued
    data = {key: output["data"]["text/plain"] for key, output in extract_glue_data_cell(cell)}
    assert format_plain_text(data["accuracy"], ".2f") == "0.12"
    assert format_plain_text(data["mlp_gap"], ".1%") == "50.0%"
    assert format_plain_text(data["mlp_winner"], "") == "adam"
    # what glue exists to avoid: myst_nb alone keeps numpy's repr, which no format accepts
    assert data["raw"] == "np.float64(0.125)"
    with pytest.raises(ValueError):
        format_plain_text(data["raw"], ".2f")


# --- a record of a real (tiny) training run -----------------------------------------------------


@pytest.fixture(scope="module")
def real_training_run():
    from course_utils.models import mlp
    from course_utils.train import fit

    data = load_dataset("digits", limit=60, seed=0)
    return fit(mlp(data.input_shape, 10, hidden=(8,)), data, epochs=1, seed=0, progress=False,
               name="tiny")


def test_real_training_record_agrees_with_the_predictions_it_saved(real_training_run, tmp_path):
    from course_utils.book.records import Record, load_record

    run = real_training_run
    record = Record("tiny_run", params={"seed": 0, "epochs": 1}, dataset=run.data.name)
    returned = record.add_run(run, metrics={"epochs_run": 1})
    record.save(tmp_path)
    saved = load_record("tiny_run", tmp_path)
    (entry,) = saved["experiments"]
    frame = pd.read_csv(tmp_path / "tiny_run-predictions.csv")

    assert entry["experiment"] == "tiny" and len(frame) == len(run.data.y_test) == 60
    np.testing.assert_array_equal(returned, run.probabilities("test"))
    assert frame["y_true"].tolist() == run.data.y_test.tolist()
    probs = frame[[f"prob_{name}" for name in run.data.class_names]].to_numpy()
    np.testing.assert_allclose(probs, run.probabilities("test"), rtol=1e-6)
    assert (probs.argmax(axis=1) == frame["y_pred"]).all()
    accuracy = float((frame["y_true"] == frame["y_pred"]).mean())
    assert entry["metrics"]["test_accuracy"] == pytest.approx(accuracy, abs=1e-12)
    assert entry["metrics"]["test_accuracy"] == pytest.approx(run.accuracy("test"), abs=1e-12)
    assert entry["metrics"]["val_accuracy"] == pytest.approx(run.accuracy("val"), abs=1e-6)
    assert entry["metrics"]["epochs_run"] == 1 and entry["params"] == run.params > 0
    assert saved["parameters"] == {"seed": 0, "epochs": 1} and saved["dataset"] == run.data.name


def test_real_training_record_choice_names_the_validation_winner(real_training_run):
    from course_utils.book.records import Record

    run = real_training_run
    record = Record("tiny_run", params={}, dataset=run.data.name)
    record.add_run(run, experiment="trained")
    record.add("constant", {"val_accuracy": 0.1, "test_accuracy": 0.99})
    expected = "trained" if run.metrics["val_accuracy"] > 0.1 else "constant"  # what it chose on
    assert record.choose("best", ["constant", "trained"]) == expected
    assert record.choices["best"]["among"] == ["constant", "trained"]


# --- CI never skips the browser check silently ----------------------------------------------


@pytest.mark.parametrize(("ci", "outcome"), [("true", "failed"), ("1", "failed"),
                                             (None, "skipped"), ("false", "skipped")])
def test_a_missing_chromium_fails_under_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    import test_book

    monkeypatch.setattr(test_book, "CHROMIUM", None)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if outcome == "failed" else pytest.skip.Exception
    with pytest.raises(expected, match="chromium is not installed") as caught:
        test_book.require_chromium()
    assert ("CI is set" in str(caught.value)) == (outcome == "failed")
    monkeypatch.setattr(test_book, "CHROMIUM", "/usr/bin/chromium")
    assert test_book.require_chromium() == "/usr/bin/chromium"
