"""A vacancy CSV as employers write it (`matcher.intake.vacancy_csv`): towns by name,
semicolons, row numbers as the spreadsheet shows them; and language requirements read
off free text (`matcher.intake.language_levels`)."""

from __future__ import annotations

import csv
import io

import pytest

from matcher.errors import ImportRowsError
from matcher.intake.language_levels import language_needs
from matcher.intake.vacancy_csv import example_csv, read_vacancy_csv
from skills_taxonomy.errors import InvalidInputError


def rows_of(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_the_example_reads_with_towns_placed() -> None:
    sent = read_vacancy_csv(example_csv().encode())
    rows = rows_of(sent.body)
    assert [r["town"] for r in rows] == ["Köln", "Frankfurt am Main"]
    assert float(rows[0]["lat"]) == pytest.approx(50.94, abs=0.05)
    assert sent.rows == [2, 3]


def test_semicolons_and_given_coordinates_are_kept() -> None:
    body = ("external_id;kind;title;languages;town;lat;lon\n"
            "a;job;Koch;de:B1;Irgendwo;50.1;7.2\n"
            '"b";job;"Spüler; Küche";"de:A2;en:A1";Bonn;;\n').encode()
    rows = rows_of(read_vacancy_csv(body).body)
    assert rows[0]["town"] == "Irgendwo" and rows[0]["lat"] == "50.1"
    assert rows[1]["title"] == "Spüler; Küche" and rows[1]["languages"] == "de:A2;en:A1"
    assert rows[1]["town"] == "Bonn" and rows[1]["lat"]


def test_bad_rows_are_named_as_the_spreadsheet_numbers_them() -> None:
    body = ("external_id,kind,title,town,slots\n"
            "a,job,Koch,Frankfurt,1\n"
            "\n"  # a blank line: the rows after it keep their numbers
            'b,job,"Spüler\nKüche",Kölm,1\n'  # one row, two lines
            "c,gig,Helfer,Bonn,0\n"
            "d,job,Helfer,Xyzzyhausen,1\n").encode()
    with pytest.raises(ImportRowsError) as caught:
        read_vacancy_csv(body)
    errors = [(e["row"], e["field"]) for e in caught.value.errors]
    assert errors == [(2, "town"), (4, "town"), (6, "kind"), (6, "slots"), (7, "town")]
    messages = " ".join(str(e["message"]) for e in caught.value.errors)
    assert "Frankfurt am Main (Hessen)" in messages and "did you mean “Köln" in messages
    assert "location" not in " ".join(str(f) for _, f in errors), "no echo of lat/lon"


def test_a_file_that_is_not_csv_text_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="UTF-8"):
        read_vacancy_csv("title\nK\xf6ln\n".encode("latin-1"))
    with pytest.raises(InvalidInputError, match="no rows"):
        read_vacancy_csv(b"external_id,kind\n")


@pytest.mark.parametrize(("text", "needs"), [
    ("Suppen und Soßen kochen, Küche sauber halten, Deutsch B1", [("de", "B1")]),
    ("gute Englischkenntnisse (A2)", [("en", "A2")]),
    ("German at level B2, English C1", [("de", "B2"), ("en", "C1")]),
    ("Deutschkenntnisse mindestens B2; Führerschein B", [("de", "B2")]),
    ("Arabisch Muttersprache", [("ar", "native")]),
    ("B1 Deutsch", [("de", "B1")]),
    ("Küche B1, Raum A1 sauber halten", []),
    ("Kenntnisse in Farsi A2", [("fa", "A2")]),
])
def test_language_requirements_are_read_off_the_text(text: str,
                                                     needs: list[tuple[str, str]]) -> None:
    found = language_needs(text)
    assert [(n.lang, n.level) for n in found] == needs
    for need in found:
        assert need.level.lower() in text[need.start:need.end].lower() or \
            need.level == "native"
