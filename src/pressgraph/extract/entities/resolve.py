"""``resolve_mention``: which actor a stretch of text refers to.

This is how the quotes, events and claims extractors attach a speaker, an agent or a claimant
to an actor without redoing the entity work.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from pressgraph.extract.entities.lexicon import fold
from pressgraph.model import Actor, Entity

if TYPE_CHECKING:
    from pressgraph.extract import ParsedDocument

_LEADING = re.compile(r"^(?:the|a|an|this|that|its|his|her|their)\s+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:'s|’s|'|’)$")
_SPLIT_HEAD = re.compile(r"\s+(?:of|for|at|in|on|to|with)\s+")
_PRONOUNS = {
    "he",
    "she",
    "it",
    "they",
    "him",
    "her",
    "them",
    "we",
    "i",
    "you",
    "his",
    "its",
    "their",
}


@lru_cache(maxsize=1 << 16)
def _norm(text: str) -> str:
    # cached: resolving each mention compares it with every actor's names and roles
    text = _TRAILING.sub("", _LEADING.sub("", text.strip()))
    return fold(text)


@lru_cache(maxsize=1 << 16)
def _words(text: str) -> frozenset[str]:
    return frozenset(_norm(text).replace("-", " ").split())


@lru_cache(maxsize=1 << 16)
def _head(text: str) -> str:
    """Head noun of a role ("special envoy for Syria" -> "envoy")."""
    words = _SPLIT_HEAD.split(_norm(text))[0].split()
    return words[-1] if words else ""


_index: tuple[object, dict[str, list[Actor]]] | None = None


def _by_name(actors: tuple[Actor, ...] | list[Actor]) -> dict[str, list[Actor]]:
    """Each normalised name, alias and role -> the actors that carry it, in ``actors`` order.

    Built once per article's actors (the events and claims extractors resolve dozens of spans
    against the same tuple) and kept while the same tuple is asked about."""
    global _index
    last = _index
    if last is not None and last[0] is actors:
        return last[1]
    index: dict[str, list[Actor]] = {}
    for actor in actors:
        keys = {_norm(actor.name), *(_norm(x) for x in (*actor.aliases, *actor.roles))}
        for key in keys:
            index.setdefault(key, []).append(actor)
    if isinstance(actors, tuple):  # a list may change under the same identity
        _index = (actors, index)
    return index


def resolve_mention(parsed: ParsedDocument, start: int, end: int) -> str | None:
    """Return the id of the actor that the text ``parsed.text[start:end]`` refers to, or None.

    ``start``/``end`` are character offsets into ``parsed.article.text``. The span may be:

    * a name or part of one, or a phrase containing one ("James Jeffrey", "Jeffrey", "Trump's
      critics", "the SDF"): the actor of the entity mention it overlaps. When several mentions
      fall inside, the one at the phrase's syntactic head wins, then a person, then the first;
    * a form the article used for an actor: a name variant, an acronym, or a role description
      the text tied to it ("the President" when the article calls Trump "President" or uses
      "the President" in a sentence about him; "a top U.S. State Department official" when an
      apposition or title gave Jeffrey that description);
    * a shorter reference to a role ("the envoy", "the special envoy"): matched when exactly one
      actor holds a role with that head noun whose words include all of the span's words; if
      several do, the one mentioned most recently before ``start``.

    A phrase headed by a common noun is not the name inside it: "Trump's critics" and "a State
    Department official" return None unless a role or alias ties the phrase to an actor.
    Pronouns and spans nothing supports return None (coreference is the caller's job).
    Uses ``parsed.extraction`` when the entities extractor has run, otherwise runs it
    (cheap, pure); a caller resolving many spans should run the extractor first.
    """
    extraction = parsed.extraction
    entities: tuple[Entity, ...] | list[Entity] = extraction.entities
    actors: tuple[Actor, ...] | list[Actor] = extraction.actors
    if not entities and not actors:
        from pressgraph.extract.entities import extract

        records = extract(parsed)
        entities = [e for e in records["entities"] if isinstance(e, Entity)]
        actors = [a for a in records["actors"] if isinstance(a, Actor)]
    text = parsed.text[start:end]
    if not text.strip() or _norm(text) in _PRONOUNS:
        return None

    key = _norm(text)
    exact = _by_name(actors).get(key, [])
    if len({a.id for a in exact}) == 1:
        return exact[0].id

    linked = [e for e in entities if e.actor_id and e.start < end and start < e.end]
    if linked:
        inside = [e for e in linked if start <= e.start and e.end <= end] or linked
        span = parsed.doc.char_span(start, end, alignment_mode="expand")
        head_tok = span.root if span is not None else None
        if head_tok is not None:
            for e in inside:
                if e.start <= head_tok.idx < e.end:
                    return e.actor_id
        # A phrase headed by a common noun is not the name inside it: "Trump's critics" are
        # not Trump, "a State Department official" is a person, not the department.
        if head_tok is None or head_tok.pos_ not in {"NOUN", "PRON"}:
            people = [e for e in inside if e.label == "PERSON"]
            return (people or inside)[0].actor_id

    head = _head(text)
    words = _words(text)
    if not head:
        return None
    holders = [a for a in actors if any(_head(r) == head and words <= _words(r) for r in a.roles)]
    if not holders:
        return None
    if len(holders) == 1:
        return holders[0].id
    last_seen: dict[str, int] = {}
    for e in entities:
        if e.actor_id and e.start < start:
            last_seen[e.actor_id] = max(last_seen.get(e.actor_id, -1), e.start)
    seen = [a for a in holders if a.id in last_seen]
    return max(seen, key=lambda a: last_seen[a.id]).id if seen else None
