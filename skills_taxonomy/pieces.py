"""How a statement is cut into the pieces that are linked one by one.

Each punctuation-delimited segment (a list item, a clause) is a piece, so "sveiser,
електрик, 厨师" is judged item by item, not as one long string, each in its own language
where that can be told. Segments without words, section headings ("Sprachen:"), lengths
of time ("5 năm kinh nghiệm") and kinds of paper ("Ustalık Belgesi") are not pieces; a
pasted line's list mark ("- Kasse"), a CV line's years ("2018–2022") and a certificate's
grade ("4 разряда") are not part of one. The job roles a piece frames ("als Koch") are
pieces of their own for occupations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from skills_taxonomy.filler import is_filler
from skills_taxonomy.language import detect_language, letter_count, scripts_of
from skills_taxonomy.roles import role_spans
from skills_taxonomy.section_headings import is_heading
from skills_taxonomy.text import segments

OWN_LANGUAGE_LETTERS = 20  # a piece this long in the text's script gets its own language
MAX_ROLE_PIECES = 24  # role spans linked per text: a CV names a few roles, not hundreds
_BULLETS = " \t-–—*+>"  # a list item's mark at the start of a pasted line ("- Kasse")

# A CV line's years and dates ("2018–2022 кухар", "03/2019 - Koch") are no part of what it
# names: "2022 кухар" linked no occupation where "кухар" is one.
_DATE = r"(?:\d{1,2}[./])?(?:19|20)\d{2}"
_DATES_LEAD = re.compile(rf"(?:{_DATE}\s*[-–—/]?\s*)+(?=\S)")
_DATES_TRAIL = re.compile(rf"(?<=\S)[\s,(]+(?:{_DATE}\s*[-–—/]?\s*)+\)?$")
# Nor is the grade a trade certificate gives it ("Повар 4 разряда", "آشپز درجه ۱", "thợ
# hàn bậc 3/7"): "Повар 4 разряда" read as a whole like a painter's grade, and the whole
# outvoted the cook it begins with.
_GRADE_TRAIL = re.compile(
    r"(?<=\S)[\s,(]+(?:\d+\s*(?:-?(?:го|й|ого))?\s*(?:разряда|разряд|розряду|розряд)"
    r"|(?:разряд|розряд)\s*\d+|(?:درجه|درجة)\s*\d+|bậc\s*\d+(?:/\d+)?)\)?$", re.IGNORECASE)

# What frames a Chinese clause's content, which no space sets apart: who ("我"), where
# ("在餐馆"), for how long ("三年"), can or have ("会", "有…经验"), and the aspect a verb
# takes ("洗过碗", "做了"). "在餐馆洗过碗" linked nothing; "洗碗" is a label of washing
# the dishes.
_HAN = "\u4e00-\u9fff"
_HAN_LETTER = re.compile(f"[{_HAN}]")
_ZH_PLACES = ("店|厂|馆|工地|公司|医院|学校|酒店|餐厅|饭店|餐馆|超市|工厂|仓库|商场|市场|农场|"
              "家里|中心|单位|工作室|国内|国外|中国|当地|诊所|幼儿园|养老院|车间|厨房")
_ZH_VERBS = "做当干开洗修用教卖送带学煮炒切搬装管跑包种养织缝烤剪"
_ZH_VERBS_2 = ("照顾|管理|负责|操作|从事|参加|打扫|清洁|驾驶|维修|护理|种植|养殖|销售|烹饪|加工|"
               "安装|制作|学习|培训|担任|经营|接待|检查|搬运|包装|清洗|修理")
_ZH_FRAME = re.compile("|".join(f"(?:{frame})" for frame in (
    # (not the 会 of 会计 accounting, the 能 of 能源 energy, the 有 of 有机 organic)
    "^(?:我们|我|本人)?(?:主要|还|也|都)?(?:会(?![计议员长话所展场])|能(?![源力量])|可以|"
    "负责|熟悉|擅长|懂得|懂|有(?![限机效关]))?",
    f"在[{_HAN}]{{0,10}}?(?:{_ZH_PLACES})(?:里|上|中)?",
    "[一二三四五六七八九十两几多半\\d]+个?多?[年月][多半]?的?(?:工作)?(?:经验)?",
    f"(?<=[{_ZH_VERBS}])(?:过(?![滤期程去道错敏])|了(?!解))",
    f"(?<={_ZH_VERBS_2})(?:过(?![滤期程去道错敏])|了(?!解))",
    "的?(?:工作)?经验$")))
_ZH_LEFT = 2  # Han characters a clause keeps of its own, or it is left as written

Piece = tuple[int, int, int]  # (text number, start, end)


def cut_pieces(texts: Sequence[str], langs: Sequence[str | None],
               ) -> tuple[list[Piece], list[str], list[str | None]]:
    """The pieces of every text, their text and their language."""
    pieces = [(i, start + _lead(text[start:end]), end - _trail(text[start:end]))
              for i, text in enumerate(texts)
              for start, end in segments(text)
              if _worded(text[start:end]) and not is_heading(text[start:end])
              and not is_filler(text[start:end])]
    piece_texts = [texts[i][s:e] for i, s, e in pieces]
    mixed = [len(scripts_of(t)) > 1 for t in texts]
    piece_langs = [_piece_language(p, texts[i], langs[i], mixed[i])
                   for (i, _, _), p in zip(pieces, piece_texts, strict=True)]
    return pieces, piece_texts, piece_langs


def role_pieces(pieces: list[Piece], texts: list[str], langs: list[str | None],
                ) -> list[tuple[Piece, str, str | None]]:
    """The job roles framed inside each piece (`roles.role_spans`), as pieces of their
    own: ranked as titles, an exact label of the role is decisive. At most
    MAX_ROLE_PIECES per text, so that text made of frames costs no more than a CV."""
    out: list[tuple[Piece, str, str | None]] = []
    per_text: dict[int, int] = {}
    for (i, start, _), text, lang in zip(pieces, texts, langs, strict=True):
        for span in role_spans(text, lang):
            if per_text.get(i, 0) < MAX_ROLE_PIECES:
                per_text[i] = per_text.get(i, 0) + 1
                out.append(((i, start + span.start, start + span.end), span.text, lang))
    return out


def unframed(piece: str) -> tuple[str, list[int]] | None:
    """A Chinese piece without what frames its content (`_ZH_FRAME`), and where each of
    its characters stands in the piece; None where nothing frames it."""
    if not _HAN_LETTER.search(piece):
        return None
    framed = [False] * len(piece)
    for m in _ZH_FRAME.finditer(piece):
        framed[m.start():m.end()] = [True] * (m.end() - m.start())
    if not any(framed):
        return None
    keep = [k for k, frame in enumerate(framed) if not frame]
    rest = "".join(piece[k] for k in keep)
    if len(_HAN_LETTER.findall(rest)) < _ZH_LEFT:
        return None
    return rest, keep


def unframed_pieces(pieces: list[Piece], texts: list[str],
                    ) -> tuple[list[str], dict[Piece, tuple[str, list[int]]]]:
    """The text to link of each piece (`unframed` where that finds a frame), and for
    those: the piece's own text and where each character linked stands in it."""
    found = [unframed(text) for text in texts]
    return ([u[0] if u else text for text, u in zip(texts, found, strict=True)],
            {piece: (text, u[1]) for piece, text, u in zip(pieces, texts, found, strict=True)
             if u})


def _lead(text: str) -> int:
    bare = text.lstrip(_BULLETS)
    dated = _DATES_LEAD.match(bare)
    return len(text) - len(bare) + (dated.end() if dated else 0)


def _trail(text: str) -> int:
    bare = text.rstrip()
    for pattern in (_DATES_TRAIL, _GRADE_TRAIL):
        found = pattern.search(bare)
        bare = bare[:found.start()] if found else bare
    return len(text) - len(bare)


def _piece_language(piece: str, text: str, text_lang: str | None,
                    mixed_scripts: bool) -> str | None:
    """A piece's own language where it can be told apart from the whole text's: written in
    another script, or long enough; else the text's (a two-word list item in the same
    script says too little: "мити посуд" could be Russian or Bulgarian). A text that
    mixes scripts ("зварювальник; Gabelstapler") has no language its pieces share."""
    if piece == text or (not mixed_scripts
                         and letter_count(piece) < OWN_LANGUAGE_LETTERS):
        return text_lang
    return detect_language(piece) or text_lang


def _worded(text: str) -> bool:
    """A piece worth a human's look: it has words, not only numbers or symbols."""
    return letter_count(text) >= 2


__all__ = ["MAX_ROLE_PIECES", "Piece", "cut_pieces", "role_pieces", "unframed",
           "unframed_pieces"]
