"""A demo candidate's skill claims, each with a source that teaches it: a job whose
occupation has the skill (work experience), a qualification in a field that has it, a
coach who saw it (only skills of the person's own occupations), or the person's own word
(which may stray a little, to a neighbouring trade). Nearly half the time a few are
written as free text in the person's language."""

from __future__ import annotations

import random
from dataclasses import dataclass

from matcher.demo.biography import Life
from matcher.demo.common import MAX_CV_SKILLS, job_title, join, label, subset
from matcher.demo.market import Occupation
from matcher.schemas import SkillClaim
from skills_taxonomy.model import Taxonomy

_SEPARATORS = {"ar": "، ", "fa": "، ", "zh": "、"}  # how lists are written in these scripts
_COACH = ("Im Praxistest beim Bildungsträger gezeigt.",
          "Vom Coach im Betriebspraktikum beobachtet.",
          "Arbeitsprobe im Erstgespräch vorgelegt.")
# Share of candidates who write some skills as free text (a little under half: each text
# is the costliest part of loading a candidate).
_IN_WORDS = 0.45
# Chances of each source where it is open to a skill (work and qualification: shared).
_TAUGHT, _COACHED, _OWN_WORD = 0.6, 0.15, 0.25


@dataclass(frozen=True)
class Neighbours:
    """Skills of the other occupations of an occupation's ISCO minor group (its first three
    digits): what a person in that trade may plausibly also claim."""
    by_group: dict[str, list[Occupation]]

    @classmethod
    def of(cls, occupations: list[Occupation]) -> Neighbours:
        by_group: dict[str, list[Occupation]] = {}
        for o in occupations:
            if o.concept.isco_code:
                by_group.setdefault(o.concept.isco_code[:3], []).append(o)
        return cls(by_group)

    def skills(self, occupation: Occupation) -> list[str]:
        group = self.by_group.get(occupation.concept.isco_code[:3], []) \
            if occupation.concept.isco_code else []
        return sorted({s for o in group if o.uri != occupation.uri for s in o.essential}
                      - set(occupation.essential) - set(occupation.optional))


def _german_years(years: float) -> str:
    number = f"{years:g}".replace(".", ",")
    return f"{number} Jahr" if years == 1 else f"{number} Jahre"


def _teachers(life: Life) -> dict[str, list[tuple[str, str]]]:
    """skill -> [(source, evidence)]: the jobs and qualifications that teach it."""
    found: dict[str, list[tuple[str, str]]] = {}
    for job in life.jobs:
        if job.occupation is not None:
            text = (f"{_german_years(job.experience.years)} Berufserfahrung als "
                    f"{job_title(job.occupation.concept)}.")
            for skill in job.occupation.essential + job.occupation.optional:
                found.setdefault(skill, []).append(("work_experience", text))
    for held in life.held:
        if held.field is not None:
            q = held.qualification
            text = f"Abschluss „{q.title}“ ({q.year}), Zeugnis liegt vor."
            for skill in held.field.essential + held.field.optional:
                found.setdefault(skill, []).append(("qualification", text))
    return found


def _own(life: Life) -> list[Occupation]:
    """The target first, then the other occupations worked in or trained for."""
    own = [life.target]
    for o in [j.occupation for j in life.jobs] + [h.field for h in life.held]:
        if o is not None and all(o.uri != x.uri for x in own):
            own.append(o)
    return own


def _claimed(life: Life, neighbours: Neighbours, rng: random.Random) -> list[str]:
    """Much of what the target needs (less where nothing in their past taught it), a few
    skills of their other trades, and sometimes one of a neighbouring trade."""
    target, others = life.target, _own(life)[1:]
    ess = target.essential
    trained = target.uri in {j.occupation.uri for j in life.jobs if j.occupation} | \
        {h.field.uri for h in life.held if h.field}
    share = rng.uniform(0.4, 0.9) if trained else rng.uniform(0.2, 0.45)
    claimed = subset(rng, ess, min(MAX_CV_SKILLS, max(2, round(len(ess) * share))))
    claimed += subset(rng, target.optional, rng.randint(0, min(3, len(target.optional))))
    for other in others:
        claimed += subset(rng, other.essential, rng.randint(1, min(3, len(other.essential))))
    near = neighbours.skills(target)
    if near and rng.random() < 0.5:
        claimed.append(rng.choice(near))
    return list(dict.fromkeys(claimed))


def _claim(uri: str, teachers: list[tuple[str, str]], own_skill: bool,
           rng: random.Random) -> SkillClaim:
    options: list[tuple[str, str]] = [("self_declared", "Angabe im Erstgespräch.")]
    weights = [_OWN_WORD]
    if own_skill:
        options.append(("coach_verified", rng.choice(_COACH)))
        weights.append(_COACHED)
    options += teachers
    weights += [_TAUGHT / max(1, len(teachers))] * len(teachers)
    source, evidence = rng.choices(options, weights)[0]
    return SkillClaim(concept=uri, source=source,
                      evidence=evidence if rng.random() < 0.4 else None)


def draw_claims(life: Life, lang: str, taxonomy: Taxonomy, neighbours: Neighbours,
                rng: random.Random) -> list[SkillClaim]:
    """Skill claims: nearly half the time a few as free text in the candidate's language, the
    rest as concepts, each with a source that teaches it and sometimes its evidence."""
    claimed = _claimed(life, neighbours, rng)
    claims: list[SkillClaim] = []
    if rng.random() < _IN_WORDS and len(claimed) >= 3:
        rng.shuffle(claimed)
        n = rng.randint(3, min(6, len(claimed)))
        in_words, claimed = claimed[:n], claimed[n:]
        concepts = [taxonomy.concepts[uri] for uri in in_words]
        sep = _SEPARATORS.get(lang, ", ")
        claims.append(SkillClaim(text=join([label(c, lang, rng) for c in concepts], sep),
                                 source="self_declared"))
    teachers = _teachers(life)
    own_skills = {s for o in _own(life) for s in o.essential + o.optional}
    for uri in claimed:
        claims.append(_claim(uri, teachers.get(uri, []), uri in own_skills, rng))
    return claims
