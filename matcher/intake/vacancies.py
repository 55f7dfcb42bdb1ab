"""Vacancy intake: concept ids checked and free text linked (occupation, essential and
optional skills) for many vacancies at once, with the linking report and the profile
vector — the slow, database-free part of a write."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matcher.concepts import Concepts, linked
from matcher.intake.advert_text import opening, requirements
from matcher.intake.language_levels import take_languages
from matcher.linking_report import WEAK_TITLE, LinkingReport
from matcher.recognition.regulation import RegulationProfile
from matcher.schemas import LanguageLevel, VacancyIn
from skills_taxonomy.language import detect_language
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Mention
from skills_taxonomy.roles import role_spans

# How much each part of a vacancy pulls its profile vector.
ESSENTIAL_WEIGHT, OPTIONAL_WEIGHT, OCCUPATION_WEIGHT = 2.0, 1.0, 3.0


@dataclass
class PreparedVacancy:
    data: VacancyIn
    occupation: str | None
    skills: list[tuple[str, bool, str | None]]  # uri, essential, evidence text
    skills_from_occupation: bool
    embedding: np.ndarray | None
    regulated: bool = False
    report: LinkingReport = field(default_factory=LinkingReport)


def check_vacancy(concepts: Concepts, v: VacancyIn) -> None:
    """Raises InvalidInputError naming the field of the first unknown concept id."""
    if v.occupation:
        concepts.check(v.occupation, ConceptKind.OCCUPATION, "occupation")
    concepts.check_all(v.essential_skills, ConceptKind.SKILL, "essential_skills")
    concepts.check_all(v.optional_skills, ConceptKind.SKILL, "optional_skills")
    concepts.check_all(v.prerequisites, ConceptKind.SKILL, "prerequisites")


def reads_description(v: VacancyIn) -> bool:
    """A vacancy that names no skill, by id or in words, is read from its description
    (`advert_text.requirements`): a job board's advert carries its requirements there.
    Not where the sender says so (the pages send only the skills the employer kept)."""
    return v.read_description and bool(v.description and v.description.strip()) and not (
        v.essential_skills or v.optional_skills or v.essential_skills_text
        or v.optional_skills_text)


def free_texts(v: VacancyIn) -> tuple[VacancyIn, list[tuple[bool, str, str]]]:
    """The vacancy's text to link as skills, as (essential, text, field): its skills texts,
    or its description's requirements when it names no skill. A language requirement
    written there ("Deutsch B1", "gute Englischkenntnisse (A2)") becomes one of its
    languages (unless it states that language already), not a skill to link: the
    candidates' languages then meet it. Skills texts are kept without it."""
    found: dict[str, str] = {}
    texts: list[tuple[bool, str, str]] = []
    update: dict[str, object] = {}
    if reads_description(v):
        asked = requirements(v.description or "")
        for essential, text in ((True, asked.essential), (False, asked.optional)):
            lines = [take_languages(line, found) for line in text.splitlines()]
            texts.append((essential, "\n".join(line for line in lines if line), "description"))
    else:
        for essential, name in ((True, "essential_skills_text"),
                                (False, "optional_skills_text")):
            if text := getattr(v, name):
                kept = take_languages(text, found)
                update[name] = kept or None
                texts.append((essential, kept, name))
    if found:
        given = {item.lang for item in v.languages}
        update["languages"] = [*v.languages, *(
            LanguageLevel.model_validate({"lang": lang, "level": level})
            for lang, level in found.items() if lang not in given)]
    return (v.model_copy(update=update) if found else v,
            [t for t in texts if t[1].strip()])


def _offered_roles(concepts: Concepts, items: list[VacancyIn],
                   titles: dict[int, Mention | None]) -> dict[int, tuple[str, Mention]]:
    """Where a title names no occupation, or only a guess ("Mitarbeiter (m/w/d)",
    "Aushilfe gesucht"), the role the description's opening offers by name ("suchen wir
    ab sofort einen Spüler", "looking for a kitchen porter"): row -> (the role's words,
    its occupation). Taken only when the role is an occupation's exact label; of several,
    the longest ("kitchen porter", not "porter"); not where the sender says not to read
    the description (`read_description`)."""
    roles = {row: [span.text for span in role_spans(text, detect_language(text))]
             for row, m in titles.items()
             if (m is None or (m.method != "exact" and m.score < WEAK_TITLE))
             and items[row].read_description
             and (text := opening(items[row].description))}
    spans = [span for found in roles.values() for span in found]
    linked = iter(concepts.link_titles(spans) if spans else [])
    out = {}
    for row, found in roles.items():
        exact = [(len(span), span, m) for span in found
                 if (m := next(linked)) is not None and m.method == "exact"]
        if exact:
            _, span, m = max(exact, key=lambda hit: hit[0])
            out[row] = (span, m)
    return out


def _asked(v: VacancyIn, from_text: dict[tuple[int, bool], list[tuple[str, str]]],
           row: int) -> set[str]:
    """The skills a vacancy asks, by id or read from its words."""
    read = from_text.get((row, True), []) + from_text.get((row, False), [])
    return {*v.essential_skills, *v.optional_skills, *(uri for uri, _ in read)}


def prepare_vacancies(concepts: Concepts, items: list[VacancyIn],
                      profile: RegulationProfile) -> list[PreparedVacancy]:
    """Link the free text of already checked vacancies (`check_vacancy`, `free_texts`).
    Skills read from a description add to the occupation's usual skills; skills texts
    replace them."""
    read = [free_texts(v) for v in items]
    items = [v for v, _ in read]
    texts = [(row, essential, text, where) for row, (_, found) in enumerate(read)
             for essential, text, where in found]
    statements = concepts.skill_statements([t for _, _, t, _ in texts])
    reports = [LinkingReport() for _ in items]
    from_text: dict[tuple[int, bool], list[tuple[str, str]]] = {}
    for (row, essential, _, where), statement in zip(texts, statements, strict=True):
        reports[row].statement(where, statement, quiet=where == "description")
        from_text.setdefault((row, essential), []).extend(
            (f.uri, f.evidence) for f in linked(statement))
    untitled = [row for row, v in enumerate(items) if not v.occupation]
    # a title several occupations carry ("Lagerhelfer") takes the one the skills ask
    titles = {row: concepts.by_skills(m, _asked(items[row], from_text, row))
              for row, m in zip(untitled, concepts.link_titles(
                  [items[r].title for r in untitled]), strict=True)}
    offered = _offered_roles(concepts, items, titles)
    occupations = {row: (m.concept if m else None) for row, m in titles.items()}
    for row, m in titles.items():
        if row in offered:  # the title said less than the advert's opening
            words, role = offered[row]
            occupations[row] = role.concept
            reports[row].title("title", items[row].title, None, expected=False)
            reports[row].title("description", words, role)
        else:
            reports[row].title("title", items[row].title, m)
    out = []
    weights = []
    for row, v in enumerate(items):
        occupation = v.occupation or occupations.get(row)
        skills: dict[str, tuple[str, bool, str | None]] = {}
        for essential, ids in ((True, v.essential_skills), (False, v.optional_skills)):
            for uri in ids:
                if uri not in skills:
                    skills[uri] = (uri, essential, None)
            for uri, evidence in from_text.get((row, essential), []):
                if uri not in skills:
                    skills[uri] = (uri, essential, evidence)
        described = any(where == "description" for _, _, where in read[row][1])
        from_occupation = occupation is not None and (not skills or described)
        if not skills and occupation is not None and (v.essential_skills_text
                                                      or v.optional_skills_text):
            reports[row].warn("no skill was recognised in the skills text: the vacancy "
                              "takes its occupation's usual skills; check them")
        elif not skills and occupation is None:
            reports[row].warn("neither a skill nor an occupation was recognised: this "
                              "vacancy cannot be matched until its skills are chosen")
        if from_occupation:
            assert occupation is not None
            for uri in concepts.essential_skills(occupation):
                skills.setdefault(uri, (uri, True, None))
            for uri in concepts.optional_skills(occupation):
                skills.setdefault(uri, (uri, False, None))
        weighted = [(u, ESSENTIAL_WEIGHT if e else OPTIONAL_WEIGHT) for u, e, _ in
                    skills.values()]
        if occupation:
            weighted.append((occupation, OCCUPATION_WEIGHT))
        regulated = v.requires_recognition if v.requires_recognition is not None else \
            profile.requires_recognition(concepts.taxonomy.concepts.get(occupation or ""))
        weights.append(weighted)
        out.append(PreparedVacancy(v, occupation, list(skills.values()), from_occupation,
                                   None, regulated, reports[row]))
    for prep, vector in zip(out, concepts.profile_vectors(weights), strict=True):
        prep.embedding = vector
    return out
