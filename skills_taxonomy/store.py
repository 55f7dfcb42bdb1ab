"""The imported taxonomy on disk, so a restart does not re-read the ESCO CSVs.

Written atomically (temporary file, then rename): an interrupted import leaves the previous
taxonomy in place.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from skills_taxonomy.cache_files import write_atomically
from skills_taxonomy.errors import MatcherError
from skills_taxonomy.model import Taxonomy

FORMAT = 3  # 2: labels carry their source; 3: labels are tuples


def save_taxonomy(taxonomy: Taxonomy, path: Path) -> str:
    """Save and return the taxonomy's version (computed once here, stored with it)."""
    version = taxonomy.version
    write_atomically(path, {"format": FORMAT, "version": version, "taxonomy": taxonomy})
    return version


def load_taxonomy(path: Path) -> tuple[Taxonomy, str]:
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
        raise MatcherError(f"cannot read the stored taxonomy {path}: {exc}; "
                           "run `matcher taxonomy import` again") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise MatcherError(f"{path} was written by another version; "
                           "run `matcher taxonomy import` again")
    return data["taxonomy"], data["version"]
