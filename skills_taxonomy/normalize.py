"""Normalisation: free text in any language → taxonomy concepts.

`Normalizer` holds a taxonomy, the encoders and one linker per kind of concept.
`normalize` finds skill mentions (span, concept, score, method, matched label and its
language, the language the text was written in) and abstains below the threshold;
`statements` says, per text, what was linked and what was not; `link_occupations` ranks
occupations for a job or qualification title. Text pasted from documents is repaired
first (`text.repair`); only what is truly binary is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from skills_taxonomy.concept_index import load_or_build_index
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.fusion import FEATURES, RoutedFusion, load_fusion
from skills_taxonomy.heads import Placed, both_stand, head_pieces
from skills_taxonomy.job_titles import bare_title, named_inside
from skills_taxonomy.language import detect_language, letter_count, likeliest, script_of
from skills_taxonomy.lexicon import load_lexicon
from skills_taxonomy.linker import Candidate, Linker
from skills_taxonomy.mentions import Mention, Statement
from skills_taxonomy.ml_labels import MlLabels
from skills_taxonomy.model import ConceptKind, Taxonomy
from skills_taxonomy.pieces import Piece, cut_pieces, role_pieces, unframed_pieces
from skills_taxonomy.rank_cache import RankCache, RankKey
from skills_taxonomy.readable import check_text
from skills_taxonomy.roles import role_spans
from skills_taxonomy.teachers import Teachers
from skills_taxonomy.text import fold, has_unspaced_script
from skills_taxonomy.whole_label import whole_label

MAX_BATCH = 10_000
_EXACT = FEATURES.index("exact_hit")
_LEXICAL = FEATURES.index("tfidf_char")
_SEMANTIC = FEATURES.index("label_sim_phrase")
POSSIBLE_PER_PIECE = 3  # guesses below the threshold kept per piece and kind, for review
INEXACT_LETTERS = 3  # a piece with fewer letters links to a label it is, nothing else
# three capitals alone are an abbreviation ("WIG", "CNC"); longer capitals are as often a
# word written loud ("PAINT", "TILES"), and shorter ones are labels or nothing anyway
_ACRONYM = re.compile(r"[A-Z]{3}")
POSSIBLE_FLOOR = 0.03  # below this, guesses were noise on the demo texts ("Deutsch B1")


def _method(features: np.ndarray, route: str) -> str:
    """exact (an alias), lexical (spelling close to a label) or semantic (meaning)."""
    if features[_EXACT] > 0:
        return "exact"
    if route == "ml":  # the English encoder's similarity says little about this text
        return "lexical" if features[_LEXICAL] >= 0.5 else "semantic"
    return "lexical" if features[_LEXICAL] >= features[_SEMANTIC] else "semantic"


class Normalizer:
    """Links text to the concepts of one taxonomy. Build once; it is safe to share."""

    def __init__(self, taxonomy: Taxonomy, encoder: Encoder, cache_dir: Path | None = None,
                 threshold: float | None = None,
                 fusion: dict[str, RoutedFusion] | None = None, version: str | None = None,
                 progress: Callable[[str], None] | None = None,
                 multilingual: Encoder | None = None,
                 ml_labels: MlLabels = MlLabels.PREFERRED, rank_cache: int = 50_000,
                 whole_labels: bool = True) -> None:
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.multilingual = multilingual
        self.version = version = version or taxonomy.version
        self.linkers: dict[ConceptKind, Linker] = {}
        lexicon = load_lexicon()
        for kind in (ConceptKind.SKILL, ConceptKind.OCCUPATION):
            index = load_or_build_index(taxonomy, kind, encoder, cache_dir, version=version,
                                        progress=progress, multilingual=multilingual,
                                        ml_labels=ml_labels)
            model = (fusion or {}).get(kind.value) or load_fusion(kind.value)
            self.linkers[kind] = Linker(index, encoder, model, lexicon, multilingual)
        # one English vocabulary for both kinds, so a text takes the same route for its
        # skills and its occupations ("welder" is a word of occupation labels only)
        english = frozenset().union(*(linker.index.english_words
                                      for linker in self.linkers.values()))
        for linker in self.linkers.values():
            linker.english_words = english
        self.threshold = threshold
        # pieces that are one concept's label, answered without the encoders (whole_label)
        self.whole_labels = whole_labels
        self._ranked = RankCache(rank_cache)
        self.teachers = Teachers(self.linkers)

    def threshold_for(self, kind: ConceptKind, route: str = "en") -> float:
        """The score below which a link is not trusted (the route's fitted threshold
        unless one is set)."""
        if self.threshold is not None:
            return self.threshold
        return self.linkers[kind].fusion[route].threshold_

    def forget_rankings(self) -> None:
        """Empty the cache of piece rankings (for benchmarks that time cold linking)."""
        self._ranked.clear()

    def rank(self, texts: Sequence[str], kind: ConceptKind = ConceptKind.SKILL,
             top_k: int = 100) -> list[list[Candidate]]:
        """Full rankings (no abstention): what evaluation and retrieval use."""
        return self.linkers[kind].rank([check_text(t) for t in texts], top_k)

    def normalize(self, text: str, lang: str | None = None) -> list[Mention]:
        return self.normalize_batch([check_text(text)], lang)[0]

    def normalize_batch(self, texts: Sequence[str], lang: str | None = None,
                        kinds: Sequence[ConceptKind] = (ConceptKind.SKILL,
                                                        ConceptKind.OCCUPATION),
                        ) -> list[list[Mention]]:
        """Skill and occupation mentions of each text (or those of `kinds` only, at a
        linking pass less per kind left out): one mention per span, overlapping spans
        resolved in favour of the higher score, nothing below the threshold. Spans refer
        to the repaired text (`check_text`)."""
        return [s.mentions for s in self.statements(texts, lang, kinds)]

    def statements(self, texts: Sequence[str], lang: str | None = None,
                   kinds: Sequence[ConceptKind] = (ConceptKind.SKILL,
                                                   ConceptKind.OCCUPATION),
                   ) -> list[Statement]:
        """Per text: its mentions (as `normalize_batch`), its language, and the pieces
        that linked to nothing. `lang` is the language of the labels in the answer.

        Each punctuation-delimited segment (a list item, a clause) is linked on its own,
        so "sveiser, електрик, 厨师" is judged item by item, not as one long string; its
        language is detected on its own too (falling back to the whole text's)."""
        if len(texts) > MAX_BATCH:
            raise InvalidInputError(f"batch has {len(texts)} texts; the limit is {MAX_BATCH}")
        checked = [check_text(t, f"texts[{i}]") for i, t in enumerate(texts)]
        text_langs = self._written_in(checked)
        pieces, piece_texts, piece_langs = cut_pieces(checked, text_langs)
        piece_langs = self._written_in(piece_texts, piece_langs)
        agreed: dict[int, set[str | None]] = {}  # pieces agree on a language ("Koch, Maurer")
        for (i, _, _), piece_lang in zip(pieces, piece_langs, strict=True):
            agreed.setdefault(i, set()).add(piece_lang)
        for i, langs in agreed.items():
            text_langs[i] = langs.pop() if len(langs) == 1 and None not in langs else text_langs[i]
        # per text: mentions in their piece's offsets, and the piece's offset in the text
        found: list[list[tuple[Mention, int]]] = [[] for _ in checked]
        guesses: list[list[tuple[Mention, int]]] = [[] for _ in checked]
        # occupations are also looked for in the roles a sentence frames ("als Koch")
        roles = (role_pieces(pieces, piece_texts, piece_langs)
                 if ConceptKind.OCCUPATION in kinds else [])
        link_texts, kept = unframed_pieces(pieces, piece_texts)  # Chinese: "在餐馆洗过碗"
        head_spans: set[Piece] = set()
        for kind in kinds:
            lowest = min([POSSIBLE_FLOOR, *(self.threshold_for(kind, route)
                                            for route in self.linkers[kind].fusion.routes)])
            linked = list(zip(pieces, link_texts, piece_langs, strict=True)) + (
                roles if kind is ConceptKind.OCCUPATION else [])
            # the fast path's score is the lexical one alone: where a text's roles compete
            # with its pieces for a span, both are scored the full way
            framed = {i for (i, _, _), _, _ in roles}
            fast = [self.whole_labels and i not in framed for (i, _, _), _, _ in linked]
            ranked = self._rank_unique(kind, [t for _, t, _ in linked],
                                       [lang for _, _, lang in linked], top_k=30, floor=lowest,
                                       whole_labels=fast)
            if kind is ConceptKind.OCCUPATION:
                heads = head_pieces(self.linkers, self.threshold_for, pieces, piece_texts,
                                    piece_langs, ranked[:len(pieces)])
                head_spans.update(piece for piece, _, _ in heads)
                head_fast = [self.whole_labels] * len(heads)
                ranked += self._rank_unique(kind, [t for _, t, _ in heads],
                                            [lang for _, _, lang in heads], top_k=30,
                                            floor=lowest, whole_labels=head_fast)
                linked += heads
                fast += head_fast
            # a batch repeats its pieces (a feed's "Teamfähigkeit"): mentions made once each
            made: dict[tuple[str, str | None, bool], tuple[list[Mention], list[Mention]]] = {}
            for ((i, offset, end), piece, piece_lang), cands, quick in zip(
                    linked, ranked, fast, strict=True):
                key = (piece, piece_lang, quick)
                if key not in made:
                    made[key] = self._piece_mentions(piece, cands, kind, lang, piece_lang)
                sure, unsure = made[key]
                if (at := kept.get((i, offset, end))) and piece != at[0]:
                    sure, unsure = ([m.placed(*at) for m in ms] for ms in (sure, unsure))
                found[i] += [(m, offset) for m in sure]
                guesses[i] += [(m, offset) for m in unsure]
        if ConceptKind.OCCUPATION in kinds:  # a teacher named with level or subject
            for (i, offset, _), piece, piece_lang in zip(pieces, piece_texts, piece_langs,
                                                         strict=True):
                taught = self.teachers.composed(checked[i], piece, piece_lang)
                if taught is None or (span := taught.span) is None:
                    continue
                found[i].append((self._mention(piece, taught, ConceptKind.OCCUPATION, lang,
                                               piece_lang, method="composed"), offset))
                head_spans.add((i, offset + span.start, offset + span.end))
        spans_of: list[list[tuple[int, int]]] = [[] for _ in checked]
        for i, start, end in pieces:
            spans_of[i].append((start, end))
        out = []
        for i, mentions in enumerate(found):
            taken: list[Placed] = []
            chosen: list[Mention] = []
            for mention, offset in sorted(mentions, key=lambda pair: -pair[0].score):
                start, end = mention.start + offset, mention.end + offset
                placed = (start, end, mention.kind, (i, start, end) in head_spans)
                if all(both_stand(placed, other) for other in taken):
                    taken.append(placed)
                    chosen.append(mention.shifted(offset))
            chosen.sort(key=lambda m: m.start)
            open_spans = [(s, e) for s, e in spans_of[i]
                          if not any(ts < e and te > s for ts, te, _, _ in taken)]
            unlinked: list[dict[str, object]] = [
                {"start": s, "end": e, "text": checked[i][s:e]} for s, e in open_spans]
            possible = [m.shifted(offset)
                        for m, offset in sorted(guesses[i], key=lambda pair: -pair[0].score)
                        if any(s <= m.start + offset and m.end + offset <= e
                               for s, e in open_spans)]
            out.append(Statement(checked[i], text_langs[i], chosen, unlinked, possible))
        return out

    def _written_in(self, texts: Sequence[str], langs: Sequence[str | None] | None = None,
                    ) -> list[str | None]:
        """Each text's language (`detect_language` unless given), unless the text is as a
        whole a label in other languages only: then the likeliest of those. A word alone
        misleads the detector ("Koch" reads Dutch, "Bäcker" Swedish, "Maurer" French);
        the labels it is say German. Where the detector cannot tell, a label in one
        language only tells ("Kellner"), one in several does not ("Java"). Arabic-script
        labels are left out: Arabic and Persian share most of their words, and their
        letters tell them apart better."""
        out = []
        for text, lang in zip(texts, langs or [detect_language(t) for t in texts],
                              strict=True):
            if script_of(text) in ("LATIN", "CYRILLIC"):
                named = set().union(*(linker.exact.label_languages(text)
                                      for linker in self.linkers.values()))
                if named and lang not in named and (lang is not None or len(named) == 1):
                    lang = likeliest(text, named) or lang
            out.append(lang)
        return out

    def _rank_unique(self, kind: ConceptKind, texts: Sequence[str],
                     langs: Sequence[str | None], top_k: int, floor: float = 0.0,
                     whole_labels: Sequence[bool] = ()) -> list[list[Candidate]]:
        """`Linker.rank` over each distinct (text, language) once, and once per process
        while it stays in the cache: adverts and CVs repeat their phrases
        ("Teamfähigkeit", "Führerschein Klasse B"), a feed many times over. Candidates
        below `floor` are left out (and not kept). A text whose `whole_labels` flag is set
        and that is one concept's label is answered by that concept alone
        (`whole_label`): what a mention needs, not a ranking."""
        flags = list(whole_labels) or [False] * len(texts)
        keys = [RankKey(kind, text, lang, top_k, floor, fast)
                for text, lang, fast in zip(texts, langs, flags, strict=True)]
        found = self._ranked.get_many(keys)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        linker = self.linkers[kind]
        new: dict[RankKey, list[Candidate]] = {}
        for key in missing:
            fast = whole_label(linker, key.text, key.lang, self.threshold) \
                if key.whole_labels else None
            if fast is not None:
                new[key] = [fast]
        missing = [k for k in missing if k not in new]
        if missing:
            ranked = linker.rank([k.text for k in missing], top_k,
                                 langs=[k.lang for k in missing])
            new.update({k: [c for c in cands if c.score >= floor]
                        for k, cands in zip(missing, ranked, strict=True)})
        self._ranked.put_many(new)
        found.update(new)
        return [found[key] for key in keys]

    def link_occupations(self, title: str, lang: str | None = None, top_k: int = 10,
                         abstain: bool = True) -> list[Mention]:
        """Occupations for a job or qualification title, best first."""
        return self.link_occupations_batch([title], lang, top_k, abstain)[0]

    def link_occupations_batch(self, titles: Sequence[str], lang: str | None = None,
                               top_k: int = 10, abstain: bool = True,
                               ) -> list[list[Mention]]:
        """`link_occupations` for many titles in one linking pass (a feed's titles)."""
        kind = ConceptKind.OCCUPATION
        checked = [check_text(t, "title") for t in titles]
        # "Schweißer (m/w/d) – Vollzeit": markers and terms the n-grams match to other labels
        bare = [bare_title(t) for t in checked]
        written_in = self._written_in(bare)
        roles = [[span.text for span in role_spans(t, w)]
                 for t, w in zip(bare, written_in, strict=True)]
        texts = bare + [r for title_roles in roles for r in title_roles]
        langs = written_in + [w for w, title_roles in zip(written_in, roles, strict=True)
                              for _ in title_roles]
        # one occupation per title (a feed's titles): a title that is a label and frames
        # no role answers it (`whole_label`)
        fast = [self.whole_labels and top_k == 1 and not r for r in roles]
        ranked = iter(self._rank_unique(kind, texts, langs, top_k,
                                        whole_labels=fast + [False] * (len(texts) - len(fast))))
        whole = [next(ranked) for _ in checked]
        # a title that frames a role ("worked as a cook in a restaurant") is ranked as the
        # role where the role's best occupation is surer than the whole title's
        best = [max([cands, *(next(ranked) for _ in title_roles)],
                    key=lambda c: c[0].score if c else -1.0)
                for cands, title_roles in zip(whole, roles, strict=True)]
        out = []
        for title, plain, w, cands in zip(checked, bare, written_in, best, strict=True):
            taught = self.teachers.composed(plain, plain, w)
            if taught is not None:  # a teacher with the level or subject: the title says it
                cands = [taught, *(c for c in cands if c.concept != taught.concept)]
            if abstain:
                cands = [c for c in cands if c.score >= self.threshold_for(kind, c.route)]
                named = None if cands else named_inside(
                    self.linkers[kind], plain, w, self.threshold)
                cands = [named] if named else cands
            out.append([self._mention(title, c, kind, lang, w, whole=True,
                                      method="composed" if c is taught else None)
                        for c in cands])
        return out

    def _piece_mentions(self, piece: str, cands: list[Candidate], kind: ConceptKind,
                        lang: str | None, piece_lang: str | None,
                        ) -> tuple[list[Mention], list[Mention]]:
        """A piece's mentions at or above the threshold, and its best few guesses below
        it (for review), in the piece's own offsets."""
        if letter_count(piece) < INEXACT_LETTERS and not has_unspaced_script(piece):
            # "CE", "DR": too short for spelling or meaning (or a transliteration's
            # consonants) to say anything: a label it is, or nothing
            index, key = self.linkers[kind].index, fold(piece)
            cands = [c for c in cands if index.entry_folded[c.label_entry] == key
                     and not index.entry_lang[c.label_entry].endswith("-Latn")]
        elif _ACRONYM.fullmatch(piece):
            # "WIG", "PET", "ICE": an abbreviation, not the word ("make wigs", "register a
            # pet", "remove ice"): only a label it is ("CAD") or one that writes it
            # capitalised too ("SAP ERP", "Lkw rangieren") says it
            written = re.compile(rf"(?<![^\W\d_]){piece}(?![^\W\d_])", re.IGNORECASE)
            index, key = self.linkers[kind].index, fold(piece)
            cands = [c for c in cands if index.entry_folded[c.label_entry] == key or any(
                found.group()[0].isupper()
                for found in written.finditer(index.entry_text[c.label_entry]))]
        thresholds = {route: self.threshold_for(kind, route)
                      for route in {c.route for c in cands}}
        sure = [self._mention(piece, c, kind, lang, piece_lang)
                for c in cands if c.score >= thresholds[c.route]]
        unsure = [self._mention(piece, c, kind, lang, piece_lang)
                  for c in cands[:POSSIBLE_PER_PIECE]
                  if POSSIBLE_FLOOR <= c.score < thresholds[c.route]]
        return sure, unsure

    def _mention(self, text: str, cand: Candidate, kind: ConceptKind, lang: str | None,
                 written_in: str | None, whole: bool = False,
                 method: str | None = None) -> Mention:
        index = self.linkers[kind].index
        uri = index.uris[cand.concept]
        concept = self.taxonomy.concepts[uri]
        span = None if whole else cand.span
        start, end = (span.start, span.end) if span else (0, len(text))
        return Mention(
            start=start, end=end, text=text[start:end], concept=uri, kind=kind.value,
            label=concept.preferred_label(lang or "en"), score=round(cand.score, 4),
            method=method or _method(cand.features, cand.route),
            matched_label=index.entry_text[cand.label_entry],
            matched_lang=index.entry_lang[cand.label_entry], lang=written_in,
        )
