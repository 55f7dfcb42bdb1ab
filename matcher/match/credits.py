"""Skill credits: how well a candidate evidences each skill a vacancy asks for, for one
candidate or for a whole shortlist of candidates at once (`matcher.match.scoring` says
what a credit is: exact, related in the hierarchy, similar by vector, or from a stated
language level).

The cosines between the wanted skills and every shortlisted candidate's skills come from
one matrix product over the candidates' skills stacked side by side; each candidate's
closest skill is the maximum over its own segment of columns (`np.maximum.reduceat`),
the first one on a tie, as `argmax` over that candidate alone picks it.

The product is taken in float64. In float32 the order of the sums depends on the shapes
multiplied (57 % of the cosines differed in the last bit between one candidate's product
and a shortlist's), so a credit, rounded to 4 decimals, could change with the other
candidates it was scored beside; in float64 what is left (1e-16) lies far below the
rounding, and one candidate scores the same alone as in any shortlist. It runs on one
BLAS thread: on two cores shared with the database and other requests, OpenBLAS's second
thread waited for a core (the product of one shortlist took 36-48 ms with two threads
against 0.5-1 ms with one, at load 6-7).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from threadpoolctl import ThreadpoolController

from matcher.concepts import Concepts
from matcher.domain import CandidateFacts, SkillCredit

PARTIAL_CREDIT = 0.5  # a neighbour in the hierarchy; the most a similar skill earns
SIMILAR_FROM, SIMILAR_FULL = 0.6, 0.9
# A language skill of ESCO ("German", "write German"…) credited from the candidate's stated
# level of that language: B1 counts as evidenced, A1 and A2 only partly.
LANGUAGE_CREDIT = {"A1": 0.3, "A2": 0.45, "B1": 0.7, "B2": 0.85, "C1": 1.0, "C2": 1.0,
                   "native": 1.0}

_BLAS = ThreadpoolController().select(user_api="blas")  # numpy's OpenBLAS, loaded by now
Credited = tuple[list[SkillCredit], list[float]]  # credits of the wanted skills, best cosines


def skill_credits(concepts: Concepts, wanted: Sequence[str],
                  cands: Sequence[CandidateFacts]) -> list[Credited]:
    """For each candidate: the credit of each wanted skill, and each wanted skill's best
    cosine to any skill the candidate has (0 when they have none: what aptitude reads)."""
    owned = [list(c.skills) for c in cands]
    strengths = [{s: c.strength(s) for s in c.skills} for c in cands]
    best_cos, closest, similar = _closest(concepts, wanted, owned, strengths)
    near = [concepts.related(s) for s in wanted]
    spoken = [concepts.language_skills.get(s) for s in wanted]
    # Most pairs earn nothing. A pair is decided one by one only when the candidate has
    # the skill or a neighbour of it (`touches`: skill -> the wanted skills it is or
    # neighbours), a similar skill (cosine above SIMILAR_FROM), or for a language skill.
    touches: dict[str, list[int]] = {}
    for i, skill in enumerate(wanted):
        for one in (skill, *near[i]):
            touches.setdefault(one, []).append(i)
    languages = [i for i, lang in enumerate(spoken) if lang]
    # one candidate per row, as Python floats: the loop below reads them one by one
    rows = zip(closest.T.tolist(), similar.T.tolist(), best_cos.T.tolist(), strict=True)
    out = []
    for cand, mine, strength, (at, sim, cos) in zip(cands, owned, strengths, rows,
                                                    strict=True):
        maybe = {i for s in mine for i in touches.get(s, ())}
        maybe.update(i for i, value in enumerate(sim) if value > 0)
        maybe.update(languages)
        credits = [SkillCredit(skill, 0.0, "none", None) for skill in wanted]
        for i in maybe:
            credits[i] = _credit(i, wanted[i], cand, mine, strength, at, sim, near, spoken)
        out.append((credits, cos))
    return out


def _closest(concepts: Concepts, wanted: Sequence[str], owned: list[list[str]],
             strengths: list[dict[str, float]],
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per wanted skill (rows) and candidate (columns): the best cosine to one of the
    candidate's skills, that skill's position in their list, and the similar credit it
    earns (PARTIAL_CREDIT × its confidence × the cosine scaled from SIMILAR_FROM to
    SIMILAR_FULL). Zeros for a candidate without skills."""
    shape = (len(wanted), len(owned))
    best, closest, similar = np.zeros(shape), np.zeros(shape, dtype=np.intp), np.zeros(shape)
    sizes = np.array([len(mine) for mine in owned], dtype=np.intp)
    has = np.flatnonzero(sizes)
    if not len(wanted) or not len(has):
        return best, closest, similar
    flat = [s for mine in owned for s in mine]
    unique = list(dict.fromkeys(flat))
    column = {s: i for i, s in enumerate(unique)}
    left, right = concepts.matrix(wanted), concepts.matrix(unique)
    with _BLAS.limit(limits=1):
        sims = left.astype(np.float64) @ right.astype(np.float64).T
    stacked = sims[:, [column[s] for s in flat]]  # one column per (candidate, skill)
    starts = (np.cumsum(sizes) - sizes)[has]  # candidates without skills have no columns
    top = np.maximum.reduceat(stacked, starts, axis=1)
    segment = np.repeat(np.arange(len(has)), sizes[has])
    position = np.where(stacked == top[:, segment], np.arange(len(flat)), len(flat))
    first = np.minimum.reduceat(position, starts, axis=1)  # the first column at the top
    strength = np.array([mine[s] for mine in strengths for s in mine])
    best[:, has] = top
    closest[:, has] = first - starts
    similar[:, has] = PARTIAL_CREDIT * strength[first] * np.clip(
        (top - SIMILAR_FROM) / (SIMILAR_FULL - SIMILAR_FROM), 0.0, 1.0)
    return best, closest, similar


def _credit(i: int, skill: str, cand: CandidateFacts, owned: list[str],
            strength: dict[str, float], closest: list[int], similar: list[float],
            near: list[frozenset[str]], spoken: list[str | None]) -> SkillCredit:
    """The candidate's credit for the i-th wanted skill: the best of exact, related (the
    first of the strongest neighbours, in id order) and similar, then the stated level of
    the language when that gives more. A later source must give strictly more."""
    credit, via, matched = 0.0, "none", None
    if skill in strength:
        credit, via, matched = round(strength[skill], 4), "exact", skill
    if near[i]:
        for mine in sorted(near[i] & strength.keys()):
            if PARTIAL_CREDIT * strength[mine] > credit:
                credit, via, matched = round(PARTIAL_CREDIT * strength[mine], 4), \
                    "related", mine
    if owned and similar[i] > credit:
        credit, via, matched = round(similar[i], 4), "similar", owned[closest[i]]
    stated = LANGUAGE_CREDIT.get(cand.languages.get(spoken[i] or "", ""), 0.0)
    if stated > credit:
        credit, via, matched = stated, "language", None
    return SkillCredit(skill, credit, via, matched)


__all__ = ["LANGUAGE_CREDIT", "PARTIAL_CREDIT", "SIMILAR_FROM", "SIMILAR_FULL",
           "skill_credits"]
