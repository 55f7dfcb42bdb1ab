"""A length of time ("5 năm kinh nghiệm", "10 років досвіду") or the kind of a paper
("Ustalık Belgesi") on its own is no piece: not linked (they spelt like "làm thí nghiệm",
doing experiments, and "aşçılık ustalık belgesi", a cook's certificate) and not reported
as text a coach must resolve; the trade they qualify is linked as before."""

from __future__ import annotations

import pytest

from skills_taxonomy.filler import is_filler
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.pieces import cut_pieces
from tests.test_multilingual import COOK


@pytest.mark.parametrize("text", [
    "5 năm kinh nghiệm", "10 років досвіду", "досвід 10 років", "٤ سنين", "۸ سال",
    "5 Jahre Erfahrung", "3 года опыта", "10 yıl deneyim", "工作经验8年", "over 5 years",
    "Ustalık Belgesi", "گواهینامه مهارت", "Chứng chỉ nghề", "职业技能等级证书", "3 разряд",
    "Gesellenbrief", "شهادة الثانوية", "Dipl", "BEng", "Hons", "本科", "cử nhân", "لیسانس"])
def test_lengths_of_time_and_kinds_of_paper(text: str) -> None:
    assert is_filler(text)


@pytest.mark.parametrize("text", [
    "5 năm kinh nghiệm hàn",  # welding: what was done
    "Повар 4 разряда", "Chứng chỉ nghề hàn", "دبلوم المعهد الصحي",  # the paper's trade
    "kinh nghiệm", "experience",  # headings (section_headings), without a length
    "Führerschein Klasse B", "thợ hàn"])
def test_what_was_done_is_no_filler(text: str) -> None:
    assert not is_filler(text)


@pytest.mark.parametrize("text", ["кухар, 5 років досвіду", "طباخ، ٤ سنين",
                                  "кухар, свідоцтво 4 розряду"])
def test_the_trade_is_linked_and_its_length_left_alone(starter: Normalizer,
                                                        text: str) -> None:
    [statement] = starter.statements([text])
    assert [(m.concept, m.start) for m in statement.mentions] == [(COOK, 0)]
    assert statement.unlinked == [] and statement.possible == []


@pytest.mark.parametrize(("text", "pieces"), [
    ("Повар 4 разряда", ["Повар"]), ("Слюсар з ремонту, 3 розряд", ["Слюсар з ремонту"]),
    ("آشپز غذاهای ایرانی درجه ۱", ["آشپز غذاهای ایرانی"]),
    ("May công nghiệp, thợ bậc 3/7", ["May công nghiệp"]),
    ("Электромонтажник 3 разряда (2019)", ["Электромонтажник"]),
])
def test_a_grade_is_no_part_of_the_trade(text: str, pieces: list[str]) -> None:
    """"Повар 4 разряда" read as a whole like a painter's grade, and outvoted its cook."""
    assert cut_pieces([text], [None])[1] == pieces
