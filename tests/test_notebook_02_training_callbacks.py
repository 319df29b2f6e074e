"""Notebook 02: every sentence that depends on the run is chosen by the computed value.

Each test runs one of the notebook's own cells on fake runs under two outcomes of
opposite sign and checks that the glued words follow the numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from notebook_cells import FakeRecord, fake_classifier, history_frame, run_cell

NB = "02_training_callbacks"
Y = np.array([0, 1, 2] * 40)


def _early_and_long(long_predicted, *, long_history, stopped_history, stopped_epoch=4):
    stopped = fake_classifier(Y, Y, name="early_stopping", history=stopped_history,
                              best_epoch=2, stopped_epoch=stopped_epoch)
    long_run = fake_classifier(Y, long_predicted, name="long_run", history=long_history,
                               best_epoch=2, stopped_epoch=len(long_history))
    return stopped, long_run


def _extra_cell(long_predicted, stopped_history=None):
    long_history = history_frame([1.0, 0.5, 0.7, 0.9, 1.1, 1.3])
    stopped_history = long_history.iloc[:4] if stopped_history is None else stopped_history
    stopped, long_run = _early_and_long(long_predicted, long_history=long_history,
                                        stopped_history=stopped_history)
    record = FakeRecord()
    glued = run_cell(NB, "6b3c8d04", stopped=stopped, long_run=long_run, seed=0,
                     history=long_history, record=record)
    return glued, record


def test_the_extra_epochs_verdict_follows_the_paired_interval():
    worse = Y.copy()
    worse[:40] = (worse[:40] + 1) % 3  # the long run gets a third of the test images wrong
    lowered, record = _extra_cell(worse)
    assert lowered["extra_verdict"] == "lowered the accuracy"
    assert lowered["extra_ci_high"] < 0
    assert record.comparisons["long_run_vs_early_stopping"]["second"] == "long_run"
    same, _ = _extra_cell(Y)
    assert same["extra_verdict"] == "did not change the accuracy"
    nearly = Y.copy()
    nearly[0] = 1  # one image: within noise
    noise, _ = _extra_cell(nearly)
    assert noise["extra_verdict"] == "changed the accuracy by no more than noise"


def test_seeding_is_called_exact_only_when_the_runs_agree_exactly():
    exact, _ = _extra_cell(Y)
    assert exact["seeding_words"] == "seeding makes the comparison exact"
    drifted = history_frame([1.0, 0.5, 0.7, 0.9, 1.1, 1.3]).iloc[:4].copy()
    drifted.loc[1, "val_loss"] += 1e-6
    close, _ = _extra_cell(Y, stopped_history=drifted)
    assert "close rather than identical" in close["seeding_words"]
    assert close["es_prefix_difference"] == pytest.approx(1e-6)


def _drift_cell(reduced_val_loss, *, lr):
    long_history = history_frame([1.0, 0.6, 0.5, 0.7, 0.9, 1.2])
    long_run = fake_classifier(Y, Y, name="long_run", history=long_history)
    reduced = fake_classifier(Y, Y, name="reduce_lr", history=history_frame(
        reduced_val_loss, lr=lr))
    return run_cell(NB, "0d5f3c82", long_run=long_run, reduced=reduced, seed=0,
                    record=FakeRecord())


CUT = [0.01, 0.01, 0.01, 0.01, 0.001, 0.001]


def test_overfitting_after_the_cut_is_said_to_stop_slow_or_go_on_as_the_histories_show():
    stops = _drift_cell([1.0, 0.6, 0.5, 0.7, 0.45, 0.44], lr=CUT)["drift_sentence"]
    assert "overfitting of the long run's last epochs stops" in stops
    slows = _drift_cell([1.0, 0.6, 0.5, 0.7, 0.72, 0.75], lr=CUT)["drift_sentence"]
    assert "slows down" in slows
    goes_on = _drift_cell([1.0, 0.6, 0.5, 0.7, 1.0, 1.5], lr=CUT)["drift_sentence"]
    assert "do not slow" in goes_on
    never = _drift_cell([1.0, 0.6, 0.5, 0.7, 0.9, 1.2], lr=[0.01] * 6)
    assert "never cut" in never["drift_sentence"] and never["lr_cut_words"] == "never"


def test_the_cut_count_is_worded_for_one_and_for_several_cuts():
    once = _drift_cell([1.0] * 6, lr=CUT)["lr_cut_words"]
    assert once == "once, at the start of epoch 5"
    twice = _drift_cell([1.0] * 6, lr=[0.01, 0.01, 0.001, 0.001, 0.0001, 0.0001])
    assert twice["lr_cut_words"] == "2 times, at the start of epochs 3, 5"


def _checkpoint_cell(reloaded_predicted, noise=0.0):
    run = fake_classifier(Y, Y, name="callbacks", metrics={"test_accuracy": 1.0})
    reloaded = fake_classifier(Y, reloaded_predicted, name="checkpoint_reloaded", noise=noise,
                               metrics={"test_accuracy": float(np.mean(reloaded_predicted == Y))})
    return run_cell(NB, "6f8b0d15", run=run, checkpoint="model.keras", record=FakeRecord(),
                    reload_checkpoint=lambda *args, **kwargs: reloaded)


def test_the_checkpoint_is_said_to_reproduce_the_model_only_when_it_does():
    exact = _checkpoint_cell(Y)
    assert exact["checkpoint_words"] == "reproduces the best model exactly"
    assert exact["reloaded_verdict"] == "equals"
    close = _checkpoint_cell(Y, noise=1e-7)
    assert "predicted classes" in close["checkpoint_words"]
    moved = Y.copy()
    moved[:3] = (moved[:3] + 1) % 3
    differs = _checkpoint_cell(moved)
    assert differs["checkpoint_words"].startswith("does not reproduce")
    assert differs["reloaded_verdict"] == "differs from"
    assert differs["reloaded_labels"] == "another class for 3 test images"


def _summary_cell(*, stopped_best, stopped_epoch, run_stopped):
    history = history_frame([1.0, 0.5, 0.7, 0.9, 1.1, 1.3])
    long_run = fake_classifier(Y, Y, name="long_run", history=history, best_epoch=2,
                               stopped_epoch=6)
    stopped = fake_classifier(Y, Y, name="early_stopping", best_epoch=stopped_best,
                              stopped_epoch=stopped_epoch)
    run = fake_classifier(Y, Y, name="callbacks", best_epoch=2, stopped_epoch=run_stopped)
    names = dict(long_run=long_run, stopped=stopped, reduced=long_run, run=run, reloaded=run,
                 history=history, epochs=6)
    return run_cell(NB, "0d2f4b59", **names)


def test_the_summary_says_whether_early_stopping_stopped_and_found_the_best_epoch():
    found = _summary_cell(stopped_best=2, stopped_epoch=4, run_stopped=4)
    assert found["es_found_words"] == "found the long run's best epoch (2) by itself"
    assert found["es_time_words"] == "saved the training time after it"
    assert found["cb_stop_words"] == "stopped 2 epochs after its best epoch"
    missed = _summary_cell(stopped_best=3, stopped_epoch=6, run_stopped=6)
    assert "while the long run's lowest validation loss came at epoch 2" in missed[
        "es_found_words"]
    assert missed["es_time_words"] == "never stopped early in this run"
    assert missed["cb_stop_words"] == "ran to its last epoch without stopping"
