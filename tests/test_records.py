"""Results records: JSON and predictions CSV, written atomically."""

import json

import numpy as np
import pandas as pd
import pytest

from course_utils.book.records import Record, load_record
from course_utils.errors import ParameterError


def test_record_writes_json_with_parameters_and_metrics(results_tmp):
    rec = Record("01_optimizers", params={"seed": 3, "epochs": 2, "preset": "smoke"},
                 dataset="digits")
    rec.add("adam", {"test_accuracy": np.float32(0.5)}, wall_seconds=1.23456)
    rec.save()
    data = json.loads((results_tmp / "01_optimizers.json").read_text())
    assert data["seed"] == 3
    assert data["preset"] == "smoke"
    assert data["parameters"]["epochs"] == 2
    assert data["experiments"] == [
        {"experiment": "adam", "metrics": {"test_accuracy": 0.5}, "wall_seconds": 1.235}]
    assert "keras" in data["versions"] and data["device"].startswith(("CPU", "GPU"))
    assert load_record("01_optimizers")["dataset"] == "digits"


def test_predictions_csv_lets_a_reader_recompute_accuracy(results_tmp):
    rng = np.random.default_rng(0)
    prob = rng.dirichlet(np.ones(3), size=20)
    y_true = rng.integers(0, 3, size=20)
    rec = Record("05_evaluation", params={}, dataset="digits")
    rec.add("baseline", {"test_accuracy": float((prob.argmax(1) == y_true).mean())})
    rec.add_predictions("baseline", y_true, y_prob=prob, class_names=["a", "b", "c"],
                        groups={"group": ["g"] * 20})
    rec.save()
    frame = pd.read_csv(results_tmp / "05_evaluation-predictions.csv")
    assert list(frame.columns) == ["experiment", "y_true", "y_pred", "prob_a", "prob_b",
                                   "prob_c", "group"]
    recomputed = (frame.y_true == frame.y_pred).mean()
    assert recomputed == pytest.approx(load_record("05_evaluation")["experiments"][0]
                                       ["metrics"]["test_accuracy"])


def test_regression_predictions_keep_x(results_tmp):
    rec = Record("08_rnn_sine", params={}, dataset="sine")
    x = np.linspace(-1, 1, 5)
    rec.add_predictions("mlp", np.sin(x), np.sin(x) + 0.1, x=x)
    rec.save()
    frame = pd.read_csv(results_tmp / "08_rnn_sine-predictions.csv")
    assert np.allclose(frame.x, x) and np.allclose(frame.y_pred - frame.y_true, 0.1)


def test_duplicate_experiment_is_refused():
    rec = Record("01_optimizers", params={}, dataset="digits")
    rec.add("sgd", {})
    with pytest.raises(ParameterError, match=r"The 'experiment' parameter of Record.add must be a "
                                             r"name not already in the record of 01_optimizers\. "
                                             r"Got 'sgd' instead"):
        rec.add("sgd", {})


def test_mismatched_lengths_are_refused():
    rec = Record("01_optimizers", params={}, dataset="digits")
    with pytest.raises(ParameterError, match=r"'y_pred' parameter of Record.add_predictions must "
                                             r"be of the same length as y_true \(2 values\)"):
        rec.add_predictions("sgd", [0, 1], [0])


def test_save_leaves_no_temporary_files(results_tmp):
    rec = Record("01_optimizers", params={}, dataset="digits")
    rec.save()
    assert sorted(p.name for p in results_tmp.iterdir()) == ["01_optimizers.json"]


def test_missing_record_names_the_command(results_tmp):
    with pytest.raises(FileNotFoundError, match="course-book run 02_training_callbacks"):
        load_record("02_training_callbacks")


class _FakeRun:
    """Stands in for train.RunResult: a name, metrics and fixed test predictions."""

    def __init__(self, prob, data):
        self.name, self.data, self._prob = "sgd", data, prob
        self.metrics = {"train_accuracy": 0.9, "test_accuracy": -1.0}
        self.wall_seconds, self.params = 2.0, 10

    def probabilities(self, split):
        assert split == "test"
        return self._prob

    def accuracy(self, split):
        return float(np.mean(self.probabilities(split).argmax(axis=1) == self.data.y_test))


def _fake_data(y_test, attributes=None, task="classification"):
    from types import SimpleNamespace

    return SimpleNamespace(y_test=y_test, x_test=np.zeros((len(y_test), 1)),
                           class_names=("a", "b", "c"), task=task,
                           attributes=attributes or {})


def test_add_run_recomputes_test_accuracy_from_the_recorded_probabilities(results_tmp):
    prob = np.eye(3)[[0, 1, 2, 0]]
    y_test = np.array([0, 1, 0, 0])
    rec = Record("02_training_callbacks", params={}, dataset="digits")
    returned = rec.add_run(_FakeRun(prob, _fake_data(y_test)), metrics={"best_epoch": 4})
    rec.save()
    entry = load_record("02_training_callbacks")["experiments"][0]
    assert entry["experiment"] == "sgd" and entry["params"] == 10
    assert entry["metrics"] == {"train_accuracy": 0.9, "test_accuracy": 0.75, "best_epoch": 4}
    frame = pd.read_csv(results_tmp / "02_training_callbacks-predictions.csv")
    assert (frame.y_true == frame.y_pred).mean() == pytest.approx(0.75)
    assert returned is prob


def test_add_run_records_the_test_attributes_as_groups_but_not_paths(results_tmp):
    table = pd.DataFrame({"gender": ["f", "m"], "path": ["/x/1.jpg", "/x/2.jpg"]})
    rec = Record("03_loss_functions", params={}, dataset="utkface")
    rec.add_run(_FakeRun(np.eye(3)[[0, 1]], _fake_data(np.array([0, 1]), {"test": table})),
                experiment="mse")
    rec.save()
    frame = pd.read_csv(results_tmp / "03_loss_functions-predictions.csv")
    assert list(frame.experiment) == ["mse", "mse"]
    assert "gender" in frame.columns and "path" not in frame.columns


def test_add_runs_averages_repeats_and_recomputes_accuracy_from_every_row(results_tmp):
    y_test = np.array([0, 1, 0, 0])
    first, second = _FakeRun(np.eye(3)[[0, 1, 2, 0]], _fake_data(y_test)), _FakeRun(
        np.eye(3)[[1, 1, 1, 1]], _fake_data(y_test))
    second.metrics = {"train_accuracy": 0.7, "test_accuracy": -1.0}
    rec = Record("09_transfer_learning", params={}, dataset="digits")
    returned = rec.add_runs([first, second], experiment="scratch_n1",
                            metrics={"labels_per_class": 1})
    rec.save()
    entry = load_record("09_transfer_learning")["experiments"][0]
    assert entry["experiment"] == "scratch_n1" and entry["repeats"] == 2
    assert entry["wall_seconds"] == 4.0 and entry["params"] == 10
    assert entry["metrics"] == {"train_accuracy": pytest.approx(0.8), "test_accuracy": 0.5,
                                "labels_per_class": 1}
    frame = pd.read_csv(results_tmp / "09_transfer_learning-predictions.csv")
    assert frame.repeat.tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    assert (frame.y_true == frame.y_pred).mean() == pytest.approx(0.5)
    assert len(returned) == 2


def test_add_runs_needs_a_run():
    rec = Record("09_transfer_learning", params={}, dataset="digits")
    with pytest.raises(ParameterError, match=r"The 'results' parameter of Record.add_runs must be "
                                             r"a sequence of at least one run\. Got \[\] instead"):
        rec.add_runs([], experiment="scratch")


def test_choose_picks_on_validation_and_records_the_choice(results_tmp):
    from course_utils.book import Record, load_record

    record = Record("99_choice", params={"seed": 0}, dataset="digits")
    record.add("a", {"val_accuracy": 0.70, "test_accuracy": 0.99})
    record.add("b", {"val_accuracy": 0.90, "test_accuracy": 0.50})
    record.add("c", {"val_accuracy": 0.90, "test_accuracy": 0.60})
    assert record.choose("best", ["a", "b", "c"]) == "b"  # not the test winner; ties: first
    assert record.choose("lowest_loss", ["a", "b"], metric="val_accuracy",
                         higher_is_better=False) == "a"
    with pytest.raises(ParameterError, match="must be a validation metric"):
        record.choose("cheat", ["a", "b"], metric="test_accuracy")
    with pytest.raises(ParameterError, match="experiments already added"):
        record.choose("typo", ["a", "z"])
    record.save()
    saved = load_record("99_choice")
    assert saved["choices"]["best"] == {"winner": "b", "metric": "val_accuracy",
                                        "among": ["a", "b", "c"], "higher_is_better": True}
