"""Who the source is: a source phrase resolved to a name and to the article's actor.

Named sources resolve through their PERSON/ORG mention (a surname to the full name used
elsewhere in the article).  Pronouns take the most recent person (he/she) or group
(they/it) that was a subject or a source before the cue: the small coreference step news
attribution needs.  "who" takes the noun its relative clause hangs on.  A description with no
name ("a top U.S. State Department official") takes the actor whose role it is, or else the
named person who is the subject of the next sentences: the lede convention of naming an
official one paragraph after describing them.

Actors come from the ``entities`` extractor: ``resolve_mention(parsed, start, end)`` when it
offers one, else a match of the name against actor names and aliases.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from pressgraph.extract import ParsedDocument
from pressgraph.extract.quotes.marks import find_quotes

_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "i", "me", "my"})
_GROUP_PRONOUNS = frozenset({"they", "them", "their", "it", "its", "we", "our"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_GROUP_LABELS = ("ORG", "NORP", "GPE")
_SUBJ = ("nsubj", "nsubjpass")
# Nouns for one person by role: "a senior official said ..." may be named in the next
# sentence; "the ministry said ..." may not.
_PERSON_ROLES = frozenset({
    "official", "spokesman", "spokeswoman", "spokesperson", "aide", "adviser", "advisor",
    "diplomat", "officer", "commander", "minister", "envoy", "director", "chief", "lawmaker",
    "legislator", "senator", "negotiator", "prosecutor", "lawyer", "attorney", "analyst",
    "expert", "witness", "resident", "doctor", "nurse", "activist", "organiser", "organizer",
    "researcher", "economist", "engineer", "executive", "manager", "governor", "mayor",
    "ambassador", "administrator", "coordinator", "representative", "secretary", "deputy",
    "investigator", "inspector", "commissioner", "general", "colonel", "captain", "judge",
    "head", "leader", "chairman", "chairwoman", "chair", "president", "premier", "founder",
    "editor", "reporter", "correspondent", "candidate", "member", "physician", "surgeon",
    "teacher", "farmer", "owner", "survivor", "student", "pastor", "priest", "imam", "bishop",
    "king", "queen", "prince", "sheikh", "monitor", "observer"})

_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_TITLE_GENDER = {"mr": "m", "sir": "m", "mrs": "f", "ms": "f", "miss": "f", "lady": "f",
                 "madam": "f"}

MentionResolver = Callable[[ParsedDocument, int, int], "str | None"]


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None = None
    actor_id: str | None = None


def _entities_resolver() -> MentionResolver | None:
    try:
        from pressgraph.extract import entities
    except ImportError:
        return None
    fn = getattr(entities, "resolve_mention", None)
    return fn if callable(fn) else None


class SpeakerResolver:
    def __init__(self, parsed: ParsedDocument,
                 quotes: Sequence[tuple[int, int]] | None = None) -> None:
        self.parsed = parsed
        self.doc = parsed.doc
        self.text = parsed.text  # Doc.text rebuilds the string on every access
        self.resolve_mention = _entities_resolver()
        self.actors = parsed.extraction.actors
        ents = list(self.doc.ents)
        self.persons = [e for e in ents if e.label_ == "PERSON"]
        # computed once: every speaker's full name is looked up among them
        self.person_names = [_strip_possessive(e.text) for e in self.persons]
        self.groups = [e for e in ents if e.label_ in _GROUP_LABELS]
        # each kind's names by where they start (doc.ents is in text order), read once: a
        # source looks only among the names that start inside it
        self._named = [([e.start_char for e in kind], [(e.end_char, e) for e in kind])
                       for kind in (self.persons, self.groups)]
        # whether an earlier speaker is one of a pool's names (a scan of the pool, asked again
        # for every pronoun)
        self._pooled: dict[tuple[int, int], bool] = {}
        self._ends: dict[int, list[int]] = {}
        # earlier sources, so "he" can mean the last quoted speaker
        self.spoken: list[tuple[int, Span]] = []
        # a name inside quotation marks is what was said, never who said it (``quotes``: the
        # caller's own ``find_quotes`` of the text, not searched again)
        self.quoted = find_quotes(self.text) if quotes is None else quotes
        # whether a character span lies inside a quotation, per span: every pronoun asks it
        # again of every name before it
        self._in_quote: dict[tuple[int, int], bool] = {}
        self._is_subject: dict[tuple[int, int], bool] = {}
        self._actor_of: dict[tuple[int, int], str | None] = {}


    # -- public
    def resolve(self, source: tuple[int, int] | None, token: Token | None, cue_at: int) -> Speaker:
        if source is None or token is None:
            return Speaker()
        mention = self._mention(source, token, cue_at)
        if mention is None:
            # "the President": the entities extractor may know the description as an alias
            if self.resolve_mention is not None:
                actor_id = self._resolved(source[0], source[1])
                actor = next((a for a in self.actors if a.id == actor_id), None)
                if actor is not None:
                    return Speaker(name=actor.name, actor_id=actor.id)
            return Speaker(name=self._role_name(source))
        self.spoken.append((source[0], mention))
        return Speaker(name=self._full_name(mention), actor_id=self._actor(mention))

    def _resolved(self, start: int, end: int) -> str | None:
        """``resolve_mention`` of a span, remembered: a name that "he" and "she" resolve to
        again and again is looked up once (the lookup compares it with every actor)."""
        key = (start, end)
        if key not in self._actor_of and self.resolve_mention is not None:
            self._actor_of[key] = self.resolve_mention(self.parsed, start, end)
        return self._actor_of.get(key)

    # -- mention finding
    def _mention(self, source: tuple[int, int], token: Token, cue_at: int) -> Span | None:
        named = self._named_in(source, token)
        if named is not None:
            return named
        lower = token.lower_
        if lower in _RELATIVE and token.head.dep_ == "relcl":
            noun = token.head.head
            return self._named_in((noun.left_edge.idx, noun.idx + len(noun)), noun)
        if lower in _PERSON_PRONOUNS:
            return self._antecedent(source[0], self.persons, _PRONOUN_GENDER.get(lower))
        if lower in _GROUP_PRONOUNS:
            return self._antecedent(source[0], self.groups) or self._antecedent(
                source[0], self.persons)
        if token.pos_ == "NOUN":
            return self._described(source, token)
        return None

    def _named_in(self, span: tuple[int, int], head: Token) -> Span | None:
        """The name the phrase's head belongs to: "a State Department official" names the
        department but is not it, so an entity away from the head does not count."""
        inside = [e for starts, ends in self._named
                  for hi, e in ends[bisect_left(starts, span[0]):bisect_right(starts, span[1])]
                  if hi <= span[1]]
        for ent in inside:
            if ent.start <= head.i < ent.end:
                return ent
        # "official James Jeffrey": the head is a title compounded onto the name
        for ent in inside:
            if ent.label_ == "PERSON" and ent.root.head.i == head.i and ent.root.dep_ in (
                    "compound", "appos"):
                return ent
        return None

    def _antecedent(self, before: int, pool: list[Span], gender: str | None = None
                    ) -> Span | None:
        """The most recent speaker or subject before the pronoun that agrees with it: not a
        name inside a quotation ("'Carabineros have not fired,' he said"), not a plural name
        for "he"/"she", not a person whose title says the other gender."""
        best: Span | None = None
        spoken = {s for s, _ in self._sources()}
        ends = self._ends.get(id(pool))
        if ends is None:
            ends = self._ends[id(pool)] = [e.end_char for e in pool]
        # the last qualifying name that ends before the pronoun (names do not overlap, so
        # their ends are in order): scanning back, the first that qualifies
        for ent in reversed(pool[:bisect_right(ends, before)]):
            if (ent.start_char in spoken or self._subject(ent)) and self._agrees(
                    ent, gender):
                best = ent
                break
        for start, mention in self.spoken:
            if start < before and self._in_pool(mention, pool) and (
                best is None or start > best.start_char
            ) and self._agrees(mention, gender):
                best = mention
        return best

    def _in_pool(self, mention: Span, pool: list[Span]) -> bool:
        # keyed by identity: both the pools and the spoken mentions live as long as self
        key = (id(pool), id(mention))
        known = self._pooled.get(key)
        if known is None:
            known = self._pooled[key] = mention in pool
        return known

    def _subject(self, ent: Span) -> bool:
        """The name heads a subject; remembered per name (``Span.root`` walks the span and
        every pronoun asks again of every name before it)."""
        key = (ent.start, ent.end)
        known = self._is_subject.get(key)
        if known is None:
            known = self._is_subject[key] = ent.root.dep_ in _SUBJ
        return known

    def _quoted(self, start: int, end: int) -> bool:
        known = self._in_quote.get((start, end))
        if known is None:
            known = any(a <= start and end <= b for a, b in self.quoted)
            self._in_quote[(start, end)] = known
        return known

    def _agrees(self, ent: Span, gender: str | None) -> bool:
        if self._quoted(ent.start_char, ent.end_char):
            return False
        if gender is None or ent.label_ != "PERSON":
            return True
        if ent.root.tag_ == "NNPS":
            return False  # "Carabineros", "Marines": several people
        # a title says the gender ("Mrs. Clinton"); a pronoun resolved earlier does not, as
        # one wrong resolution would then spread through the article
        known = self._titled(ent)
        return known is None or known == gender

    def _titled(self, ent: Span) -> str | None:
        before = self.text[max(0, ent.start_char - 6):ent.start_char].split()
        title = before[-1].lower().rstrip(".") if before else ""
        return _TITLE_GENDER.get(title)

    def _sources(self) -> list[tuple[int, Span]]:
        return self.spoken

    def _described(self, source: tuple[int, int], head: Token) -> Span | None:
        if head.tag_ in ("NNS", "NNPS"):
            # "Regional officials said ...": several people, neither the one whose role is
            # "a regional official" nor the one named next
            return None
        if head.lemma_ not in _PERSON_ROLES:
            # "the airport authority", "the departmental electoral tribunal": an organisation
            # is neither the person whose role names it nor the person named next; but "the
            # rights group Amnesty International" is the group it names (a name before the
            # noun, "the U.N. mission", only says whose it is)
            return next((e for e in self.groups
                         if source[0] <= e.start_char and e.end_char <= source[1]
                         and e.root.head.i == head.i and (e.root.dep_ == "appos" or (
                             e.root.dep_ == "compound" and e.start > head.i))),
                        None)
        role = self._role_name(source)
        if role:
            for actor in self.actors:
                if any(role.lower() in r.lower() or r.lower() in role.lower()
                       for r in actor.roles):
                    return self.doc.char_span(actor.start, actor.end, alignment_mode="expand")
        # lede convention: the official described here is named as a subject just after
        sent = head.sent
        after = [s for s in self.doc.sents if s.start >= sent.end][:2]
        for s in after:
            for ent in self.persons:
                if s.start <= ent.start < s.end and ent.root.dep_ in _SUBJ:
                    return ent
        return None

    def _role_name(self, source: tuple[int, int]) -> str | None:
        text = self.text[source[0]:source[1]]
        words = text.split()
        if words and words[0].lower() in ("a", "an", "the"):
            words = words[1:]
        return " ".join(words) or None

    # -- naming
    def _full_name(self, mention: Span) -> str:
        text = _strip_possessive(mention.text)
        if mention.label_ != "PERSON":
            # "Syrian Democratic Forces (SDF)": the acronym's spelled-out name
            before = self.text[max(0, mention.start_char - 2):mention.start_char]
            if before.endswith("(") or before.endswith("( "):
                for ent in self.groups:
                    if 0 <= mention.start_char - ent.end_char <= 2:
                        return _strip_possessive(ent.text)
            return text
        last = text.split()[-1]
        names = [n for n in self.person_names if n.split()[-1:] == [last]]
        return max(names, key=len) if names else text

    def _actor(self, mention: Span) -> str | None:
        if self.resolve_mention is not None:
            actor_id = self._resolved(mention.start_char, mention.end_char)
            if actor_id:
                return actor_id
        name = self._full_name(mention).lower()
        surname = name.split()[-1] if name.split() else name
        short = _strip_possessive(mention.text).lower()
        for actor in self.actors:
            names = [actor.name.lower(), *(a.lower() for a in actor.aliases)]
            if name in names or short in names:
                return actor.id
        for actor in self.actors:
            if actor.type == "PERSON" and actor.name.lower().split()[-1:] == [surname]:
                return actor.id
        return None


def _strip_possessive(name: str) -> str:
    for suffix in ("’s", "'s", "’", "'"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
