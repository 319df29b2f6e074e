"""Tests for course_utils.train: seeds, optimizers, callbacks, runs and comparisons."""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import pytest

from course_utils.data import load_dataset
from course_utils.errors import ParameterError
from course_utils.models import cnn, mlp, rnn
from course_utils.train import (
    Comparison,
    RunResult,
    after_best_epoch,
    cnn_trial_variants,
    fit,
    get_optimizer,
    history_difference,
    load_model,
    lr_cuts,
    optimizer_variants,
    read_history_csv,
    reload_checkpoint,
    run_variants,
    set_seed,
)

QUIET = {"progress": False, "batch_size": 32}


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", limit=96)


@pytest.fixture(scope="module")
def sine():
    return load_dataset("sine", limit=64)


def small_mlp(data, **options):
    return mlp(data.input_shape, data.num_classes, hidden=(16,), **options)


def seeded_fit(data, seed, **options):
    set_seed(seed)
    return fit(small_mlp(data, dropout=0.2), data, seed=seed, epochs=2, **QUIET, **options)


# ---------------------------------------------------------------- seeds
@pytest.fixture(scope="module")
def seed3_history(digits):
    return seeded_fit(digits, 3).history.drop(columns="epoch_seconds")


def test_same_seed_gives_identical_history(digits, seed3_history):
    again = seeded_fit(digits, 3).history.drop(columns="epoch_seconds")
    pd.testing.assert_frame_equal(seed3_history, again)


def test_different_seed_gives_different_history(digits, seed3_history):
    other = seeded_fit(digits, 4).history
    assert not np.allclose(seed3_history["loss"], other["loss"])


def test_set_seed_rejects_a_non_integer():
    with pytest.raises(ParameterError, match="'seed' parameter.*'zero'"):
        set_seed("zero")


# ---------------------------------------------------------------- optimizers
@pytest.mark.parametrize(
    ("spec", "cls"),
    [("sgd", keras.optimizers.SGD), ("adam", keras.optimizers.Adam),
     ("adamax", keras.optimizers.Adamax), ("rmsprop", keras.optimizers.RMSprop),
     ("adagrad", keras.optimizers.Adagrad), ("nadam", keras.optimizers.Nadam)],
)
def test_optimizer_names_resolve_to_keras_classes(spec, cls):
    assert type(get_optimizer(spec)) is cls


def test_momentum_and_nesterov_are_sgd_with_momentum():
    momentum = get_optimizer("momentum")
    nesterov = get_optimizer("nesterov")
    assert isinstance(momentum, keras.optimizers.SGD) and momentum.momentum == 0.9
    assert nesterov.nesterov and not momentum.nesterov


def test_optimizer_dict_and_learning_rate_override():
    opt = get_optimizer({"name": "sgd", "learning_rate": 0.01, "momentum": 0.5})
    assert opt.momentum == 0.5
    assert float(opt.learning_rate) == pytest.approx(0.01)
    assert float(get_optimizer("adam", learning_rate=0.05).learning_rate) == pytest.approx(0.05)


def test_optimizer_dict_with_lr_names_the_fix():
    with pytest.raises(ParameterError, match="'lr'; Keras 3 calls it 'learning_rate'"):
        get_optimizer({"name": "sgd", "lr": 0.01})


def test_unknown_optimizer_is_rejected():
    with pytest.raises(ParameterError, match="'optimizer' parameter.*Got 'lbfgs'"):
        get_optimizer("lbfgs")


def test_optimizer_options_that_do_not_fit_are_rejected():
    with pytest.raises(ParameterError, match="do not fit Adam"):
        get_optimizer({"name": "adam", "momentum": 0.9})


def test_optimizer_variants_are_named_after_optimizer_and_momentum():
    variants = optimizer_variants(["sgd", {"name": "sgd", "momentum": 0.5}, "adam",
                                   {"name": "adam", "beta_1": 0.8}])
    assert list(variants) == ["sgd", "momentum_0.5", "adam", "adam_beta_1_0.8"]
    assert variants["momentum_0.5"] == {"optimizer": {"name": "sgd", "momentum": 0.5}}


def test_optimizer_variants_take_learning_rates_by_variant_then_optimizer_name():
    variants = optimizer_variants(
        ["sgd", {"name": "sgd", "momentum": 0.9}, "adam", "rmsprop"],
        learning_rates={"sgd": 0.01, "momentum_0.9": 0.05, "adam": 0.002})
    rates = {name: v.get("learning_rate") for name, v in variants.items()}
    assert rates == {"sgd": 0.01, "momentum_0.9": 0.05, "adam": 0.002, "rmsprop": None}
    one = optimizer_variants(["sgd", "adam"], learning_rates=0.1)
    assert {v["learning_rate"] for v in one.values()} == {0.1}


def test_optimizer_variants_use_a_label_and_drop_it_from_the_spec():
    variants = optimizer_variants([{"name": "sgd", "momentum": 0.9, "label": "heavy"}])
    assert variants == {"heavy": {"optimizer": {"name": "sgd", "momentum": 0.9}}}


@pytest.mark.parametrize("optimizers, message", [
    ("sgd", "non-empty list"),
    (["sgd", "sgd"], "lists 'sgd' twice"),
    ([{"momentum": 0.9}], "'name' key"),
    (["lbfgs"], "Got 'lbfgs'"),
])
def test_optimizer_variants_reject_bad_lists(optimizers, message):
    with pytest.raises(ParameterError, match=message):
        optimizer_variants(optimizers)


def test_optimizer_variants_reject_a_bad_learning_rate():
    with pytest.raises(ParameterError, match="entry for 'adam' must be a positive number"):
        optimizer_variants(["adam"], learning_rates={"adam": -1})


# ---------------------------------------------------------------- fit
@pytest.fixture(scope="module")
def trained(digits, tmp_path_factory):
    """One SGD run whose learning rate halves every epoch, with checkpoint and CSV."""
    folder = tmp_path_factory.mktemp("run") / "out"
    result = fit(small_mlp(digits), digits, name="mlp", optimizer="sgd", learning_rate=0.1,
                 epochs=3, reduce_lr={"factor": 0.5, "patience": 0, "min_delta": 100.0},
                 checkpoint=folder / "best.keras", history_csv=folder / "history.csv", **QUIET)
    return result, folder


def test_fit_returns_a_tidy_history(trained):
    result, _ = trained
    assert isinstance(result, RunResult)
    assert list(result.history.columns) == ["epoch", "accuracy", "loss", "val_accuracy",
                                            "val_loss", "lr", "epoch_seconds"]
    assert result.history["epoch"].tolist() == [1, 2, 3]
    assert (result.history["epoch_seconds"] > 0).all()
    assert result.stopped_epoch == 3 and result.epochs_run == 3
    assert result.params == result.model.count_params()


def test_learning_rate_is_recorded_per_epoch_and_reduced_on_plateau(trained):
    result, _ = trained
    # epoch 1 sets the plateau's reference, epoch 2 misses it, so epoch 3 runs at half
    np.testing.assert_allclose(result.history["lr"], [0.1, 0.1, 0.05], rtol=1e-6)
    assert "learning_rate" not in result.history


def test_fit_metrics_are_those_of_the_returned_model(trained, digits):
    result, _ = trained
    prob = result.predict("test")
    assert prob.shape == (len(digits.y_test), 10)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0, rtol=1e-5)
    accuracy = (prob.argmax(axis=1) == digits.y_test).mean()
    assert result.metrics["test_accuracy"] == pytest.approx(accuracy)
    assert {"train_accuracy", "val_accuracy", "test_loss", "val_loss"} <= set(result.metrics)


def test_checkpoint_and_history_csv_are_written(trained):
    result, folder = trained
    assert load_model(folder / "best.keras").count_params() == result.params
    logged = pd.read_csv(folder / "history.csv")
    assert {"lr", "epoch_seconds", "val_accuracy"} <= set(logged.columns)
    assert len(logged) == 3


def test_predict_rejects_an_unknown_split(trained):
    with pytest.raises(ParameterError, match="'split' parameter of predict.*'valid'"):
        trained[0].predict("valid")


def test_from_logits_model_predicts_probabilities_under_a_progress_bar(digits, capsys):
    model = small_mlp(digits, output_activation=None)
    result = fit(model, digits, name="shown", from_logits=True, epochs=1, batch_size=32)
    np.testing.assert_allclose(result.predict("val").sum(axis=1), 1.0, rtol=1e-5)
    assert "shown" in capsys.readouterr().err


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "mse"])
def test_losses_needing_one_hot_labels_get_them(digits, loss):
    result = fit(small_mlp(digits), digits, loss=loss, epochs=1, **QUIET)
    assert 0.0 <= result.metrics["test_accuracy"] <= 1.0


def test_unknown_loss_is_rejected(digits):
    with pytest.raises(ParameterError, match="'loss' parameter.*Got 'hinge'"):
        fit(small_mlp(digits), digits, loss="hinge", **QUIET)


def test_regression_reports_mse_loss_and_mae(sine):
    result = fit(rnn(sine.input_shape, kind="mlp"), sine, optimizer="adam", learning_rate=0.01,
                 epochs=2, **QUIET)
    assert {"test_loss", "test_mae", "train_mae"} <= set(result.metrics)
    assert result.predict("test").shape == (len(sine.y_test),)


def test_early_stopping_stops_and_restores_the_best_epoch(digits):
    result = fit(small_mlp(digits), digits, epochs=20, **QUIET,
                 early_stopping={"monitor": "val_loss", "patience": 1, "min_delta": 100.0})
    assert result.stopped_epoch == 2
    assert result.best_epoch == 1
    assert result.metrics["val_loss"] == pytest.approx(result.history["val_loss"][0], rel=1e-4)


def test_early_stopping_rejects_unknown_options(digits):
    with pytest.raises(ParameterError, match="'early_stopping' parameter got unknown.*'wait'"):
        fit(small_mlp(digits), digits, early_stopping={"wait": 3}, **QUIET)


def test_checkpoint_must_end_in_keras(digits, tmp_path):
    with pytest.raises(ParameterError, match="ending in '.keras'.*use e.g. 'best.keras'"):
        fit(small_mlp(digits), digits, checkpoint=tmp_path / "best.h5", **QUIET)


def test_tensorboard_writes_event_files(digits, tmp_path):
    fit(small_mlp(digits), digits, epochs=1, tensorboard=tmp_path / "tb", **QUIET)
    assert list((tmp_path / "tb").rglob("events.out.tfevents.*"))


def test_load_model_rejects_a_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="existing '.keras' file"):
        load_model(tmp_path / "none.keras")


def test_sample_weight_is_used(digits):
    set_seed(0)
    model = small_mlp(digits)
    before = [w.copy() for w in model.get_weights()]
    fit(model, digits, epochs=1, sample_weight=np.zeros(len(digits.y_train)), **QUIET)
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


def test_sample_weight_of_the_wrong_length_is_rejected(digits):
    with pytest.raises(ParameterError, match="one weight per training example"):
        fit(small_mlp(digits), digits, sample_weight=np.ones(3), **QUIET)


def test_augment_trains_from_the_tf_dataset(digits):
    calls = []

    def augment(images):
        calls.append(1)
        return images

    model = cnn(digits.input_shape, 10, blocks=(4,), dense=())
    result = fit(model, digits, augment=augment, epochs=1, **QUIET)
    assert calls and result.stopped_epoch == 1
    with pytest.raises(ParameterError, match="cannot be combined with 'augment'"):
        fit(model, digits, augment=augment, sample_weight=np.ones(len(digits.y_train)), **QUIET)


def test_run_variants_builds_fresh_models_with_the_same_seed(digits):
    variants = {"a": {"model": {"hidden": (8,)}}, "b": {"model": {"hidden": (8,)}}}
    comparison = run_variants(variants, digits, build="mlp", epochs=2, **QUIET)
    assert isinstance(comparison, Comparison)
    assert comparison["a"].metrics == comparison["b"].metrics
    summary = comparison.summary
    assert summary["variant"].tolist() == ["a", "b"]
    assert list(summary.columns[:6]) == ["variant", "params", "train_accuracy", "val_accuracy",
                                         "test_accuracy", "test_loss"]
    assert {"best_epoch", "epochs_run", "epoch_seconds", "wall_seconds"} <= set(summary.columns)
    history = comparison.history
    assert history.columns[0] == "variant"
    assert history["variant"].tolist() == ["a", "a", "b", "b"]
    assert {"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr",
            "epoch_seconds"} <= set(history.columns)


def test_run_variants_lets_a_variant_override_fit_options(digits):
    comparison = run_variants({"short": {"epochs": 1, "optimizer": "sgd"}}, digits, epochs=2,
                              build=lambda: small_mlp(digits), **QUIET)
    assert comparison.summary["epochs_run"].tolist() == [1]
    assert comparison.results["short"].params == small_mlp(digits).count_params()


def test_run_variants_rejects_an_unknown_builder(digits):
    with pytest.raises(ParameterError, match="'build' parameter of run_variants.*'vit'"):
        run_variants({"a": {}}, digits, build="vit")


def test_tensorflow_retracing_warnings_are_dropped_but_other_warnings_pass():
    import logging

    import course_utils.train  # noqa: F401  (installs the filter)

    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    logger = logging.getLogger("tensorflow")
    handler = Keep()
    logger.addHandler(handler)
    try:
        logger.warning("5 out of the last 5 calls to <function f> triggered tf.function "
                       "retracing. Tracing is expensive.")
        logger.warning("something else")
    finally:
        logger.removeHandler(handler)
    assert seen == ["something else"]


# ---------------------------------------------------------------- builders, histories, trials
def test_fit_builds_a_model_from_a_function_after_seeding(digits):
    def build():
        return small_mlp(digits, dropout=0.2)

    first = fit(build, digits, seed=4, epochs=1, **QUIET)
    second = fit(build, digits, seed=4, epochs=1, **QUIET)
    assert first.history["loss"].tolist() == second.history["loss"].tolist()


def test_fit_rejects_a_model_that_is_neither_a_model_nor_a_builder(digits):
    with pytest.raises(ParameterError, match="'model' parameter of fit must be a Keras model"):
        fit("mlp", digits, epochs=1, **QUIET)


def test_run_variants_takes_a_builder_per_variant(digits):
    variants = {"dense": {"build": "mlp", "model": {"hidden": (8,)}},
                "conv": {"model": {"blocks": (4,), "dense": ()}}}
    results = run_variants(variants, digits, build="cnn", epochs=1, **QUIET).results
    assert any(isinstance(layer, keras.layers.Conv2D) for layer in results["conv"].model.layers)
    assert not any(isinstance(layer, keras.layers.Conv2D)
                   for layer in results["dense"].model.layers)


def test_run_variants_rejects_an_unknown_builder_of_one_variant(digits):
    with pytest.raises(ParameterError, match="'build' parameter of run_variants"):
        run_variants({"a": {"build": "lstm"}}, digits, build="mlp", epochs=1, **QUIET)


def test_reload_checkpoint_scores_the_saved_best_model(trained, digits):
    result, folder = trained
    reloaded = reload_checkpoint(result, folder / "best.keras", name="again")
    assert reloaded.name == "again" and reloaded.best_epoch == result.best_epoch
    assert sorted(reloaded.metrics) == ["test_accuracy", "train_accuracy", "val_accuracy"]
    expected = float((reloaded.predict("test").argmax(axis=1) == digits.y_test).mean())
    assert reloaded.metrics["test_accuracy"] == expected


def test_read_history_csv_counts_epochs_from_one_and_matches_the_history(trained):
    result, folder = trained
    from_disk = read_history_csv(folder / "history.csv")
    assert from_disk["epoch"].tolist() == result.history["epoch"].tolist()
    assert history_difference(from_disk, result.history,
                              columns=["loss", "val_loss"]) == pytest.approx(0, abs=1e-6)


def test_read_history_csv_names_a_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="'nothing.csv', which does not exist"):
        read_history_csv(tmp_path / "nothing.csv")


def test_history_difference_compares_the_common_epochs_only():
    short = pd.DataFrame({"loss": [1.0, 0.5], "val_loss": [1.0, 0.9]})
    long = pd.DataFrame({"loss": [1.0, 0.5, 0.1], "val_loss": [1.0, 0.8, 2.0]})
    assert history_difference(short, long) == pytest.approx(0.1)
    with pytest.raises(ParameterError, match="names \\['accuracy'\\]"):
        history_difference(short, long, columns=["accuracy"])


def test_lr_cuts_lists_the_epochs_that_start_with_a_lower_rate():
    history = pd.DataFrame({"epoch": [1, 2, 3, 4], "lr": [0.1, 0.1, 0.01, 0.001]})
    assert lr_cuts(history) == [3, 4]
    assert lr_cuts(history.assign(lr=0.1)) == []
    with pytest.raises(ParameterError, match="needs an 'lr' column"):
        lr_cuts(history.drop(columns="lr"))


def test_after_best_epoch_reports_both_ends_of_the_run():
    history = pd.DataFrame({"epoch": [1, 2, 3], "loss": [1.0, 0.5, 0.2],
                            "val_loss": [1.0, 0.6, 0.7], "accuracy": [0.5, 0.8, 0.9],
                            "val_accuracy": [0.5, 0.7, 0.75], "epoch_seconds": [1.0, 2.0, 4.0]})
    facts = after_best_epoch(history, best_epoch=2)
    assert facts["epochs"] == 3 and facts["extra_seconds"] == 4.0
    assert facts["val_loss_trend"] == "rose"
    assert facts["end_gap"] == pytest.approx(0.15)
    assert facts["val_accuracy_gain"] == pytest.approx(0.05)
    with pytest.raises(ParameterError, match="between 1 and 3"):
        after_best_epoch(history, best_epoch=4)


def test_cnn_trial_variants_always_include_the_baseline_and_keep_the_order():
    trials, six = cnn_trial_variants(["d_l1", "wider", "d_cnn"], batch_norm_momentum=0.9)
    assert list(trials) == ["one_block", "wider"] and list(six) == ["d_l1", "d_cnn"]
    assert trials["wider"]["model"]["blocks"] == (128,)
    everything, _ = cnn_trial_variants(["bn_dropout_l2", "mlp"], batch_norm_momentum=0.9)
    assert everything["bn_dropout_l2"]["model"]["batch_norm_momentum"] == 0.9
    assert everything["mlp"]["build"] == "mlp"


def test_cnn_trial_variants_reject_an_unknown_name():
    with pytest.raises(ParameterError, match="unknown: \\['tiny'\\]"):
        cnn_trial_variants(["one_block", "tiny"])
