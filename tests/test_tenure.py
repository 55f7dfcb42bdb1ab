"""A length of time on its own ("5 năm kinh nghiệm", "10 років досвіду") is no piece: not
linked (it spelt like "làm thí nghiệm", doing experiments) and not reported as text a
coach must resolve; the trade it qualifies is linked as before."""

from __future__ import annotations

import pytest

from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.tenure import is_tenure
from tests.test_multilingual import COOK


@pytest.mark.parametrize("text", [
    "5 năm kinh nghiệm", "10 років досвіду", "досвід 10 років", "٤ سنين", "۸ سال",
    "5 Jahre Erfahrung", "3 года опыта", "10 yıl deneyim", "工作经验8年", "over 5 years"])
def test_lengths_of_time(text: str) -> None:
    assert is_tenure(text)


@pytest.mark.parametrize("text", [
    "5 năm kinh nghiệm hàn",  # welding: what was done
    "kinh nghiệm",  # a heading (section_headings), not a length of time
    "Führerschein Klasse B", "thợ hàn"])
def test_what_was_done_is_no_length_of_time(text: str) -> None:
    assert not is_tenure(text)


@pytest.mark.parametrize("text", ["кухар, 5 років досвіду", "طباخ، ٤ سنين"])
def test_the_trade_is_linked_and_its_length_left_alone(starter: Normalizer,
                                                        text: str) -> None:
    [statement] = starter.statements([text])
    assert [(m.concept, m.start) for m in statement.mentions] == [(COOK, 0)]
    assert statement.unlinked == [] and statement.possible == []
