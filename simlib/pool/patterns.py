"""Units that share a muscle-side chain run: grouping by impulse pattern within a budget of runs."""

from __future__ import annotations

import numpy as np

__all__ = ["share_patterns"]


def share_patterns(transmitted: np.ndarray, weight: np.ndarray,
                   budget: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group units by muscle-impulse pattern, at most ``budget`` non-empty patterns.

    Identical patterns always share (exact). When more than ``budget`` distinct non-empty patterns
    remain, the ``budget`` of largest force weight are kept; every other unit's spikes are those of
    the kept pattern nearest in Hamming distance (the fewest impulses transmitted differently), and
    the kept patterns' force weights are fitted so that, impulse by impulse, the mixture transmits
    the force-weighted number of units that fire (:func:`_mixture_weights`).

    Parameters
    ----------
    transmitted : numpy.ndarray of bool
        Impulses that fire each unit's fibres (units x impulses).
    weight : numpy.ndarray
        Force weight of each unit.
    budget : int
        Most non-empty patterns (>= 1).

    Returns
    -------
    patterns : numpy.ndarray of bool
        The shared patterns (patterns x impulses).
    inverse : numpy.ndarray of int
        Each unit's pattern index.
    pattern_weight : numpy.ndarray
        Each pattern's share of the pool's force (the sum of its units' weights when exact).
    """
    rows, inverse = np.unique(transmitted, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    group_weight = np.bincount(inverse, weights=weight, minlength=rows.shape[0])
    live = np.flatnonzero(rows.any(axis=1))
    if live.size <= budget:
        return rows, inverse, group_weight
    kept = live[np.argsort(-group_weight[live], kind="stable")[:budget]]
    distance = (rows[:, None, :] != rows[None, kept, :]).sum(axis=2)
    target = kept[np.argmin(distance, axis=1)]
    target[~rows.any(axis=1)] = np.flatnonzero(~rows.any(axis=1))  # the empty pattern stays itself
    groups, new_inverse = np.unique(target[inverse], return_inverse=True)
    patterns = rows[groups]
    return patterns, new_inverse.ravel(), _mixture_weights(patterns, transmitted, weight)


def _mixture_weights(patterns: np.ndarray, transmitted: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Non-negative pattern weights whose mixture transmits, impulse by impulse, what the units transmit.

    Least squares (scipy's NNLS) on the force-weighted number of units fired by each impulse, with the
    total weight of the units that fire at all held (a heavily weighted extra row).
    """
    from scipy.optimize import nnls

    live = patterns.any(axis=1)
    target = weight @ transmitted.astype(float)
    total = weight[transmitted.any(axis=1)].sum()
    scale = 10.0 * max(transmitted.shape[1], 1)
    matrix = np.vstack([patterns[live].T.astype(float), np.full((1, int(live.sum())), scale)])
    mixture, _ = nnls(matrix, np.append(target, scale * total))
    out = np.zeros(patterns.shape[0])
    out[live] = mixture
    return out
