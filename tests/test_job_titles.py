"""Gender markers in job advert titles: removed before the title is linked."""

from __future__ import annotations

import pytest

from skills_taxonomy.job_titles import strip_gender_markers


@pytest.mark.parametrize(("title", "bare"), [
    ("Schweißer (m/w/d) MIG/MAG", "Schweißer MIG/MAG"),
    ("Elektriker (w/m/div.)", "Elektriker"),
    ("Koch m/w/d", "Koch"),
    ("Pflegekraft (gn*)", "Pflegekraft"),
    ("Sales Manager (m/f/d) - Berlin", "Sales Manager - Berlin"),
    ("Manager [M/F/D]", "Manager"),
    ("Boucher (h/f/x)", "Boucher"),
    ("Vendeur H/F", "Vendeur"),
    ("Sprzedawca (k/m)", "Sprzedawca"),
    ("Prodavač (m/ž)", "Prodavač"),
    ("Verkäufer/in Bäckerei", "Verkäufer Bäckerei"),
    ("CNC-Fräser/-in", "CNC-Fräser"),
    ("Mitarbeiter*innen Küche", "Mitarbeiter Küche"),
    ("Lehrer:in", "Lehrer"),
    ("Infirmier(ère)", "Infirmier"),
    ("Serveur·euse", "Serveur"),
    ("Cocinero/a de línea", "Cocinero de línea"),
])
def test_markers_and_feminine_endings_are_removed(title: str, bare: str) -> None:
    assert strip_gender_markers(title) == bare


@pytest.mark.parametrize("title", [
    "Berufskraftfahrer (C/CE)", "Input/Output Engineer", "B/W photographer",
    "Marketing/in-house", "TV/AV Techniker", "Ärztin/Arzt", "Verkäuferin",
    "Koch / Köchin", "(m/w/d)",
])
def test_what_is_not_a_marker_is_kept(title: str) -> None:
    assert strip_gender_markers(title) == title
