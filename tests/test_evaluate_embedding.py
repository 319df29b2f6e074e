"""Tests for course_utils.evaluate.embedding: t-SNE is seeded, capped and checked."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.evaluate import tsne_embed


def test_tsne_embed_is_seeded_and_capped():
    data = np.random.default_rng(3).normal(size=(120, 5))
    options = {"perplexity": 10, "max_points": 60, "max_iter": 250}
    points, index = tsne_embed(data, seed=1, **options)
    again, index_again = tsne_embed(data, seed=1, **options)
    assert points.shape == (60, 2) and index.shape == (60,)
    assert np.all(np.diff(index) > 0)
    np.testing.assert_array_equal(index, index_again)
    np.testing.assert_allclose(points, again)
    _, other = tsne_embed(data, seed=2, **options)
    assert not np.array_equal(index, other)


def test_tsne_embed_rejects_perplexity_above_points():
    with pytest.raises(ParameterError, match=r"'perplexity' .* below the number of points \(20\)"):
        tsne_embed(np.zeros((20, 3)), perplexity=30)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"max_points": 1}, r"'max_points' .* an int >= 2\. Got 1 instead"),
        ({"max_iter": 100}, r"'max_iter' .* an int >= 250\. Got 100 instead"),
        ({"seed": True}, r"'seed' .* an int >= 0\. Got True instead"),
        ({"perplexity": "high"}, r"'perplexity' .* a number\. Got 'high' instead"),
    ],
)
def test_tsne_embed_rejects_bad_options(options, match):
    with pytest.raises(ParameterError, match=match):
        tsne_embed(np.zeros((20, 3)), **options)


def test_tsne_embed_rejects_a_flat_vector():
    with pytest.raises(ParameterError, match=r"'embeddings' .* \(n, d\).*Got shape \(5,\)"):
        tsne_embed(np.zeros(5))
