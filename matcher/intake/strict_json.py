"""JSON as the API reads it: UTF-8 text, finite numbers, bounded nesting, strings that
PostgreSQL can store. Each refusal is an `InvalidInputError` naming the place (byte and
line, or the field's path), never a RecursionError or a quiet NaN that fails later.

Python's `json` takes `NaN`, `Infinity` and `1e400` (as inf), recurses once per level
(a deeply nested line raised RecursionError: a 500), and lets through lone surrogates
(`"\\ud800"`, which cannot be encoded for the database) and NUL characters.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from skills_taxonomy.errors import InvalidInputError

MAX_DEPTH = 32  # objects and arrays inside each other; a record needs 4
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class NotUtf8Error(InvalidInputError):
    """The bytes are not UTF-8 text."""


class JsonError(InvalidInputError):
    """JSON the engine cannot use: `field` is the path of the value (None: the whole
    document), `problem` what is wrong with it."""

    def __init__(self, where: str, field: str | None, problem: str) -> None:
        super().__init__(f"{where}{'.' + field if field else ''}: {problem}")
        self.field, self.problem = field, problem


def decode(body: bytes, where: str = "body") -> str:
    """UTF-8 (a BOM is dropped), or an error naming the byte, its line and column."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        column = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        raise NotUtf8Error(
            f"{where}: not UTF-8 text: byte {exc.start} (line {line}, column {column}) is "
            f"0x{body[exc.start]:02x} ({exc.reason}); send UTF-8") from None


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (send a finite number or null)")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large for a number (send a finite number)")
    return value


def loads(text: str, where: str = "body") -> Any:
    """Parse one JSON document strictly; errors name `where` and the line/column or path."""
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise JsonError(where, None, f"broken JSON at line {exc.lineno}, column "
                                     f"{exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise JsonError(where, None, f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # NaN, Infinity, 1e400, an integer of over 4,300 digits
        raise JsonError(where, None, str(exc)) from None
    check(value, where)
    return value


def check(value: Any, where: str = "body") -> None:
    """Nesting within MAX_DEPTH; no NUL character or lone surrogate in any string or
    key. Iterative: a deep value cannot exhaust the stack. (Integers of any size pass:
    the schema's bounds refuse them where they matter, and an id past 64 bits is simply
    not found.)"""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node, where, path)
        elif isinstance(node, dict | list):
            if depth >= MAX_DEPTH:
                raise JsonError(where, path or None, f"nested deeper than {MAX_DEPTH} levels")
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, item in items:
                name = str(key)[:40]
                if _UNSTORABLE.search(name):  # named in the answer: escaped, encodable
                    name = name.encode("unicode_escape").decode("ascii")
                inner = f"{path}.{name}" if path else name
                if isinstance(key, str):
                    _check_text(key, where, inner, "its name")
                stack.append((item, inner, depth + 1))


def _check_text(text: str, where: str, path: str, what: str = "it") -> None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return
    char = found.group()
    bad = "a NUL character (\\u0000)" if char == "\x00" else (
        f"a lone surrogate (\\u{ord(char):04x}, half of a UTF-16 pair)")
    raise JsonError(where, path or None, f"{what} contains {bad} at position {found.start()}"
                                         ", which cannot be stored")


__all__ = ["MAX_DEPTH", "JsonError", "NotUtf8Error", "check", "decode", "loads"]
