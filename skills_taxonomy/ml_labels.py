"""Which labels the multilingual encoder embeds into an index: a setting of its own
module, so that reading the settings (every command, the admin's included) does not load
the index code and scikit-learn with it."""

from __future__ import annotations

from enum import StrEnum


class MlLabels(StrEnum):
    """Which labels the multilingual encoder embeds (it embeds ~230 short texts/s on two
    cores, so this decides the cold index build time)."""

    PREFERRED = "preferred"  # each concept's English preferred label, + the project's
    #                           languages' preferred labels of occupations
    OCCUPATIONS = "occupations"  # as PREFERRED, plus every English occupation label
    ALL = "all"  # every label of the embedded languages (evaluation corpora)


__all__ = ["MlLabels"]
