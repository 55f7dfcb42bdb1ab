"""Where in a text a mention may begin and end: the phrases each of which is a query row
of its own beside the whole text."""

from __future__ import annotations

from skills_taxonomy.text import STOPWORDS, Span, fold, segments, words

MAX_PHRASES = 12
_AND_THE = "وال"


def phrases(text: str) -> list[Span]:
    """Maximal runs of content words within punctuation-delimited segments, and pairs of
    runs joined by a stopword ("repair of engines"), capped at MAX_PHRASES. A run of
    numbers alone ("2" of "2 Jahre als …") names nothing and is none. Arabic writes "and
    the" onto the next word ("تنظيف المكاتب والفنادق"): a run ends there as at "و"."""
    runs: list[Span] = []
    for span in _segment_spans(text):
        current: list[tuple[int, int, str]] = []
        for token in words(span.text):
            if fold(token[2]) in STOPWORDS:
                if current:
                    runs.append(_join(text, span.start, current))
                current = []
            elif token[2].startswith(_AND_THE) and len(token[2]) >= 6:
                if current:
                    runs.append(_join(text, span.start, current))
                current = [(token[0] + 1, token[1], token[2][1:])]
            else:
                current.append(token)
        if current:
            runs.append(_join(text, span.start, current))
    runs = [run for run in runs if any(map(str.isalpha, run.text))]
    joined = [Span(a.start, b.end, text[a.start:b.end]) for a, b in zip(runs, runs[1:],
                                                                         strict=False)
              if 0 < b.start - a.end <= 6 and "," not in text[a.end:b.start]]
    return sorted(set(runs + joined), key=lambda s: (s.start, s.end))[:MAX_PHRASES]


def _segment_spans(text: str) -> list[Span]:
    return [Span(s, e, text[s:e]) for s, e in segments(text)]


def _join(text: str, offset: int, tokens: list[tuple[int, int, str]]) -> Span:
    start, end = offset + tokens[0][0], offset + tokens[-1][1]
    return Span(start, end, text[start:end])


__all__ = ["MAX_PHRASES", "phrases"]
