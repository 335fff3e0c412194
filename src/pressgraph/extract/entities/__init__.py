"""Entity mentions and per-article actors.

``extract`` turns spaCy's ``doc.ents`` (en_core_web_md plus pressgraph's entity ruler, see
``pressgraph/nlp/patterns.jsonl``) into :class:`~pressgraph.model.Entity` mentions, repairs the
model's usual faults on news, and merges the mentions into :class:`~pressgraph.model.Actor`
records with roles, a category and an ACLED actor type where one is known.

Other extractors map any span to an actor with :func:`resolve_mention` (see ``resolve.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span

from pressgraph.clean import DATELINE
from pressgraph.extract import ParsedDocument
from pressgraph.extract.entities.lexicon import fold, has_phrase, lexicon
from pressgraph.extract.entities.roles import appositive_roles, title_before
from pressgraph.model import Actor, Entity, Record, stable_id
from pressgraph.nlp.columns import words as doc_words

EXTRACTOR = "entities@2"
# Numeric and date labels belong to the time and quantities extractors.
KEEP_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_POSSESSIVE = {"'s", "’s", "'", "’"}
_PARTICLES = {"al", "el", "ad", "as", "an", "ash", "ar", "bin", "ibn", "abu", "van", "von", "de"}
# Words that make a capitalised name an organisation rather than a person.
_ORG_WORDS = {
    "group",
    "inc",
    "company",
    "corp",
    "bank",
    "university",
    "forces",
    "force",
    "council",
    "agency",
    "news",
    "times",
    "post",
    "party",
    "front",
    "movement",
    "army",
    "union",
    "association",
    "committee",
    "office",
    "ministry",
    "department",
    "service",
    "institute",
    "foundation",
}
# Names whose article is part of the name.
_THE_NAMES = {"the hague", "the gambia", "the bahamas", "the netherlands"}
_DEFINITE_TITLES = (
    "president",
    "prime minister",
    "pope",
    "chancellor",
    "king",
    "queen",
    "emir",
    "premier",
    "governor",
    "mayor",
    "secretary-general",
    "secretary general",
)

__all__ = ["EXTRACTOR", "extract", "resolve_mention"]


@dataclass(slots=True)
class _Mention:
    start: int  # token indices into the doc
    end: int
    label: str
    ent_id: str = ""
    title: tuple[int, int] | None = None  # a title stripped off the front of a PERSON span
    words: tuple[str, ...] = field(default_factory=tuple)


def _dateline(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Character ranges of the dateline's place and of the whole dateline, if there is one
    (the model reads a dateline's capitals as a PERSON or an ORG)."""
    match = DATELINE.match(text)
    if match is None:
        return None
    return match.span("place"), match.span()


def _span_words(span: Span) -> tuple[str, ...]:
    if span.end <= span.start:
        return ()
    # the text sliced from the document's (Span.text joins its tokens anew on every read)
    return _words_of(doc_words(span.doc).span_text(span.start, span.end))


@lru_cache(maxsize=1 << 16)
def _words_of(text: str) -> tuple[str, ...]:
    return tuple(fold(text).replace("-", " ").split())


def _trim_span(
    doc: Doc, start: int, end: int, label: str
) -> tuple[int, int, tuple[int, int] | None]:
    lex = lexicon()
    while end - start > 1 and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].tag_ == "POS"):
        end -= 1
    while end - start > 1 and doc[end - 1].is_punct and doc[end - 1].text not in {")", "."}:
        end -= 1
    while (
        end - start > 1
        and doc[start].lower_ in {"the", "a", "an"}
        and (fold(doc[start:end].text) not in _THE_NAMES)
    ):
        start += 1
    title = None
    if label == "PERSON":
        t0 = start
        while end - start > 1 and (
            fold(doc[start].text) in lex.title_keys
            and doc[start].is_title
        ):
            start += 1
        if start > t0 and doc[t0].lower_ not in lex.honorifics:
            title = (t0, start)
    return start, end, title


def _looks_like_person(span: Span) -> bool:
    """First-name + surname shape: two or three capitalised words, none an organisation word."""
    words = [t for t in span if not t.is_punct]
    if not 2 <= len(words) <= 4:
        return False
    if any(t.lower_ in _ORG_WORDS or fold(t.text) in lexicon().countries for t in words):
        return False
    return all(t.pos_ == "PROPN" and (t.is_title or t.lower_ in _PARTICLES) for t in words)


def _mentions(doc: Doc, text: str) -> list[_Mention]:
    lex = lexicon()
    out: list[_Mention] = []
    dateline = _dateline(text)
    for ent in doc_words(doc, text).ents:
        if ent.label_ not in KEEP_LABELS:
            continue
        label = ent.label_
        if dateline is not None and ent.start_char < dateline[1][1]:
            place_start, place_end = dateline[0]
            if place_start <= ent.start_char and ent.end_char <= place_end:
                out.append(_Mention(ent.start, ent.end, "GPE", "", None, _span_words(ent)))
            elif label in ("PERSON", "ORG") and ent.start_char < place_end:
                continue  # a capitalised dateline run the model read as one name
            elif label not in ("GPE", "LOC"):
                continue  # the agency: a byline, not an actor of the story
            else:
                out.append(_Mention(ent.start, ent.end, label, "", None, _span_words(ent)))
            continue
        if ent.ent_id_ == "isis" and ent.text == "IS":
            # A headline in capitals ("WHAT IS LEFT") is not the group.
            alpha = [t for t in ent.sent if t.is_alpha]
            if sum(t.is_upper for t in alpha) > len(alpha) / 2:
                continue
        start, end, title = _trim_span(doc, ent.start, ent.end, label)
        span = doc[start:end]
        if label == "ORG" and not ent.ent_id_:
            words = _span_words(span)
            nxt = doc[end].lower_ if end < len(doc) else ""
            # "Interior" in "Interior Minister Lena Vos" is part of a title, not a ministry.
            if all(w in lex.portfolios for w in words) and nxt in {"minister", "secretary"}:
                continue
            # "Donald Trump’s" comes out as ORG: the possessive misleads the model.
            if end < ent.end and _looks_like_person(span):
                label = "PERSON"
        out.append(_Mention(start, end, label, ent.ent_id_, title, _span_words(span)))
    if dateline is not None:
        _relabel_like_dateline(text, out)
    _relabel_people(out)
    _add_acronyms(doc, out)
    out.sort(key=lambda m: m.start)
    return out


def _relabel_like_dateline(text: str, mentions: list[_Mention]) -> None:
    """The dateline says what its place and agency are; later mentions of them agree."""
    match = DATELINE.match(text)
    assert match is not None
    place = tuple(fold(match.group("place")).replace("-", " ").split())
    agency = match.group("agency")
    agency_words = tuple(fold(agency).split()) if agency else ()
    for m in mentions:
        if m.words == place:
            m.label = "GPE"
        elif agency_words and m.words == agency_words:
            m.label = "ORG"


def _relabel_people(mentions: list[_Mention]) -> None:
    """An ORG/NORP mention equal to a person's name or surname elsewhere is that person."""
    full: set[tuple[str, ...]] = set()
    surnames: set[tuple[str, ...]] = set()
    for m in mentions:
        if m.label == "PERSON":
            full.add(m.words)
            if len(m.words) > 1:
                surnames.add(_strip_particles(m.words[-1:]))
    countries = lexicon().countries
    for m in mentions:
        same_name = m.words in full or (
            len(m.words) == 1 and _strip_particles(m.words) in surnames)
        misread_person = m.label in {"ORG", "NORP"} and not m.ent_id and same_name
        # "Karaca said" after "Selim Karaca": a surname read as a town; a country ("Jordan")
        # is too likely to be meant as itself.
        misread_town = (m.label == "GPE" and len(m.words) == 1 and m.words in surnames
                        and " ".join(m.words) not in countries)
        if misread_person or misread_town:
            m.label = "PERSON"


def _strip_particles(words: tuple[str, ...]) -> tuple[str, ...]:
    i = 0
    while i < len(words) - 1 and words[i] in _PARTICLES:
        i += 1
    return words[i:]


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return (
        2 <= len(text) <= 8
        and len(letters) >= 2
        and sum(c.isupper() for c in letters) >= len(letters) - 1
        and text[0].isupper()
        and all(c.isalnum() or c in "-." for c in text)
    )


def _add_acronyms(doc: Doc, mentions: list[_Mention]) -> None:
    """A bracketed acronym after a name ("Syrian Democratic Forces (SDF)") is an entity, and so
    are its later bare uses."""
    by_start = {m.start: m for m in mentions}
    covered = {i for m in mentions for i in range(m.start, m.end)}
    defined: dict[str, _Mention] = {}
    for m in list(mentions):
        if m.label not in {"ORG", "NORP", "GPE", "FAC", "LOC"} or m.end + 2 >= len(doc):
            continue
        if (
            doc[m.end].text != "("
            or doc[m.end + 2].text != ")"
            or not _is_acronym(doc[m.end + 1].text)
        ):
            continue
        i = m.end + 1
        if i in by_start:
            defined[doc[i].text] = m
            continue
        if i in covered:
            continue
        new = _Mention(i, i + 1, m.label, m.ent_id, None, _span_words(doc[i : i + 1]))
        mentions.append(new)
        covered.add(i)
        defined[doc[i].text] = m
    if not defined:
        return
    for i, orth in enumerate(doc_words(doc).orth):
        if orth in defined and i not in covered:
            long = defined[orth]
            mentions.append(
                _Mention(
                    i,
                    i + 1,
                    long.label,
                    long.ent_id,
                    None,
                    _span_words(doc[i : i + 1]),
                )
            )
            covered.add(i)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _initials(words: Sequence[str]) -> str:
    return "".join(
        w[0] for w in words if w not in {"of", "the", "for", "and", "in", "on", "de"} and w
    )


def _cluster(doc: Doc, mentions: list[_Mention]) -> _UnionFind:
    lex = lexicon()
    uf = _UnionFind(len(mentions))
    first_by_key: dict[str, int] = {}

    def join(key: str, i: int) -> None:
        if key in first_by_key:
            uf.union(first_by_key[key], i)
        else:
            first_by_key[key] = i

    actor_idx = [i for i, m in enumerate(mentions) if m.label in ACTOR_LABELS]
    multi_people = [
        i for i in actor_idx if mentions[i].label == "PERSON" and len(mentions[i].words) > 1
    ]
    short_people: list[int] = []
    for i in actor_idx:
        m = mentions[i]
        if m.ent_id:
            join("id:" + m.ent_id, i)
        key = " ".join(m.words)
        if m.label == "PERSON":
            stripped = _strip_particles(m.words)
            if any(
                len(mentions[j].words) > len(stripped)
                and mentions[j].words[-len(stripped) :] == stripped
                for j in multi_people
            ):
                short_people.append(i)
                continue
            join("p:" + key, i)
        elif m.label == "GPE" and key in lex.countries:
            join("c:" + lex.countries[key], i)
        else:
            join("o:" + key, i)
    # A surname alone goes to the full name it abbreviates; if several people share it, to the
    # one named most recently before it ("Ana Ruiz ... Carlos Ruiz ... Ruiz" -> Carlos Ruiz).
    for i in short_people:
        m = mentions[i]
        stripped = _strip_particles(m.words)
        candidates = [
            j
            for j in multi_people
            if len(mentions[j].words) > len(stripped)
            and mentions[j].words[-len(stripped) :] == stripped
        ]
        roots = {uf.find(j) for j in candidates}
        if len(roots) == 1:
            uf.union(candidates[0], i)
            continue
        before = [j for j in candidates if mentions[j].start < m.start]
        if before:
            uf.union(max(before, key=lambda j: mentions[j].start), i)
    # Acronyms: bracketed after the long form, or the long form's initials.
    cols = doc_words(doc)
    surface = {i: cols.span_text(mentions[i].start, mentions[i].end) for i in actor_idx}
    for i in actor_idx:
        m = mentions[i]
        if (
            m.start >= 2
            and doc[m.start - 1].text == "("
            and m.end < len(doc)
            and doc[m.end].text == ")"
        ):
            for j in actor_idx:
                if mentions[j].end == m.start - 1:
                    uf.union(i, j)
            acronym = doc[m.start].text
            for j in actor_idx:
                if surface[j] == acronym:
                    uf.union(i, j)
    acronyms: dict[str, list[int]] = {}
    for i in actor_idx:
        text = surface[i]
        if mentions[i].end - mentions[i].start == 1 and _is_acronym(text):
            acronyms.setdefault(text.replace(".", "").upper(), []).append(i)
    if acronyms:
        for j in actor_idx:
            m = mentions[j]
            if len(m.words) >= 2 and m.label != "PERSON":
                for i in acronyms.get(_initials(m.words).upper(), []):
                    uf.union(i, j)
    return uf


def _category(
    label: str, ent_ids: set[str], keys: list[str], country: str | None
) -> tuple[str, int | None]:
    lex = lexicon()
    for ent_id in sorted(ent_ids):
        if ent_id in lex.ids:
            info = lex.ids[ent_id]
            return str(info["category"]), info.get("inter")
    if label == "PERSON":
        return "person", None
    if label == "GPE":
        return ("state", None) if country else ("place", None)
    if label == "NORP":
        if any(k in lex.political_party for k in keys):
            return "political_party", None
        return "group", None
    if any(
        k in lex.intergovernmental or k.startswith(lex.intergovernmental_prefixes) for k in keys
    ):
        return "intergovernmental", None
    if any(has_phrase(k, lex.armed_group) for k in keys):
        return "armed_group", None
    if any(has_phrase(k, lex.security_forces) for k in keys):
        return "government", 1
    if any(has_phrase(k, lex.government) for k in keys):
        return "government", None
    if any(has_phrase(k, lex.political_party) for k in keys):
        return "political_party", None
    return "organisation", None


def _definite_titles(
    doc: Doc,
    mentions: list[_Mention],
    uf: _UnionFind,
    roles: dict[int, list[str]],
    aliases: dict[int, list[str]],
) -> None:
    """ "the President" stands for a person when the text ties them: the person already holds
    that title, or is the only person named earlier in the same sentence."""
    people = [(i, m) for i, m in enumerate(mentions) if m.label == "PERSON"]
    if not people:
        return
    full = doc_words(doc).text
    full_lower = full.lower()
    if not any("the " + title in full_lower for title in _DEFINITE_TITLES):
        return  # no sentence can hold one (lower() may change lengths: searched per sentence)
    for sent in doc.sents:
        text = full[sent.start_char : sent.end_char]  # Span.text, without rebuilding it
        lower = text.lower()
        for title in _DEFINITE_TITLES:
            pos = lower.find("the " + title)
            while pos != -1:
                t_start = sent.start_char + pos + 4
                nxt = pos + 4 + len(title)
                after = text[nxt : nxt + 2]
                capital = text[pos + 4].isupper()
                followed_by_name = after[:1] == " " and text[nxt + 1 : nxt + 2].isupper()
                if (
                    capital
                    and not followed_by_name
                    and (after[:1] in {"", " ", ",", "."} or after[:1] in "’'")
                ):
                    holders = {
                        uf.find(i)
                        for i, _ in people
                        if any(
                            title in r.lower().split() or r.lower() == title
                            for r in roles.get(uf.find(i), [])
                        )
                    }
                    if len(holders) != 1:
                        earlier = {
                            uf.find(i)
                            for i, m in people
                            if sent.start <= m.start and doc[m.start].idx < t_start
                        }
                        holders = earlier if len(earlier) == 1 else set()
                    for root in holders:
                        surface = text[pos + 4 : nxt]
                        roles.setdefault(root, []).append(surface)
                        aliases.setdefault(root, []).append("the " + surface)
                pos = lower.find("the " + title, pos + 1)


def _dedupe(items: list[str], drop: set[str]) -> tuple[str, ...]:
    seen = set(drop)
    out = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)


def extract(parsed: ParsedDocument) -> dict[str, Sequence[Record]]:
    """Entity mentions (``entities``) and the per-article actors they belong to (``actors``)."""
    doc = parsed.doc
    article_id = parsed.article.id
    lex = lexicon()
    # Doc.text joins every token anew on each call: read it once
    text = parsed.text
    cols = doc_words(doc, text)
    mentions = _mentions(doc, text)
    uf = _cluster(doc, mentions)

    clusters: dict[int, list[int]] = {}
    for i, m in enumerate(mentions):
        if m.label in ACTOR_LABELS:
            clusters.setdefault(uf.find(i), []).append(i)

    roles: dict[int, list[str]] = {}
    aliases: dict[int, list[str]] = {}
    dateline = _dateline(text)
    dateline_end = dateline[1][1] if dateline else 0
    for root, members in clusters.items():
        for i in members:
            m = mentions[i]
            span = doc[m.start : m.end]
            if span.start_char < dateline_end:
                continue  # "SANTA CRUZ, Bolivia, March 11 (Wire)" carries no roles
            ranges = appositive_roles(span)
            if m.title:
                ranges.append(m.title)
            if m.label != "GPE":
                before = title_before(span)
                if before:
                    ranges.append(before)
            for s, e in ranges:
                roles.setdefault(root, []).append(doc[s:e].text)
                # The description as written, determiner and all, is how later text refers back.
                if s > 0 and doc[s - 1].lower_ in {"the", "a", "an"}:
                    aliases.setdefault(root, []).append(doc[s - 1 : e].text)
    _definite_titles(doc, mentions, uf, roles, aliases)

    actors: list[Actor] = []
    actor_of_root: dict[int, str] = {}
    used_ids: set[str] = set()
    for root, members in sorted(clusters.items(), key=lambda kv: mentions[kv[1][0]].start):
        ms = [mentions[i] for i in members]
        labels = Counter(m.label for m in ms)
        canonical = max(ms, key=lambda m: (len(m.words), len(cols.span_text(m.start, m.end)),
                                           -m.start))
        if labels["PERSON"] and (labels["PERSON"] * 2 >= len(ms) or canonical.label == "PERSON"):
            label = "PERSON"
        else:
            label = max(labels, key=lambda lab: (labels[lab], lab == canonical.label))
        if label == "PERSON":
            for m in ms:
                m.label = "PERSON"
        name_span = doc[canonical.start : canonical.end]
        name = name_span.text
        keys = sorted({" ".join(m.words) for m in ms})
        country = (
            next((lex.countries[k] for k in keys if k in lex.countries), None)
            if label == "GPE"
            else None
        )
        category, inter = _category(label, {m.ent_id for m in ms if m.ent_id}, keys, country)
        actor_id = stable_id(article_id, "actor", name.lower())
        if actor_id in used_ids:
            actor_id = stable_id(article_id, "actor", name.lower(), name_span.start_char)
        used_ids.add(actor_id)
        actor_of_root[root] = actor_id
        surfaces = [cols.span_text(m.start, m.end) for m in ms]
        actors.append(
            Actor(
                id=actor_id,
                article_id=article_id,
                start=name_span.start_char,
                end=name_span.end_char,
                extractor=EXTRACTOR,
                name=name,
                type=label,
                category=category,
                roles=_dedupe(roles.get(root, []), set()),
                aliases=_dedupe(surfaces + aliases.get(root, []), {name.casefold()}),
                mention_count=len(ms),
                country_code=country,
                inter=inter,
            )
        )

    entities: list[Entity] = []
    for i, m in enumerate(mentions):
        start_char, end_char = cols.starts[m.start], cols.ends[m.end - 1]
        entities.append(
            Entity(
                id=stable_id(article_id, "entity", start_char, end_char),
                article_id=article_id,
                start=start_char,
                end=end_char,
                extractor=EXTRACTOR,
                text=text[start_char:end_char],
                label=m.label,
                actor_id=actor_of_root.get(uf.find(i)) if m.label in ACTOR_LABELS else None,
            )
        )
    return {"entities": entities, "actors": actors}


from pressgraph.extract.entities.resolve import resolve_mention  # noqa: E402
