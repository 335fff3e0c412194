"""Places: toponyms recognised, resolved against an offline GeoNames gazetteer, flagged.

Each ``Place`` carries the GeoNames id, point, feature kind and the precision we really have:
an unresolved name keeps ``geonameid``/``precision`` None rather than falling back to a
country centroid.  ``is_metonym`` marks a place standing for its government ("Washington's
special envoy"); ``is_focus`` marks the article's focus country/admin1/city (see :func:`focus`).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from pressgraph.extract import ParsedDocument
from pressgraph.extract.places.gazetteer import (
    BuildStats,
    Entry,
    Gazetteer,
    build_gazetteer,
    default_path,
    fold,
    get_gazetteer,
)
from pressgraph.extract.places.resolve import (
    AGENT_NOUNS,
    BORDER,
    DIRECTION_OF_COUNTRY,
    HELD_DIRECTION,
    KIND_TO_FEATURE,
    NESTED_LABELS,
    NESTED_STOP,
    PLACE_LABELS,
    SPEECH_VERBS,
    Area,
    Mention,
    base_score,
    border_box,
    choose,
    country_evidence,
    kind_word_near,
    lookup,
    region_box,
    score_candidates,
    trim,
)
from pressgraph.model import Place, Record, stable_id
from pressgraph.nlp.columns import words as doc_words

EXTRACTOR = "places@3"
PRECISION = {
    "country": "country",
    "admin1": "admin1",
    "city": "city",
    "site": "site",
    "continent": "region",
    "region": "region",
    "county": "admin1",
}  # a county is placed at its state's centroid
# Inside an organisation's name only well-known places count ("Paris Police Department",
# "University of Pennsylvania"), not every village that shares a word with it.
_NESTED_MIN_POP = 50_000
_PERSON_MIN_POP = 300_000
# "West Nile virus", "Reston ebolavirus", "Rift Valley fever": named after a place, not one.
_DISEASE_AFTER = re.compile(
    r"\s+(?:virus|ebolavirus|fever|flu|disease|strain|encephalitis|variant|outbreak strain)\b",
    re.IGNORECASE,
)
_CAP_WORD = re.compile(r"[A-Z][\w’'.]*")
# A state's formal name the parser cut short ("Democratic Republic of | Congo"): the tail alone
# names another country (Congo is the Republic of the Congo in the gazetteer).
_FORMAL_STATE_BEFORE = re.compile(
    r"(?:(?:Democratic|People's|Islamic|Federal|Arab|United|Socialist|Central African)\s+)*"
    r"Republic\s+of\s+(?:the\s+)?$")
# A local institution named after its town: "Glasgow Police", "Bantam Superior Court".
_INSTITUTION = re.compile(
    r"\s+(?:Superior\s+|District\s+|Crown\s+|Magistrates.?\s+|Regional\s+|City\s+|Town\s+"
    r"|County\s+|General\s+|Public\s+|Community\s+|Municipal\s+)?"
    r"(?:Police|Court|Council|Fire|Sheriff|Hospital|Jail|School|Schools|Library|Mayor|Airport"
    r"|Station|Detention|Coroner|Chamber|Transit|Borough|Township|EMS|OPP|RCMP)\b"
)
_NESTED_LOCAL_MIN_POP = 1_000
# "COLUMBIA, Ky. (WBKO) -", "OTTAWA –": the place a story was filed from, at its start.
# "Wainwright, Alta.", "Ada, Oklahoma", "Clacton, Essex": a place and what contains it.
_HIERARCHY = re.compile(
    r"(?P<x>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3}),\s+(?P<y>[A-Z][\w’'.]*(?:\s+[A-Z][\w’'.]*)?)"
)
_COUNTY = re.compile(r"\b(?:[A-Z][a-z’'.]+\s+){1,2}(?:County|Parish)\b")
_DATELINE_AT = re.compile(
    r"(?:^|\n)\s*(?P<name>[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,2})"
    r"(?=\s*(?:,|\(|—|–|\s-|\s+[A-Z][a-z]))"
)
_NOT_PLACE = frozenset(
    [
        "DATE",
        "TIME",
        "MONEY",
        "PERCENT",
        "CARDINAL",
        "ORDINAL",
        "QUANTITY",
        "WORK_OF_ART",
        "EVENT",
        "LAW",
        "PRODUCT",
        "LANGUAGE",
    ]
)
_TITLE_BEFORE = re.compile(r"(?:Mr|Mrs|Ms|Dr|Sir|Lady|Lord|St|Saint)\.?\s+$")

__all__ = [
    "BuildStats",
    "Gazetteer",
    "build_gazetteer",
    "default_path",
    "extract",
    "focus",
    "get_gazetteer",
    "place_mentions",
    "resolve_mentions",
]


def _ents(parsed: ParsedDocument) -> list[tuple[int, int, str]]:
    ents = parsed.extraction.entities
    if ents:
        return [(e.start, e.end, e.label) for e in ents]
    return [(e.start_char, e.end_char, e.label_) for e in parsed.doc.ents]


def _nested(gaz: Gazetteer, text: str, start: int, end: int) -> list[Mention]:
    """Place names inside an organisation's or facility's name.  A small town counts only
    where it leads a local institution's name ("Bantam Superior Court")."""
    lead = trim(text, start, end)[0]
    words = [(m.start() + start, m.end() + start) for m in _CAP_WORD.finditer(text[start:end])]
    found: list[Mention] = []
    i = 0
    while i < len(words):
        hit = None
        for j in range(min(len(words), i + 3), i, -1):
            s, e = words[i][0], words[j - 1][1]
            s, e = trim(text, s, e)
            if re.search(r"[^\w\s.’'-]", text[s:e]):
                continue
            if len(text[s:e]) < 3 or (text[s:e].isupper() and "." not in text[s:e]):
                continue
            if fold(text[s:e]) in NESTED_STOP:
                continue  # acronyms ("SDF") collide with airport codes and abbreviations
            local = s == lead and _INSTITUTION.match(text, e) is not None
            entries = gaz.lookup(text[s:e])
            cands = tuple(
                c
                for c in entries
                if c.kind in ("country", "admin1", "continent", "county")
                or (c.alias_is_name and c.population >= _NESTED_MIN_POP)
            )
            if not cands and local:
                # A well-known namesake wins ("Paris Police"); else the small towns.
                cands = tuple(
                    c for c in entries if c.alias_is_name and c.population >= _NESTED_LOCAL_MIN_POP
                )
            if cands:
                hit = Mention(
                    start=s, end=e, text=text[s:e], label="NESTED", candidates=cands, nested=True
                )
                i = j
                break
        if hit:
            found.append(hit)
        else:
            i += 1
    return found


def _head_place(gaz: Gazetteer, text: str, start: int, end: int) -> list[Mention]:
    """The place at the end of a longer name the gazetteer lacks: "Far North Queensland",
    "Western Canada", "City of Montreal", "Air Berlin"."""
    words = list(_CAP_WORD.finditer(text, start, end))
    for w in words[1:]:
        s, e = trim(text, w.start(), end)
        if fold(text[s:e]) in NESTED_STOP or re.search(r"[^\w\s.’'-]", text[s:e]):
            continue
        cands = tuple(
            c
            for c in gaz.lookup(text[s:e])
            if c.kind in ("country", "admin1", "continent", "county")
            or (c.alias_is_name and c.population >= _NESTED_MIN_POP)
        )
        if cands:
            return [
                Mention(
                    start=s, end=e, text=text[s:e], label="NESTED", candidates=cands, nested=True
                )
            ]
    return []


def _people_plural(gaz: Gazetteer, name: str) -> bool:
    if not name.endswith("s") or len(name) < 4:
        return False
    singular = gaz.lookup(name[:-1])
    return any(c.mention_type == "demonym" for c in singular)


def place_mentions(parsed: ParsedDocument, gaz: Gazetteer) -> list[Mention]:
    """Candidate toponyms with their gazetteer candidates (recognition)."""
    text = parsed.text
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for start, end, label in sorted(_ents(parsed)):
        if label in PLACE_LABELS:
            s, e = trim(text, start, end)
            if e <= s or _DISEASE_AFTER.match(text, e):
                continue
            formal = _FORMAL_STATE_BEFORE.search(text, max(0, s - 60), s)
            if formal and lookup(gaz, text[formal.start():e])[0]:
                s = formal.start()
            cands, hint = lookup(gaz, text[s:e])
            if not cands and "," in text[s:e]:
                # "Alexandria, Louisiana" as one entity: the first part is the place.
                head = text[s:e].split(",")[0]
                cands, hint = lookup(gaz, head)
                e = s + len(head)
            if not cands and label in ("NORP", "FAC"):
                if label == "FAC":
                    for nm in _nested(gaz, text, s, e):
                        mentions.append(nm)
                        taken.append((nm.start, nm.end))
                continue
            if label == "NORP":
                if _people_plural(gaz, text[s:e]):
                    continue  # "Americans" are people; "American" troops are the country's
                cands = (
                    tuple(
                        c
                        for c in cands
                        if c.mention_type == "demonym" or c.kind in ("country", "continent")
                    )
                    or cands
                )
            mt = (
                "demonym" if cands and all(c.mention_type == "demonym" for c in cands) else ("name")
            )
            mentions.append(
                Mention(
                    start=s,
                    end=e,
                    text=text[s:e],
                    label=label,
                    candidates=cands,
                    kind_hint=hint,
                    mention_type=mt,
                )
            )
            taken.append((s, e))
        elif label == "PERSON":
            # spaCy often tags a lone city as a person ("Aleppo"): accept the whole span when
            # it names a country, a region or a big city.
            s, e = trim(text, start, end)
            cands = tuple(
                c
                for c in gaz.lookup(text[s:e])
                if c.alias_is_name
                and (
                    c.kind in ("country", "admin1", "continent") or c.population >= _PERSON_MIN_POP
                )
            )
            if cands and not text[s:e].isupper():
                mentions.append(
                    Mention(start=s, end=e, text=text[s:e], label=label, candidates=cands)
                )
                taken.append((s, e))
        elif label in NESTED_LABELS:
            for nm in _nested(gaz, text, start, end):
                if nm.candidates[0].mention_type == "demonym":
                    nm.mention_type = "demonym"
                mentions.append(nm)
                taken.append((nm.start, nm.end))
    # A GPE/LOC name the gazetteer lacks may hold one it has: "Far North Queensland",
    # "Western Canada", "City of Montreal".
    for m in list(mentions):
        if not m.candidates and m.label in ("GPE", "LOC"):
            inner = _head_place(gaz, text, m.start, m.end)
            if inner:
                mentions.remove(m)
                mentions.extend(inner)
                taken.extend((nm.start, nm.end) for nm in inner)
    countries = country_evidence(mentions)
    mentions.extend(_context_mentions(parsed, gaz, mentions, taken, countries))
    # Skeleton fallback for transliteration variants, within countries the article is about.
    countries = country_evidence(mentions)
    for m in mentions:
        if m.nested and m.mention_type != "demonym":
            # A town or region inside a longer name ("Franklin Elementary", "Danube Delta")
            # counts only where the article is already about its country.
            m.candidates = tuple(
                c
                for c in m.candidates
                if c.kind in ("country", "continent") or countries.get(c.country_code)
            )
    mentions = [m for m in mentions if not m.nested or m.candidates]
    for m in mentions:
        if not m.candidates and m.label in ("GPE", "LOC", "FAC"):
            m.candidates = tuple(
                c for c in gaz.lookup_skeleton(m.text) if countries.get(c.country_code)
            )
    return mentions


def _overlaps(spans: Iterable[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < b and a < e for a, b in spans)


# a character no place name holds, or a run of spaces
_NOT_A_NAME = re.compile(r"[^\w\s.’'-]|\s{2,}")


class _SpanIndex:
    """The test of ``_overlaps`` by bisection: the scan over every span for every window of
    capitalised words was most of this extractor's time on long articles.  Spans starting
    before ``e`` are a prefix of the spans sorted by start; one of them overlaps ``[s, e)``
    exactly when the largest end in that prefix is past ``s``."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._index()

    def _index(self) -> None:
        self._starts = [a for a, _ in self._spans]
        self._reach = list(itertools.accumulate((b for _, b in self._spans), max))

    def add(self, span: tuple[int, int]) -> None:
        bisect.insort(self._spans, span)
        self._index()

    def overlaps(self, s: int, e: int) -> bool:
        k = bisect.bisect_left(self._starts, e)
        return k > 0 and self._reach[k - 1] > s


def _admin_support(mentions: Sequence[Mention]) -> set[tuple[str, str]]:
    """The admin1 regions the article names: their towns need less evidence."""
    out: set[tuple[str, str]] = set()
    for m in mentions:
        if m.candidates:
            top = max(m.candidates, key=base_score)
            if top.kind == "admin1":
                out.add((top.country_code, top.admin1))
    return out


def _context_mentions(
    parsed: ParsedDocument,
    gaz: Gazetteer,
    mentions: list[Mention],
    taken: list[tuple[int, int]],
    countries: dict[str, float],
) -> list[Mention]:
    """Toponyms spaCy missed or mislabelled, accepted only on evidence: a dateline, a
    containing place after a comma ("Wainwright, Alta."), a county, a country name, or a
    town in a region (or a big city in a country) the article already names."""
    text = parsed.text
    support = _admin_support(mentions)
    persons = [(s, e) for s, e, label in _ents(parsed) if label == "PERSON"]
    person_index = _SpanIndex(persons)
    orgs = _SpanIndex((s, e) for s, e, label in _ents(parsed) if label in NESTED_LABELS)
    # Dates, languages, works and the people a plural demonym names ("Americans") are not
    # places; a hyphenated NORP ("Turkish-Russian") may hold two.
    blocked = _SpanIndex(
        (e.start_char, e.end_char)
        for e in doc_words(parsed.doc, parsed.text).ents
        if e.label_ in _NOT_PLACE or (e.label_ == "NORP" and "-" not in e.text)
    )
    out: list[Mention] = []

    def add(s: int, e: int, label: str, cands: tuple[Entry, ...], **kw: Any) -> None:
        for m in [m for m in mentions if not m.candidates and _overlaps([(m.start, m.end)], s, e)]:
            mentions.remove(m)  # an unresolvable entity gives way to the place inside it
        mt = "demonym" if all(c.mention_type == "demonym" for c in cands) else "name"
        occupied.add((s, e))
        out.append(
            Mention(
                start=s, end=e, text=text[s:e], label=label, candidates=cands, mention_type=mt, **kw
            )
        )
        taken.append((s, e))

    occupied = _SpanIndex((m.start, m.end) for m in mentions if m.candidates or m.nested)

    def free(s: int, e: int) -> bool:
        return not occupied.overlaps(s, e)

    for dm in _DATELINE_AT.finditer(text):
        s, e = dm.span("name")
        name = text[s:e].rstrip(".")
        e = s + len(name)
        if len(name) < 4 or not name.isupper() or not free(s, e):
            continue
        cands = tuple(
            c
            for c in gaz.lookup(name)
            if c.alias_is_name and c.kind in ("city", "admin1", "country")
        )
        if cands:
            add(s, e, "DATELINE", cands, dateline=True)

    for hm in _HIERARCHY.finditer(text):
        ys, ye = hm.span("y")
        y_text = text[ys:ye]
        if not y_text.endswith(".") or len(y_text) > 6:
            y_text = y_text.rstrip(".")
        ye = ys + len(y_text)
        containers = [
            c
            for c in gaz.lookup(y_text)
            if c.kind in ("admin1", "country") and c.mention_type != "demonym"
        ]
        if not containers:
            continue
        words = list(_CAP_WORD.finditer(text, hm.start("x"), hm.end("x")))
        for i in range(len(words)):
            s, e = words[i].start(), hm.end("x")
            if _TITLE_BEFORE.search(text, max(0, s - 6), s):
                continue
            cands = tuple(
                c
                for c in gaz.lookup(text[s:e])
                if c.kind in ("city", "site", "county")
                and any(
                    c.country_code == y.country_code
                    and (y.kind == "country" or c.admin1 == y.admin1)
                    for y in containers
                )
            )
            if cands:
                if free(s, e):
                    add(s, e, "HIERARCHY", cands)
                if free(ys, ye):
                    add(ys, ye, "HIERARCHY", tuple(containers))
                break

    for cm in _COUNTY.finditer(text):
        s, e = cm.span()
        if not free(s, e):
            continue
        for _ in range(2):  # "the Laurel County": the name may start one word later
            cands = tuple(
                c
                for c in gaz.lookup(text[s:e])
                if c.kind == "county" and countries.get(c.country_code)
            )
            if cands:
                add(s, e, "COUNTY", cands)
                break
            nxt = re.search(r"\s", text[s:e])
            if nxt is None:
                break
            s += nxt.end()

    words = list(_CAP_WORD.finditer(text))
    i = 0
    while i < len(words):
        hit = False
        for j in range(min(len(words), i + 3), i, -1):
            s, e = trim(text, words[i].start(), words[j - 1].end())
            if e <= s or _NOT_A_NAME.search(text, s, e) or not free(s, e):
                continue
            if orgs.overlaps(s, e) or blocked.overlaps(s, e):
                continue
            if text[s - 1 : s] == "-" and text[s - 2 : s - 1].islower():
                continue  # "un-American"
            in_person = person_index.overlaps(s, e)
            if in_person and (
                (s, e) not in persons or _TITLE_BEFORE.search(text, max(0, s - 6), s)
            ):
                continue
            before = text[max(0, s - 3) : s].strip()
            sentence_start = s == 0 or before[-1:] in (".", "!", "?", '"', "“", "\n", "")
            key = text[s:e]
            if len(key) < 3 or (key.isupper() and "." not in key):
                continue
            if fold(key) in NESTED_STOP:
                continue
            found = gaz.lookup(key)
            if not found:
                continue  # most windows name nothing: no need to read the words around them
            hint = kind_word_near(text, s, e)
            cands = tuple(
                c
                for c in found
                if _context_ok(c, countries, support, hint, in_person, sentence_start)
            )
            if cands:
                add(s, e, "CONTEXT", cands)
                hit = True
                i = j
                break
        if not hit:
            i += 1
    return out


def _context_ok(
    c: Entry,
    countries: dict[str, float],
    support: set[tuple[str, str]],
    hint: str | None,
    in_person: bool,
    sentence_start: bool,
) -> bool:
    supported = (c.country_code, c.admin1) in support
    if in_person:
        # "The Innisfail skater": spaCy's PERSON, but a town of a region the story names.
        return c.kind == "city" and c.alias_is_name and supported and c.population >= 1_000
    if c.mention_type == "demonym":
        return not sentence_start and not c.alias_is_name
    if c.kind == "country":
        return c.alias_is_name or c.mention_type == "abbrev" or len(c.name) > 3
    if not countries.get(c.country_code) or not c.alias_is_name:
        return False
    if c.kind == "admin1":
        return True
    if c.kind == "city":
        if hint == "city" and c.population >= 1_000:
            return True
        if sentence_start:
            return supported and c.population >= 20_000
        return (supported and c.population >= 5_000) or c.population >= 100_000
    return False


def _metonym(parsed: ParsedDocument, m: Mention, entry: Entry | None) -> bool:
    """A country or capital standing for its government: "Washington's special envoy",
    "Turkey said"."""
    if entry is None or not (
        entry.kind == "country" or entry.feature_code == "PPLC" or m.mention_type == "abbrev"
    ):
        return False
    if m.mention_type == "demonym":
        return False
    if _agent_context(parsed, m):
        return True
    span = parsed.doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is not None:
        root = span.root
        if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in SPEECH_VERBS:
            return True
    return False


def _agent_context(parsed: ParsedDocument, m: Mention) -> bool:
    """A possessive followed by a government's agent: "Washington's special envoy"."""
    tail = parsed.text[m.end : m.end + 60]
    if re.match(r"['’]s?\s", tail):
        words = re.findall(r"[A-Za-z]+", tail[2:])[:3]
        return any(w.lower() in AGENT_NOUNS for w in words)
    return False


def _country_names(gaz: Gazetteer, cc: str) -> set[str]:
    out = {cc.lower()}
    country = gaz.country(cc)
    if country:
        out.add(fold(country.name))
    return out


@functools.cache
def _demonym_country(gaz: Gazetteer, word: str) -> str | None:
    for e in gaz.lookup(word):
        if e.kind == "country":
            return e.country_code
    return None


def _region_mention(text: str, start: int, end: int, kind: str, box: Area, cc: str) -> Mention:
    return Mention(start=start, end=end, text=text[start:end], label="REGION",
                   mention_type=kind, region=box, region_cc=cc)


def _regions(parsed: ParsedDocument, gaz: Gazetteer, focus_cc: str | None) -> list[Mention]:
    """Direction phrases: "north-eastern Syria", "the Kurdish-held north", borders."""
    text = parsed.text
    out: list[Mention] = []
    for rm in DIRECTION_OF_COUNTRY.finditer(text):
        if rm.start() > 0 and text[rm.start() - 1].isalpha():
            continue
        cc = _demonym_country(gaz, rm.group("name"))
        if cc is None:
            continue
        box = region_box(gaz, cc, rm.group("dir").lower())
        if box:
            out.append(_region_mention(text, rm.start(), rm.end(), "direction", box, cc))
    for rm in HELD_DIRECTION.finditer(text):
        cc = focus_cc
        if cc is None:
            continue
        s = rm.start("who")
        box = region_box(gaz, cc, rm.group("dir").lower())
        if box:
            out.append(_region_mention(text, s, rm.end(), "direction", box, cc))
    for rm in BORDER.finditer(text):
        a, b = _demonym_country(gaz, rm.group("a")), _demonym_country(gaz, rm.group("b"))
        if a is None or b is None or a == b:
            continue
        box = border_box(gaz, a, b)
        if box:
            s = rm.start() + (4 if text[rm.start() : rm.start() + 4].lower() == "the " else 0)
            out.append(_region_mention(text, s, rm.end(), "border", box, a))
    return out


def resolve_mentions(
    parsed: ParsedDocument, gaz: Gazetteer, extra: Sequence[Mention] = ()
) -> list[Mention]:
    """Recognise and resolve; ``extra`` mentions (e.g. gold spans) replace any recognised
    mention they overlap and are resolved in the same context."""
    mentions = place_mentions(parsed, gaz)
    if extra:
        mentions = [
            m for m in mentions if not any(m.start < x.end and x.start < m.end for x in extra)
        ]
        mentions = sorted([*mentions, *extra], key=lambda m: (m.start, m.end))
    countries = country_evidence(mentions)
    focus_cc = max(countries, key=lambda cc: countries[cc]) if countries else None
    text = parsed.text
    names = {cc: frozenset(_country_names(gaz, cc)) for cc in countries}
    score_candidates(mentions, text, countries, focus_cc, (), names)
    for m in mentions:
        m.choice = choose(m)
    # Second round: places resolved with confidence anchor the ambiguous ones.
    anchors = [
        m.choice
        for m in mentions
        if m.choice is not None and m.choice.kind in ("city", "site") and len(m.candidates) == 1
    ]
    admins = Counter(
        (m.choice.country_code, m.choice.admin1)
        for m in mentions
        if m.choice is not None and m.choice.kind == "admin1"
    )
    # Ambiguous first-round choices do not vote for their own country: "London" alone
    # must not make the article British.
    score_candidates(mentions, text, countries, focus_cc, anchors, names, admins)
    for m in mentions:
        if _agent_context(parsed, m):
            for c in m.candidates:
                if c.kind == "country" or c.feature_code == "PPLC":
                    m.scores[c.key] = m.scores.get(c.key, 0.0) + 4.0
    # One sense per article: every "Santa Ana" takes the reading its best-placed mention
    # ("Santa Ana, California") supports, unless its own context says otherwise.
    best: dict[str, dict[int, float]] = {}
    for m in mentions:
        group = best.setdefault(fold(m.text), {})
        for key, score in m.scores.items():
            group[key] = max(group.get(key, score), score)
    for m in mentions:
        group = best.get(fold(m.text), {})
        for key in m.scores:
            m.scores[key] = (m.scores[key] + group.get(key, m.scores[key])) / 2
        m.choice = choose(m)
        m.is_metonym = _metonym(parsed, m, m.choice)
        if m.is_metonym:
            m.mention_type = "metonym"
    final = Counter(
        m.choice.country_code for m in mentions if m.choice is not None and m.choice.country_code
    )
    focus_cc = final.most_common(1)[0][0] if final else focus_cc
    return mentions + _regions(parsed, gaz, focus_cc)


def _to_place(parsed: ParsedDocument, m: Mention, gaz: Gazetteer) -> Place:
    art = parsed.article
    common: dict[str, Any] = dict(
        id=stable_id(art.id, "place", m.start, m.end),
        article_id=art.id,
        start=m.start,
        end=m.end,
        extractor=EXTRACTOR,
        text=parsed.text[m.start : m.end],
        mention_type=m.mention_type,
    )
    if m.region is not None and m.region_cc:
        lat, lon, region_bbox = m.region
        return Place(
            **common,
            name=m.text,
            lat=round(lat, 5),
            lon=round(lon, 5),
            feature="region",
            feature_code="RGN",
            country_code=m.region_cc,
            precision="region",
            bbox=region_bbox,
        )
    e = m.choice
    if e is None:
        return Place(**common)
    bbox = gaz.country_bbox(e.country_code) if e.kind == "country" else None
    return Place(
        **common,
        name=e.name,
        geonameid=e.geonameid,
        lat=round(e.lat, 5),
        lon=round(e.lon, 5),
        feature=KIND_TO_FEATURE.get(e.kind, e.kind),
        feature_code=e.feature_code,
        country_code=e.country_code or None,
        admin1=e.admin1_name or None,
        precision=PRECISION.get(e.kind),
        bbox=bbox,
        is_metonym=m.is_metonym,
    )


def focus(places: Iterable[Place]) -> dict[str, Any]:
    """The article's focus (CLIFF's sense): the most-mentioned country, and within it the
    most-mentioned admin1 and city (each needs two mentions).  Metonyms count: they still
    say which country the story is about."""
    places = list(places)
    countries: Counter[str] = Counter(p.country_code for p in places if p.country_code)
    if not countries:
        return {"country_code": None, "country": None, "admin1": None, "city": None}
    cc, _ = countries.most_common(1)[0]
    admin: Counter[str] = Counter(
        p.admin1
        for p in places
        if p.country_code == cc and p.admin1 and p.feature in ("admin1", "city", "site")
    )
    cities: Counter[int] = Counter(
        p.geonameid
        for p in places
        if p.country_code == cc and p.feature == "city" and p.geonameid is not None
    )
    country = next((p for p in places if p.country_code == cc and p.feature == "country"), None)
    admin1 = admin.most_common(1)[0][0] if admin and admin.most_common(1)[0][1] >= 2 else None
    city_id = cities.most_common(1)[0][0] if cities and cities.most_common(1)[0][1] >= 2 else None
    city = next((p for p in places if p.geonameid == city_id and p.feature == "city"), None)
    return {"country_code": cc, "country": country, "admin1": admin1, "city": city}


def _mark_focus(places: list[Place]) -> list[Place]:
    import dataclasses

    f = focus(places)
    cc, admin1, city = f["country_code"], f["admin1"], f["city"]
    out = []
    for p in places:
        is_focus = p.country_code == cc and (
            p.feature == "country"
            or (p.feature == "admin1" and p.admin1 == admin1)
            or (p.feature == "city" and city is not None and p.geonameid == city.geonameid)
        )
        out.append(dataclasses.replace(p, is_focus=True) if is_focus and cc else p)
    return out


def _dateline_spans(text: str) -> list[tuple[int, int]]:
    return [dm.span("name") for dm in _DATELINE_AT.finditer(text)]


def extract(parsed: ParsedDocument) -> dict[str, Sequence[Record]]:
    gaz = get_gazetteer()
    mentions = resolve_mentions(parsed, gaz)
    # "north-east" inside "north-east Syria" is part of the region, not a place of its own
    # (the country inside it, "Syria", still is one).
    regions = [(m.start, m.end) for m in mentions if m.region is not None]
    datelines = _dateline_spans(parsed.text)
    seen: set[tuple[int, int]] = set()
    places: list[Place] = []
    for m in sorted(mentions, key=lambda m: (m.start, m.end)):
        if (m.start, m.end) in seen:
            continue
        if m.region is None and m.text[:1].islower() and any(
                s <= m.start and m.end <= e and (s, e) != (m.start, m.end) for s, e in regions):
            continue
        seen.add((m.start, m.end))
        place = _to_place(parsed, m, gaz)
        if not place.is_metonym and any(s <= m.start < e for s, e in datelines):
            # Where the story was filed from, which is not where its events happened.
            place = dataclasses.replace(place, mention_type="dateline")
        places.append(place)
    return {"places": _mark_focus(places)}
