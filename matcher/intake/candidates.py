"""Candidate intake: a profile as sent becomes what is stored — concept ids checked, free
text linked (skills, occupations of experience and qualifications), skills derived from
qualifications and years of practice with their confidence, the profile vector, and the
linking report. No database here: the slow part runs before a connection is taken."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from matcher.concepts import Concepts, linked
from matcher.domain import CLAIM_CONFIDENCE
from matcher.linking_report import LinkingReport
from matcher.recognition.grammar import infer_type
from matcher.recognition.recogniser import Recogniser, experience_confidence, school_certificate
from matcher.schemas import CandidateIn
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Statement

# How much each part of a profile pulls its vector: occupations say most about a person.
SKILL_WEIGHT = 1.0
OCCUPATION_WEIGHT = 3.0
MIN_DERIVED = 0.3  # derived skills weaker than this are not stored
NAMED_OCCUPATION = 0.5  # an unlinked skill piece linked this well is an occupation's name


@dataclass
class SkillRow:
    uri: str
    source: str
    evidence: str | None  # the words (or the fact) that evidence the skill
    statement: str | None  # the whole free text it was linked from
    score: float  # linking confidence
    confidence: float  # how strongly this source evidences the skill


@dataclass
class QualificationRow:
    occupation: str | None
    link_score: float | None
    eqf: dict[str, Any]


@dataclass
class PreparedCandidate:
    data: CandidateIn
    skills: list[SkillRow]
    qualifications: list[QualificationRow]
    experience: list[tuple[str | None, float | None]]  # occupation, link score per item
    embedding: list[float] | None
    report: LinkingReport = field(default_factory=LinkingReport)

    def recognition(self) -> tuple[list[str], list[str], int | None]:
        """(fully recognised occupations, occupations in process, highest EQF level)."""
        full, pending, levels = [], [], []
        for q, row in zip(self.data.qualifications, self.qualifications, strict=True):
            if row.occupation and q.status == "full":
                full.append(row.occupation)
            elif row.occupation and q.status in ("applied", "partial"):
                pending.append(row.occupation)
            if row.eqf.get("level"):
                levels.append(int(row.eqf["level"]))
        return sorted(set(full)), sorted(set(pending)), max(levels, default=None)


class _Skills:
    """The skill rows of one profile: one per (skill, source), the best-evidenced kept."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], SkillRow] = {}

    def add(self, row: SkillRow) -> None:
        kept = self.rows.get((row.uri, row.source))
        if kept is None or kept.confidence < row.confidence:
            self.rows[(row.uri, row.source)] = row


def quoted(title: str) -> str:
    """A title quoted in derived evidence, as written (not `repr`, which escapes the
    zero-width non-joiner of Persian spelling and other invisible characters)."""
    return f"'{title}'"


def _check_ids(concepts: Concepts, data: CandidateIn) -> None:
    """Every concept id given is known and of its kind; the error names the field."""
    for i, claim in enumerate(data.skills):
        if claim.concept:
            concepts.check(claim.concept, ConceptKind.SKILL, f"skills[{i}].concept")
    for i, exp in enumerate(data.experience):
        if exp.occupation:
            concepts.check(exp.occupation, ConceptKind.OCCUPATION, f"experience[{i}].occupation")
    concepts.check_all(data.preferences.occupations, ConceptKind.OCCUPATION,
                       "preferences.occupations")


def _claimed(concepts: Concepts, recogniser: Recogniser, data: CandidateIn, skills: _Skills,
             report: LinkingReport) -> dict[int, dict[str, float]]:
    """Skills claimed as concepts or as text; returns the skills each qualification's
    content (the transcript's subjects) links to, by qualification."""
    for claim in data.skills:
        if claim.concept:
            skills.add(SkillRow(claim.concept, claim.source, claim.evidence, claim.text, 1.0,
                                CLAIM_CONFIDENCE[claim.source]))
    texts = [(i, c.text) for i, c in enumerate(data.skills) if c.text and not c.concept]
    contents = [(i, q.content) for i, q in enumerate(data.qualifications) if q.content]
    statements = concepts.skill_statements([t for _, t in texts] + [c for _, c in contents],
                                           data.lang)
    named = _occupations_named(concepts, statements[:len(texts)])
    for (i, _), statement in zip(texts, statements, strict=False):
        report.statement(f"skills[{i}].text", statement, occupations=named,
                         qualification=_reads_as_qualification(recogniser, statement.text))
        claim = data.skills[i]
        for link in linked(statement):
            skills.add(SkillRow(link.uri, claim.source, claim.evidence or link.evidence,
                                statement.text, link.score, CLAIM_CONFIDENCE[claim.source]))
    content_skills = {}
    for (i, _), statement in zip(contents, statements[len(texts):], strict=True):
        report.statement(f"qualifications[{i}].content", statement)
        content_skills[i] = {f.uri: f.score for f in linked(statement)}
    return content_skills


def _reads_as_qualification(recogniser: Recogniser, text: str) -> str | None:
    """The fields of study of a skills text that names a qualification's type and its
    field ("خريج كلية الحقوق": a graduate of law; "我是护理专业大专毕业"): people write
    their education among their skills, where it counts for less than recognised."""
    if infer_type(text) is None:
        return None
    fields = recogniser.fields.find(text)
    return ", ".join(f.field.id.replace("_", " ") for f in fields) or None


def _occupations_named(concepts: Concepts, statements: list[Statement]) -> dict[str, str]:
    """Unlinked pieces of skills texts that are plainly an occupation's name ("водій
    навантажувача", "瓦工", "Staplerfahrer"): piece -> the occupation's label. People list
    their trades among their skills; on the development set every such piece linked at
    NAMED_OCCUPATION or above named the right occupation, below it often the wrong one
    ("Django" disc jockey)."""
    pieces = list(dict.fromkeys(str(u["text"]) for s in statements for u in s.unlinked))
    if not pieces:
        return {}
    found = concepts.link_titles(pieces)  # labels in English, as the warnings are
    return {piece: m.label for piece, m in zip(pieces, found, strict=True)
            if m is not None and m.score >= NAMED_OCCUPATION}


def _qualified(recogniser: Recogniser, data: CandidateIn, content_skills: dict[
        int, dict[str, float]], skills: _Skills, report: LinkingReport,
               ) -> list[QualificationRow]:
    """Each qualification's reference occupation and EQF level, and the skills it
    evidences (recognition of prior learning)."""
    rows = []
    for i, q in enumerate(data.qualifications):
        eqf = recogniser.eqf(q)
        ranked = recogniser.occupations(q.title, data.lang, level=eqf["level"])
        certain = recogniser.certainty(ranked, q.title) is not None
        report.title(f"qualifications[{i}].title", q.title, ranked[0][0] if certain else None,
                     "reference occupation", expected=not school_certificate(q.title))
        if not certain:
            rows.append(QualificationRow(None, None, eqf))
            continue
        occupation, link_score = ranked[0]
        rows.append(QualificationRow(occupation, link_score, eqf))
        what = f"qualification {quoted(q.title)}" + (f" ({q.country})" if q.country else "")
        for uri, (confidence, how) in recogniser.evidenced_skills(
                occupation, eqf["level"], content_skills.get(i, {})).items():
            if confidence >= MIN_DERIVED:
                skills.add(SkillRow(uri, "qualification", f"{how}: {what}", None, link_score,
                                    confidence))
    return rows


def _experienced(concepts: Concepts, data: CandidateIn, skills: _Skills,
                 report: LinkingReport) -> list[tuple[str | None, float | None]]:
    """Each work experience's occupation (given, or linked from its title) with the link
    score, and the skills its years evidence."""
    unlinked = [e.title for e in data.experience if not e.occupation]
    # a title several occupations carry ("Lagerhelfer") takes the one the skills claimed
    claimed = {uri for uri, _ in skills.rows}
    exp_links = iter([concepts.by_skills(m, claimed)
                      for m in concepts.link_titles(unlinked, data.lang)])
    experience: list[tuple[str | None, float | None]] = []
    for i, exp in enumerate(data.experience):
        if exp.occupation:
            experience.append((exp.occupation, 1.0))
        else:
            m = next(exp_links)
            report.title(f"experience[{i}].title", exp.title, m)
            experience.append((m.concept, m.score) if m else (None, None))
    for exp, (occupation, score) in zip(data.experience, experience, strict=True):
        if occupation is None or exp.years <= 0:
            continue
        confidence = experience_confidence(exp.years)
        what = f"{exp.years:g} years as {quoted(exp.title)}"
        for wanted, factor in ((concepts.essential_skills(occupation), 1.0),
                               (concepts.optional_skills(occupation), 0.5)):
            for uri in wanted:
                if confidence * factor >= MIN_DERIVED:
                    skills.add(SkillRow(uri, "work_experience", what, None, score or 1.0,
                                        round(confidence * factor, 4)))
    return experience


def prepare_candidate(concepts: Concepts, recogniser: Recogniser, data: CandidateIn,
                      ) -> PreparedCandidate:
    """Check concept ids, link the free text, and derive the skills that qualifications
    and work experience evidence (recognition of prior learning). No database access:
    this is the slow part, kept out of the transaction."""
    _check_ids(concepts, data)
    skills, report = _Skills(), LinkingReport()
    content_skills = _claimed(concepts, recogniser, data, skills, report)
    qual_rows = _qualified(recogniser, data, content_skills, skills, report)
    experience = _experienced(concepts, data, skills, report)
    rows = skills.rows
    weighted = [(r.uri, SKILL_WEIGHT * r.confidence) for r in rows.values()]
    weighted += [(q.occupation, OCCUPATION_WEIGHT) for q in qual_rows if q.occupation]
    weighted += [(occ, OCCUPATION_WEIGHT) for occ, _ in experience if occ]
    weighted += [(occ, OCCUPATION_WEIGHT) for occ in data.preferences.occupations]
    if not rows:
        report.warn("no skill was recognised in this profile: it cannot be matched until a "
                    "coach adds skills (as concepts, or as text the engine recognises)")
    return PreparedCandidate(data=data, skills=list(rows.values()), qualifications=qual_rows,
                             experience=experience, embedding=concepts.profile_vector(weighted),
                             report=report)


def new_candidate_id() -> str:
    return "cand_" + secrets.token_hex(6)
