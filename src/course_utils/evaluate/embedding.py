"""2-D t-SNE of learned embeddings (scikit-learn), on a seeded sample of the points.

Example
-------
>>> points, index = tsne_embed(np.eye(6), perplexity=2, max_iter=250)
>>> points.shape, index.tolist()
((6, 2), [0, 1, 2, 3, 4, 5])
"""

from __future__ import annotations

import numpy as np

from .._checks import check_int, check_number, fail
from ._labels import shape_of

__all__ = ["tsne_embed"]


def _sample(n: int, max_points: int, seed: int) -> np.ndarray:
    """Sorted positions of at most ``max_points`` of ``n`` rows, drawn with ``seed``."""
    if n > max_points:
        return np.sort(np.random.default_rng(seed).choice(n, max_points, replace=False))
    return np.arange(n)


def tsne_embed(
    embeddings,
    *,
    seed: int = 0,
    perplexity: float = 30.0,
    max_points: int = 2000,
    max_iter: int = 1000,
) -> tuple[np.ndarray, np.ndarray]:
    """2-D t-SNE (scikit-learn) of at most ``max_points`` rows, sampled with ``seed``.

    Parameters
    ----------
    embeddings : array-like of shape (n, d) (extra axes are flattened)
        For example the penultimate layer's outputs.
    seed : int, default 0
        Seeds both the sample and t-SNE.
    perplexity : float, default 30
        Must be below the number of points used.
    max_points : int, default 2000
        Cap on the points embedded (t-SNE is quadratic-ish in n).
    max_iter : int, default 1000
        Optimisation steps of :class:`sklearn.manifold.TSNE` (at least 250).

    Returns
    -------
    points : ndarray of shape (m, 2)
    index : ndarray of shape (m,)
        Sorted row positions of ``embeddings`` that were embedded (select the
        matching labels with it).

    Example
    -------
    >>> points, index = tsne_embed(np.random.default_rng(0).normal(size=(50, 8)), perplexity=10,
    ...                            max_iter=250)
    >>> points.shape
    (50, 2)
    """
    from sklearn.manifold import TSNE

    seed = check_int(seed, "seed", "tsne_embed", minimum=0)
    max_points = check_int(max_points, "max_points", "tsne_embed", minimum=2)
    max_iter = check_int(max_iter, "max_iter", "tsne_embed", minimum=250)
    array = np.asarray(embeddings, dtype=np.float32)
    if array.ndim < 2 or len(array) < 2:
        raise fail("embeddings", "tsne_embed", "of shape (n, d) with n >= 2", shape_of(array))
    array = array.reshape(len(array), -1)
    index = _sample(len(array), max_points, seed)
    check_number(perplexity, "perplexity", "tsne_embed")
    if not 0 < perplexity < len(index):
        raise fail("perplexity", "tsne_embed",
                   f"a number > 0 and below the number of points ({len(index)})", perplexity,
                   hint="Pass a smaller perplexity.")
    tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", learning_rate="auto",
                random_state=seed, max_iter=max_iter)
    return tsne.fit_transform(array[index]), index
