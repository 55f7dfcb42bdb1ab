"""JSON-LD as job boards write it, read without a JSON-LD processor: schema.org terms
plain or prefixed (`title`, `schema:title`, `https://schema.org/title`), single values or
lists, value objects (`{"@value": …}`), and the shapes a document of many nodes takes
(array, `@graph`, `ItemList`). What the nodes mean is `matcher.intake.job_posting`'s.
"""

from __future__ import annotations

from typing import Any

_PREFIXES = ("schema:", "http://schema.org/", "https://schema.org/")


def key(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def props(node: dict[str, Any]) -> dict[str, Any]:
    return {key(k): v for k, v in node.items()}


def types(node: Any) -> set[str]:
    if not isinstance(node, dict):
        return set()
    found = node.get("@type", [])
    return {key(t) for t in (found if isinstance(found, list) else [found])
            if isinstance(t, str)}


def one(value: Any) -> Any:
    """A single value: the first of a list, the `@value` of a value object."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value.get("@value") if isinstance(value, dict) and "@value" in value else value


def text(value: Any, *names: str) -> str | None:
    """Text of a value; of a node, its first property of `names` that has text."""
    value = one(value)
    if isinstance(value, dict):
        fields = props(value)
        return next((t for n in names if (t := text(fields.get(n))) is not None), None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value.strip() or None if isinstance(value, str) else None


def many(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def nodes(doc: Any) -> list[Any]:
    """The rows of a document: an array's members, an @graph's nodes (with references
    put in place), an ItemList's items; anything else is one row."""
    if isinstance(doc, list):
        return [node for member in doc for node in nodes(member)]
    if isinstance(doc, dict) and "@graph" in doc:
        return graph(many(doc["@graph"]))
    if "ItemList" in types(doc):
        items = many(props(doc).get("itemListElement"))
        return [props(i).get("item", i) if "ListItem" in types(i) else i for i in items]
    return [doc]


def graph(members: list[Any]) -> list[Any]:
    """The graph's postings with the nodes they refer to (`{"@id": …}`) put in place;
    a node that a posting refers to is no row of its own."""
    by_id = {n["@id"]: n for n in members if isinstance(n, dict)
             and isinstance(n.get("@id"), str) and "JobPosting" not in types(n)}
    used: set[str] = set()

    def embed(value: Any) -> Any:
        if isinstance(value, list):
            return [embed(v) for v in value]
        if isinstance(value, dict) and set(value) == {"@id"} and value["@id"] in by_id:
            used.add(value["@id"])
            return by_id[value["@id"]]
        return value

    rows = [{k: embed(v) for k, v in n.items()} if "JobPosting" in types(n) else n
            for n in members]
    return [n for n in rows if "JobPosting" in types(n)
            or not (isinstance(n, dict) and n.get("@id") in used)]


__all__ = ["graph", "key", "many", "nodes", "one", "props", "text", "types"]
