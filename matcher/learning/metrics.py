"""How good a ranking and a probability are: NDCG@k over many lists at once, the expected
calibration error and the data of a reliability diagram."""

from __future__ import annotations

import numpy as np


def _positions(list_id: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Each item's rank (1 = top) in its list when ordered by `key` descending; ties keep
    the items' order."""
    order = np.lexsort((np.arange(len(key)), -key, list_id))
    starts = np.searchsorted(list_id[order], list_id[order], side="left")
    rank = np.empty(len(key), dtype=int)
    rank[order] = np.arange(len(key)) - starts + 1
    return rank


def ndcg_per_list(list_id: np.ndarray, score: np.ndarray, gain: np.ndarray, k: int = 10,
                  ) -> np.ndarray:
    """NDCG@k of each list that holds a relevant item (gain > 0), in list order; gains are
    graded (2^gain − 1). `list_id` must be sorted."""
    n_lists = int(list_id.max()) + 1 if len(list_id) else 0
    value = 2.0 ** gain - 1.0

    def dcg(rank: np.ndarray) -> np.ndarray:
        top = rank <= k
        return np.bincount(list_id[top], value[top] / np.log2(rank[top] + 1),
                           minlength=n_lists)

    ideal = dcg(_positions(list_id, gain.astype(float)))
    got = dcg(_positions(list_id, score))
    keep = ideal > 0
    return got[keep] / ideal[keep]


def ndcg(list_id: np.ndarray, score: np.ndarray, gain: np.ndarray, k: int = 10) -> float:
    """Mean NDCG@k over the lists holding a relevant item."""
    per = ndcg_per_list(list_id, score, gain, k)
    return float(per.mean()) if len(per) else float("nan")


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10,
                ) -> list[dict[str, float | None]]:
    """Equal-width bins of the predicted probability: per bin its range, how many
    predictions fell in it, their mean and the observed rate (the reliability diagram)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out: list[dict[str, float | None]] = []
    for b in range(bins):
        inside = which == b
        n = int(inside.sum())
        out.append({"from": round(float(edges[b]), 2), "to": round(float(edges[b + 1]), 2),
                    "count": n,
                    "mean_predicted": round(float(p[inside].mean()), 4) if n else None,
                    "observed": round(float(y[inside].mean()), 4) if n else None})
    return out


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Σ over equal-width bins of (share of predictions in the bin) × |mean predicted −
    observed rate|."""
    total = len(p)
    if not total:
        return float("nan")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    return float(sum(abs(p[which == b].mean() - y[which == b].mean()) * (which == b).sum()
                     for b in range(bins) if (which == b).any()) / total)


__all__ = ["expected_calibration_error", "ndcg", "ndcg_per_list", "reliability"]
