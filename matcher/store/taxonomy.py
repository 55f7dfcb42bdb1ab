"""The taxonomy in PostgreSQL: concepts, labels, relations and concept vectors, written
once per taxonomy version and encoder (SQL reads them for retrieval and explanations)."""

from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from matcher.concepts import Concepts
from matcher.store.schema import align_vector_dimension
from skills_taxonomy.model import ConceptKind, LabelType, Taxonomy

_LOCK_ID = 7_310_222  # advisory lock key for writing the taxonomy (migrations: 7_310_221)


def _current_version(conn: psycopg.Connection) -> str | None:
    row = conn.execute("SELECT version FROM taxonomy_version WHERE is_current").fetchone()
    return row[0] if row else None


def persist_taxonomy(conn: psycopg.Connection, concepts: Concepts) -> bool:
    """Store the taxonomy (concepts, labels, relations, vectors) unless the database
    already holds this version; returns whether it wrote. One transaction; workers
    starting together on a new taxonomy (`python -m api --workers N`) take turns, so
    one writes it and the others find it written."""
    # the stored vectors are the main encoder's: another encoder stores them anew
    stored_as = f"{concepts.version}:{concepts.normalizer.encoder.name}"
    if _current_version(conn) == stored_as:
        return False
    taxonomy = concepts.taxonomy
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        if _current_version(conn) == stored_as:
            return False
        align_vector_dimension(conn, concepts.dim)
        conn.execute("DELETE FROM concept")  # labels and relations cascade
        kinds = (ConceptKind.SKILL, ConceptKind.OCCUPATION)
        with conn.cursor().copy(
                "COPY concept (uri, kind, label_en, description, skill_type, isco_code,"
                " regulated, embedding) FROM STDIN") as copy:
            for concept in taxonomy.concepts.values():
                if concept.kind not in kinds:
                    continue
                vec = concepts.vector(concept.uri)
                copy.write_row((
                    concept.uri, concept.kind.value, concept.preferred_label("en"),
                    concept.description, concept.skill_type.value, concept.isco_code,
                    concept.regulated,
                    None if vec is None else "[" + ",".join(f"{x:.6f}" for x in vec) + "]"))
        wanted = {c.uri for c in taxonomy.concepts.values() if c.kind in kinds}
        with conn.cursor().copy(
                "COPY concept_label (uri, lang, text, type) FROM STDIN") as copy:
            for uri in wanted:
                for label in taxonomy.concepts[uri].labels:
                    if label.type is not LabelType.HIDDEN:
                        copy.write_row((uri, label.lang, label.text, label.type.value))
        _copy_relations(conn, taxonomy, wanted)
        conn.execute("UPDATE taxonomy_version SET is_current = false")
        conn.execute(
            "INSERT INTO taxonomy_version (version, stats, is_current)"
            " VALUES (%s, %s, true) ON CONFLICT (version) DO UPDATE"
            " SET is_current = true, loaded_at = now()",
            (stored_as, Jsonb(taxonomy.stats(concepts.version))))
    return True


def _copy_relations(conn: psycopg.Connection, taxonomy: Taxonomy, wanted: set[str]) -> None:
    """Occupation–skill, skill–skill and broader relations between stored concepts."""
    for sql, relations in (
            ("COPY occupation_skill (occupation, skill, relation) FROM STDIN",
             taxonomy.occupation_skills),
            ("COPY skill_relation (skill, related, relation) FROM STDIN",
             taxonomy.skill_relations)):
        with conn.cursor().copy(sql) as copy:
            for one, others in relations.items():
                for other, rel in others.items():
                    if one in wanted and other in wanted:
                        copy.write_row((one, other, rel.value))
    with conn.cursor().copy("COPY concept_broader (narrower, broader) FROM STDIN") as copy:
        for narrower, parents in taxonomy.broader.items():
            for parent in parents:
                if narrower in wanted and parent in wanted:
                    copy.write_row((narrower, parent))
