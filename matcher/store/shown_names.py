"""What a page shows next to an id: an organisation's name, and the language a vacancy's
own text (title and description) is written in, so that a reader in another language is
told the title is kept as the employer wrote it."""

from __future__ import annotations

from collections import Counter

import psycopg

from skills_taxonomy.language import detect_language


def organisation_names(conn: psycopg.Connection, ids: list[int]) -> dict[int, str]:
    """The names of these organisations (ids not found are left out)."""
    if not ids:
        return {}
    rows = conn.execute("SELECT id, name FROM organisation WHERE id = ANY(%s)",
                        (sorted(set(ids)),))
    return {int(r[0]): str(r[1]) for r in rows}


def vacancy_languages(conn: psycopg.Connection, ids: list[int]) -> dict[int, str | None]:
    """The language of each vacancy's text: the one linking found most often in its
    free-text requirements, else the one its title and description read as (None when
    that cannot be told)."""
    if not ids:
        return {}
    out: dict[int, str | None] = {}
    for vid, title, description, linking in conn.execute(
            "SELECT id, title, description, linking FROM vacancy WHERE id = ANY(%s)",
            (sorted(set(ids)),)):
        found = Counter(s.get("lang") for s in (linking or {}).get("statements", [])
                        if s.get("lang"))
        out[int(vid)] = found.most_common(1)[0][0] if found else \
            detect_language(f"{title}. {description or ''}".strip())
    return out
