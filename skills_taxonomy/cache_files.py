"""Cache files that several processes share: an API's workers starting together, the
test suite's workers, a benchmark beside a server. One process builds a cache while the
others wait for it instead of building it too, and no writer replaces what another one
has just written with half a file."""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock of `path` (a `.lock` file beside it) while the block runs; another
    process asking for the same lock waits. The lock goes with the process, so a crash
    never leaves it held."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_atomically(path: Path, value: Any) -> None:
    """Pickle `value` to `path` through a temporary file of this process's own, renamed
    over it: a reader sees the old file or the new one, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def stamp(path: Path) -> tuple[int, int] | None:
    """When the file last changed and its size; None when it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


__all__ = ["locked", "stamp", "write_atomically"]
