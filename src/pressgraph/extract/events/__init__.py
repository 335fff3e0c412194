"""PLOVER event coding, sentence by sentence, with ACLED-compatible columns.

Each lexicon trigger in a sentence becomes an :class:`~pressgraph.model.Event` unless it is
only the content of another act ("called on his supporters to attack the camps" is one
REQUEST).  Actors and recipients come from the dependency parse and are linked to the
article's actors; place, date and magnitudes come from the records the places, time and
quantities extractors produced for the same sentence.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from spacy.tokens import Span, Token

from pressgraph.extract import ParsedDocument
from pressgraph.extract.events.acled import geo_precision, interaction, time_precision
from pressgraph.extract.events.coder import (
    Candidate,
    acled_type,
    code_sentence,
    sentence_contexts,
)
from pressgraph.model import Actor, Event, Quantity, Record, stable_id

EXTRACTOR = "events@4"

# ACLED actor type codes (field-reference.md) for the actor categories the entities
# extractor assigns.
INTER_BY_CATEGORY = {
    "state": 1, "government": 1, "military": 1, "police": 1, "state_forces": 1,
    "armed_group": 2, "rebel": 2, "rebels": 2, "terrorist": 2,
    "militia": 3, "political_militia": 3, "identity_militia": 4,
    "rioters": 5, "protesters": 6, "civilians": 7, "civilian": 7,
    "igo": 8, "international": 8, "external": 8,
}
DEAD_TYPES = frozenset({"KILL"})
INJURED_TYPES = frozenset({"WOUND"})
SIZE_TYPES = frozenset({"PROTEST", "ARREST", "KIDNAP", "AFFECT", "SEIZE", "ESCAPE", "DETAIN"})
# Events whose size is the number of people acting or acted on.
SIZED = frozenset({"PROTEST", "RETREAT", "COERCE", "MOBILIZE", "ASSAULT"})
KILL_LEMMAS = frozenset({"kill", "massacre", "execute", "murder", "slay", "behead"})
WOUND_LEMMAS = frozenset({"wound", "injure"})


@functools.cache
def _resolver() -> Callable[..., Any] | None:
    try:
        from pressgraph.extract import entities
    except ImportError:
        return None
    fn = getattr(entities, "resolve_mention", None)
    return fn if callable(fn) else None


def _actor_id(parsed: ParsedDocument, start: int, end: int, head: Token) -> str | None:
    resolve = _resolver()
    if resolve is not None:
        try:
            found = resolve(parsed, start, end)
        except Exception:  # a sibling extractor's bug must not lose the event
            found = None
        if isinstance(found, str):
            return found
        if isinstance(found, Actor):
            return found.id
        if found is not None and getattr(found, "actor_id", None):
            return str(found.actor_id)
    best: str | None = None
    for ent in parsed.extraction.entities:
        if ent.actor_id and ent.start < end and start < ent.end:
            if ent.start <= head.idx < ent.end:
                return ent.actor_id
            best = best or ent.actor_id
    if best:
        return best
    text = parsed.text[start:end].lower()
    for actor in parsed.extraction.actors:
        names = {actor.name.lower(), *(a.lower() for a in actor.aliases)}
        if text in names:
            return actor.id
    return None


def _inter(parsed: ParsedDocument, actor_id: str | None) -> int | None:
    if actor_id is None:
        return None
    for actor in parsed.extraction.actors:
        if actor.id == actor_id:
            if actor.inter is not None:
                return actor.inter
            return INTER_BY_CATEGORY.get(actor.category.lower())
    return None


def _governs(trigger: Token, token: Token, limit: int = 7) -> int | None:
    """Steps from token up to trigger, not crossing another clause's verb; None if it doesn't."""
    tok, steps = token, 0
    while steps < limit:
        if tok.i == trigger.i:
            return steps
        if tok.head.i == tok.i:
            return None
        tok, steps = tok.head, steps + 1
        if tok.i != trigger.i and tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("aux",):
            return None
    return None


def _token_at(sent: Span, start: int, end: int) -> Token | None:
    span = sent.doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _span_chars(tokens: Sequence[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _nearest(sent: Span, cand: Candidate, records: Sequence[Any],
             exclude: list[tuple[int, int]], need_pobj: bool = False) -> Any | None:
    best, best_steps = None, 99
    for rec in records:
        if rec.start < sent.start_char or rec.end > sent.end_char:
            continue
        if any(rec.start < e and s < rec.end for s, e in exclude):
            continue
        tok = _token_at(sent, rec.start, rec.end)
        while tok is not None and tok.dep_ in ("compound", "nmod") and tok.head.pos_ in (
                "NOUN", "PROPN"):
            tok = tok.head  # "the al-Hol camp": the camp phrase carries the preposition
        if tok is None or (need_pobj and tok.dep_ not in ("pobj", "npadvmod", "advmod")):
            continue  # a place in a name ("U.S. forces") is not where it happened
        steps = _governs(cand.token, tok)
        if steps is not None and steps < best_steps:
            best, best_steps = rec, steps
    return best


def _date(sent: Span, cand: Candidate, parsed: ParsedDocument,
          triggers: set[int]) -> str | None:
    times = [t for t in parsed.extraction.times
             if t.start >= sent.start_char and t.end <= sent.end_char and t.value]
    governed = _nearest(sent, cand, times, [])
    if governed is not None:
        return governed.value
    if cand.entry.pos == "NOUN":
        return None  # "since Turkey's invasion ... told Congress today": not the invasion's date
    for time in times:  # a sentence-level date unless another event in it owns it
        tok = _token_at(sent, time.start, time.end)
        if tok is None:
            continue
        owner = tok
        while owner.head.i != owner.i and owner.i not in triggers:
            owner = owner.head
        if owner.i not in triggers or owner.i == cand.token.i:
            return time.value
    return None


def _number(token: Token) -> float | None:
    for child in token.children:
        if child.dep_ == "nummod":
            try:
                return float(child.text.replace(",", ""))
            except ValueError:
                return None
    return None


def _magnitudes(sent: Span, cand: Candidate, parsed: ParsedDocument,
                spans: list[tuple[int, int]]) -> tuple[float | None, float | None, float | None]:
    dead = injured = size = None
    quantities: list[Quantity] = [q for q in parsed.extraction.quantities
                                  if q.start >= sent.start_char and q.end <= sent.end_char]
    for q in quantities:
        ctype = (q.count_type or "").upper()
        low = q.low if q.low is not None else q.value
        if low is None:
            continue
        if cand.event_type == "ASSAULT" and ctype in DEAD_TYPES and dead is None:
            dead = low
        elif cand.event_type == "ASSAULT" and ctype in INJURED_TYPES and injured is None:
            injured = low
        elif (cand.event_type in SIZED and size is None
              and any(q.start < e and s < q.end for s, e in spans)
              and (ctype in SIZE_TYPES or not ctype or ctype == "AFFECT")):
            size = low
    if not quantities:  # no quantities extractor output: read the count off the parse
        lemma = cand.token.lemma_.lower()
        heads = [t for t in (*cand.actor, *cand.recipient) if _number(t) is not None]
        if heads:
            value = _number(heads[0])
            if lemma in KILL_LEMMAS and cand.recipient:
                dead = value
            elif lemma in WOUND_LEMMAS and cand.recipient:
                injured = value
            elif cand.event_type in SIZED:
                size = value
    return dead, injured, size


def _full(tokens: Sequence[Token]) -> tuple[int, int]:
    """The whole phrase an actor was trimmed from, counts included ("More than 100 ...")."""
    head = min(tokens, key=lambda t: _depth_in(t))
    left = head.left_edge
    return left.idx, tokens[-1].idx + len(tokens[-1])


def _depth_in(token: Token) -> int:
    depth, tok = 0, token
    while tok.head.i != tok.i and depth < 30:
        tok, depth = tok.head, depth + 1
    return depth


def _clause(token: Token) -> tuple[int, int]:
    tok = token
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    toks = list(tok.subtree)
    while len(toks) > 1 and toks[-1].is_punct:
        toks.pop()
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def events_for(parsed: ParsedDocument) -> list[Event]:
    return [event for event, _ in scored_events(parsed)]


def scored_events(parsed: ParsedDocument) -> list[tuple[Event, float]]:
    """Every event with the coder's confidence (lexicon weight, discounted by parse depth)."""
    article = parsed.article
    out: list[tuple[Event, float]] = []
    for sent in parsed.doc.sents:
        cands = [c for c in code_sentence(sent) if not c.suppressed]
        if not cands:
            continue
        ctx = sentence_contexts(sent)
        triggers = {c.token.i for c in cands}
        for cand in cands:
            t_start, t_end = _span_chars(cand.trigger)
            start, end = _clause(cand.token)
            actor_text = recipient_text = None
            actor_id = recipient_id = None
            spans: list[tuple[int, int]] = []
            if cand.actor:
                a_start, a_end = _span_chars(cand.actor)
                actor_text = parsed.text[a_start:a_end]
                actor_id = _actor_id(parsed, a_start, a_end, cand.actor[-1])
                spans.append((a_start, a_end))
                spans.append(_full(cand.actor))
            if cand.recipient:
                r_start, r_end = _span_chars(cand.recipient)
                recipient_text = parsed.text[r_start:r_end]
                recipient_id = _actor_id(parsed, r_start, r_end, cand.recipient[-1])
                if not cand.recipient_is_place:
                    spans.append((r_start, r_end))
                    spans.append(_full(cand.recipient))
            place = _nearest(sent, cand, [p for p in parsed.extraction.places
                                          if p.mention_type != "dateline"], spans, need_pobj=True)
            dead, injured, size = _magnitudes(sent, cand, parsed, spans)
            acled, acled_sub = acled_type(cand)
            inter1, inter2 = _inter(parsed, actor_id), _inter(parsed, recipient_id)
            date = _date(sent, cand, parsed, triggers)
            out.append((Event(
                id=stable_id(article.id, "event", start, end, t_start),
                article_id=article.id,
                start=start,
                end=end,
                extractor=EXTRACTOR,
                text=parsed.text[start:end],
                event_type=cand.event_type,
                trigger=parsed.text[t_start:t_end],
                trigger_start=t_start,
                trigger_end=t_end,
                mode=cand.mode,
                context=ctx,
                actor_id=actor_id,
                actor_text=actor_text,
                recipient_id=recipient_id,
                recipient_text=recipient_text,
                place_id=place.id if place is not None else None,
                date=date,
                dead=dead,
                injured=injured,
                size=size,
                factuality=cand.factuality,
                acled_event_type=acled,
                acled_sub_event_type=acled_sub,
                inter1=inter1,
                inter2=inter2,
                interaction=interaction(inter1, inter2) if acled else None,
                fatalities=(dead or 0.0) if acled else None,
                time_precision=time_precision(date),
                geo_precision=geo_precision(place),
                notes=sent.text.strip(),
            ), cand.score))
    return out


def extract(parsed: ParsedDocument) -> dict[str, list[Record]]:
    return {"events": list(events_for(parsed))}


__all__ = ["EXTRACTOR", "events_for", "extract", "scored_events"]
