"""Match lists as arrays: the score features of every (candidate, vacancy) pair of many
lists, so that simulating, fitting and evaluating a ranker costs numpy operations, not
engine calls.

A list is one candidate's matches of one kind of vacancy (what a coach sees when asking
for one kind), its items contiguous. The features come from the engine's own scorer
(`lists_from_matcher`, on the demo or any database) or from a cheap seeded generator
whose marginals follow the scorer's definitions (`synthetic_lists`: tests, quick runs).
`scores` is `Scorer.score`'s formula over arrays, so any weights can rank them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psycopg

from matcher.domain import KINDS
from matcher.match.matcher import Matcher
from matcher.match.scoring import FEATURES

OPTIONAL = FEATURES.index("optional")
REGIONS = ("Arnsberg", "Detmold", "Düsseldorf", "Köln", "Münster")  # synthetic regions


@dataclass(frozen=True)
class MatchLists:
    """Items of many lists: `features` (n, len(FEATURES)) in FEATURES order, the list
    each belongs to (`list_id`, contiguous, from 0), its kind and region (indexes into
    KINDS and `regions`), and whether the vacancy asks for optional skills (if not, the
    optional feature carries no weight, as in the scorer)."""
    features: np.ndarray
    list_id: np.ndarray
    kind: np.ndarray
    region: np.ndarray
    optional_applies: np.ndarray
    regions: tuple[str, ...]

    @property
    def n_lists(self) -> int:
        return int(self.list_id.max()) + 1 if len(self.list_id) else 0

    def starts(self) -> np.ndarray:
        """Index of each list's first item, plus the end: list i is starts[i]:starts[i+1]."""
        return np.searchsorted(self.list_id, np.arange(self.n_lists + 1))

    def take_lists(self, ids: np.ndarray) -> MatchLists:
        """The given lists (renumbered 0.. in the order given)."""
        bounds = self.starts()
        rows = np.concatenate([np.arange(bounds[i], bounds[i + 1]) for i in ids]) \
            if len(ids) else np.zeros(0, dtype=int)
        sizes = bounds[np.asarray(ids) + 1] - bounds[np.asarray(ids)] if len(ids) else []
        new_id = np.repeat(np.arange(len(ids)), sizes)
        return MatchLists(self.features[rows], new_id, self.kind[rows], self.region[rows],
                          self.optional_applies[rows], self.regions)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, features=self.features, list_id=self.list_id,
                            kind=self.kind, region=self.region,
                            optional_applies=self.optional_applies,
                            regions=np.array(self.regions))

    @classmethod
    def load(cls, path: Path) -> MatchLists:
        with np.load(path) as data:
            return cls(data["features"], data["list_id"], data["kind"], data["region"],
                       data["optional_applies"], tuple(str(r) for r in data["regions"]))


def weight_matrix(weights: dict[str, dict[str, float]]) -> np.ndarray:
    """Weights per kind as an array (len(KINDS), len(FEATURES))."""
    return np.array([[weights[kind][f] for f in FEATURES] for kind in KINDS])


def scores(lists: MatchLists, weights: dict[str, dict[str, float]]) -> np.ndarray:
    """Each item's score under the weights of its kind: Σ w·f / Σ w, the optional
    feature's weight 0 where the vacancy asks for no optional skill (`Scorer.score`)."""
    w = weight_matrix(weights)[lists.kind]
    w[:, OPTIONAL] *= lists.optional_applies
    total = w.sum(axis=1)
    return np.where(total > 0, (w * lists.features).sum(axis=1) / np.maximum(total, 1e-12),
                    0.0)


def synthetic_lists(n_lists: int, seed: int = 0, size: tuple[int, int] = (8, 40),
                    kind_share: tuple[float, ...] = (0.6, 0.25, 0.15)) -> MatchLists:
    """Seeded lists whose features follow the scorer's definitions: coverage of essential
    skills spread wide, optional coverage and aptitude tied to it (aptitude ≥ coverage),
    the profile cosine rising with coverage, experience mostly 0 (the candidate's own
    occupation now and then), language in CEFR thirds from the candidate's level against
    each vacancy's, distance skewed towards the edge of the travel radius."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(size[0], size[1] + 1, n_lists)
    n = int(sizes.sum())
    list_id = np.repeat(np.arange(n_lists), sizes)
    kind = np.repeat(rng.choice(len(KINDS), n_lists, p=kind_share), sizes)
    talent = np.repeat(rng.beta(2, 2, n_lists), sizes)  # how broadly skilled the person is
    essential = np.clip(rng.beta(1.5, 2.5, n) * (0.5 + talent), 0, 1)
    optional = np.clip(essential + rng.normal(0, 0.2, n), 0, 1)
    aptitude = essential + (1 - essential) * rng.beta(2, 3, n)
    semantic = np.clip(0.25 + 0.5 * essential + rng.normal(0, 0.1, n), 0, 1)
    own = rng.random(n) < 0.12
    experience = np.where(own, rng.choice([0.33, 0.67, 0.8, 1.0], n),
                          np.where(rng.random(n) < 0.1, 0.5 * rng.random(n), 0.0))
    has = np.repeat(rng.integers(1, 6, n_lists), sizes)  # A1..C1 as 1..5
    asked = rng.integers(2, 5, n)  # A2..B2
    language = np.clip(1 - np.maximum(asked - has, 0) / 3, 0, 1)
    distance = 1 - np.sqrt(rng.random(n))
    features = np.column_stack([essential, optional, aptitude, semantic, experience,
                                language, distance])
    assert features.shape[1] == len(FEATURES)
    region = rng.integers(0, len(REGIONS), n)
    return MatchLists(features.round(4), list_id, kind, region, rng.random(n) < 0.7,
                      REGIONS)


def lists_from_matcher(conn: psycopg.Connection, matcher: Matcher, candidate_ids: list[str],
                       min_items: int = 2) -> MatchLists:
    """Real features: each candidate's gated, scored vacancies of each kind (the engine's
    `vacancies_for`, relevance floor not applied), one list per candidate and kind with at
    least `min_items` items; the region is the vacancy's town."""
    rows: list[list[float]] = []
    ids: list[int] = []
    kinds: list[int] = []
    towns: list[str] = []
    optional: list[bool] = []
    for cid in candidate_ids:
        for k, kind in enumerate(KINDS):
            found = matcher.vacancies_for(conn, cid, [kind])
            if len(found) < min_items:
                continue
            list_no = (ids[-1] + 1) if ids else 0
            for m in found:
                rows.append([m.scored.features[f] for f in FEATURES])
                ids.append(list_no)
                kinds.append(k)
                towns.append(m.vacancy.town)
                optional.append(bool(m.vacancy.optional))
    regions = tuple(sorted(set(towns)))
    index = {t: i for i, t in enumerate(regions)}
    return MatchLists(np.array(rows, dtype=float).reshape(-1, len(FEATURES)),
                      np.array(ids, dtype=int), np.array(kinds, dtype=int),
                      np.array([index[t] for t in towns], dtype=int),
                      np.array(optional, dtype=bool), regions)


__all__ = ["REGIONS", "MatchLists", "lists_from_matcher", "scores", "synthetic_lists",
           "weight_matrix"]
