"""Gender markers in job advert titles: removed before the title is linked."""

from __future__ import annotations

import pytest

from skills_taxonomy.job_titles import bare_title, strip_gender_markers


@pytest.mark.parametrize(("title", "bare"), [
    ("Schweißer (m/w/d) MIG/MAG", "Schweißer MIG/MAG"),
    ("Elektriker (w/m/div.)", "Elektriker"),
    ("Ordinationshilfe (m./w.)", "Ordinationshilfe"),
    ("Koch m/w/d", "Koch"),
    ("Pflegekraft (gn*)", "Pflegekraft"),
    ("Sales Manager (m/f/d) - Berlin", "Sales Manager - Berlin"),
    ("Manager [M/F/D]", "Manager"),
    ("Boucher (h/f/x)", "Boucher"),
    ("Vendeur H/F", "Vendeur"),
    ("Sprzedawca (k/m)", "Sprzedawca"),
    ("Prodavač (m/ž)", "Prodavač"),
    ("Verkäufer/in (m/w/d)", "Verkäufer/in"),
])
def test_gender_markers_are_removed(title: str, bare: str) -> None:
    assert strip_gender_markers(title) == bare


@pytest.mark.parametrize("title", [
    "Berufskraftfahrer (C/CE)", "Input/Output Engineer", "B/W photographer",
    "TV/AV Techniker", "Ärztin/Arzt", "Verkäuferin", "Koch / Köchin", "(m/w/d)",
    # feminine forms stay: ESCO's labels carry them ("Verkäufer/Verkäuferin")
    "Verkäufer/in", "Mitarbeiter*innen Küche", "Infirmier(ère)", "Camarero/a",
])
def test_what_is_not_a_marker_is_kept(title: str) -> None:
    assert strip_gender_markers(title) == title


@pytest.mark.parametrize(("title", "bare"), [
    ("Anlagenmechaniker SHK (m/w/d) – Vollzeit", "Anlagenmechaniker SHK"),
    ("Koch (m/w/d) – Vollzeit – Berlin", "Koch – Berlin"),
    ("Staplerfahrer (m/w/d) in Vollzeit", "Staplerfahrer"),
    ("Kfz-Mechatroniker (m/w/d) gesucht!", "Kfz-Mechatroniker"),
    ("Servicekraft Gastronomie (m/w/d) ab sofort", "Servicekraft Gastronomie"),
    ("Vendeur H/F - CDI", "Vendeur"),
    ("Welder - full time, immediate start", "Welder"),
    ("Sykepleier, heltid", "Sykepleier"),
])
def test_terms_of_employment_are_removed(title: str, bare: str) -> None:
    assert bare_title(title) == bare


@pytest.mark.parametrize("title", [
    "Permanent make-up artist", "Temporary works designer", "Urgent care nurse",
    "Teilzeitkraft Verkauf", "Vollzeit",
])
def test_words_that_also_name_a_job_are_kept(title: str) -> None:
    assert bare_title(title) == title
