"""Chinese clauses framed around their content, which no space sets apart: who ("我"), where
("在餐馆"), for how long ("三年"), can or have ("会", "有…经验"), the aspect a verb takes
("洗过碗"). "在餐馆洗过碗" linked nothing while "洗碗" is a label; the content is linked,
and the mention is placed on the words as written."""

from __future__ import annotations

import pytest

from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.pieces import unframed


@pytest.mark.parametrize(("piece", "content"), [
    ("在餐馆洗过碗", "洗碗"),
    ("在工厂做过质检", "做质检"),
    ("有五年电焊经验", "电焊"),
    ("我会开叉车", "开叉车"),
    ("照顾过老人", "照顾老人"),
    ("我在中国做了三年厨师", "做厨师"),
])
def test_the_frame_is_left_out(piece: str, content: str) -> None:
    found = unframed(piece)
    assert found is not None
    text, keep = found
    assert text == content
    assert "".join(piece[k] for k in keep) == content


@pytest.mark.parametrize("piece", [
    "会计师证书",  # 会计: accounting, not "can"
    "能源工程",  # 能源: energy
    "有机农业",  # 有机: organic
    "装过滤器",  # 过滤: a filter
    "学了解剖",  # 了解: to know
    "洗碗",  # nothing frames it
    "Koch in Köln",
])
def test_words_that_only_look_like_a_frame_stay(piece: str) -> None:
    assert unframed(piece) is None


def test_the_content_is_linked_and_placed_on_the_words_written(starter: Normalizer) -> None:
    text = "在餐馆洗过碗，会开叉车"
    [statement] = starter.statements([text])
    by_label = {m.label: m for m in statement.mentions if m.kind == "skill"}
    dishes = by_label["operate a dishwashing machine"]
    assert (dishes.text, text[dishes.start:dishes.end]) == ("洗过碗", "洗过碗")
    forklift = by_label["operate a forklift"]
    assert text[forklift.start:forklift.end] == forklift.text == "开叉车"
