"""Tests for course_utils.plots.images: image grids and prediction galleries."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.plots import image_grid, prediction_gallery

NAMES = ["cat", "dog", "bird"]


@pytest.fixture
def predictions():
    rng = np.random.default_rng(0)
    y_true = np.tile(np.arange(3), 20)
    logits = rng.normal(size=(60, 3)) + 2.0 * np.eye(3)[y_true]
    images = rng.uniform(size=(60, 8, 8, 1)).astype("float32")
    return images, y_true, logits.argmax(axis=1)


def test_image_grid_one_image_per_axes_and_spare_axes_off(pyplot, predictions):
    images = predictions[0][:10]
    axes = image_grid(images, titles=[str(i) for i in range(10)], ncols=4)
    assert axes.shape == (12,)
    assert [len(ax.images) for ax in axes] == [1] * 10 + [0, 0]
    assert not axes[11].axison
    assert axes[3].get_title() == "3"
    assert axes[0].images[0].get_array().shape == (8, 8)
    np.testing.assert_allclose(axes[0].images[0].get_array(), images[0, ..., 0])


def test_image_grid_draws_on_given_axes(pyplot):
    fig, grid = pyplot.subplots(2, 2)
    out = image_grid(np.zeros((3, 4, 4, 3)), axes=grid)
    assert list(out) == list(grid.ravel())
    assert pyplot.get_fignums() == [fig.number]


def test_image_grid_rejects_wrong_title_count(pyplot):
    with pytest.raises(ParameterError, match=r"'titles' .* one title per image \(2\)\. Got 1"):
        image_grid(np.zeros((2, 4, 4)), titles=["a"])


def test_image_grid_rejects_flat_vector_and_bad_ncols(pyplot):
    with pytest.raises(ParameterError, match=r"'images' .* \(n, h, w\).*Got shape \(5,\)"):
        image_grid(np.zeros(5))
    with pytest.raises(ParameterError, match=r"'ncols' .* an int >= 1\. Got 0 instead"):
        image_grid(np.zeros((2, 4, 4)), ncols=0)


@pytest.mark.parametrize("correct", [True, False])
def test_prediction_gallery_shows_only_the_requested_kind(pyplot, predictions, correct):
    images, y_true, y_pred = predictions
    axes = prediction_gallery(images, y_true, y_pred, class_names=NAMES, correct=correct, n=4)
    expected = np.flatnonzero((y_true == y_pred) == correct)[:4]
    titles = [ax.get_title() for ax in axes if ax.images]
    assert titles == [f"true {NAMES[y_true[i]]}\npred {NAMES[y_pred[i]]}" for i in expected]


def test_prediction_gallery_says_when_nothing_matches(pyplot):
    axes = prediction_gallery(np.zeros((2, 4, 4)), [0, 1], [0, 1], class_names=["a", "b"],
                              correct=False)
    assert len(axes) == 1 and axes[0].texts[0].get_text() == "no wrong predictions"


def test_prediction_gallery_rejects_mismatched_lengths(pyplot):
    with pytest.raises(ParameterError,
                       match=r"'y_pred' .* as long as 'images' \(2\)\. Got 3 labels"):
        prediction_gallery(np.zeros((2, 4, 4)), [0, 1], [0, 1, 1], class_names=["a", "b"])
