"""Claims: one record per proposition an actor (or the publication itself) asserts.

A claim is anchored on a predicate token of the parse and built from what earlier extractors
found around it:

* quantities with a predicate ("more than 100 ISIS prisoners have escaped"): subject = the
  thing counted, predicate = the verb's lemma, value_low/value_high = the interval.  A count
  whose subject is anaphoric ("the number is now over 100") takes subject and predicate from
  the latest earlier count whose interval it can refer to;
* events: the trigger's lemma;
* state predicates from a small vocabulary (``vocab.json``: escaped / at large / whereabouts
  unknown vs secured / recaptured / in custody, killed vs alive, ...), so that a claim such as
  "prisoners had been secured" exists even when no count or coded event covers it.

The claimant is the speaker of the quote whose content holds the anchor, else the publication.
Polarity is ``denied`` under negation or a denial cue ("deny"), ``uncertain`` under a modal or
"do not know whether"; hedges ("believed", "reportedly", the quantity's own hedge) go in
``hedge``.  The evidence span is the anchor's sentence.  Claims within the article are then
compared (``pressgraph.link.compare``) and returned as ``conflicts``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pressgraph.extract import ParsedDocument
from pressgraph.extract.claims.vocab import PARTITIVE, PUBLICATION, fold, subject_head, vocab
from pressgraph.model import Actor, Claim, Event, Quantity, Quote, stable_id
from pressgraph.nlp.columns import words as doc_words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

EXTRACTOR = "claims@7"

_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "this",
                       "that", "these", "those", "who", "which", "one"})
_ZERO = frozenset({"nobody", "none", "noone"})  # "nobody died", "no civilians were harmed"
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_QUANT_WORDS = frozenset({"more", "than", "over", "about", "some", "at", "least", "nearly",
                          "almost", "up", "to", "around", "roughly", "approximately", "fewer",
                          "less", "under", "the", "a", "an", "of", "dozens", "hundreds",
                          "thousands", "tens", "scores", "few", "several", "many"})
_ESTIMATE_VERBS = frozenset({"put", "place"})
_RELATIVE_TAIL = re.compile(r",\s+(?:who|which|whose|whom)\b")


def _without_relative_clause(text: str) -> str:
    """"A senior prison officer, who asked not to be named": the noun phrase alone."""
    return _RELATIVE_TAIL.split(text, maxsplit=1)[0].strip()

_SHARES = frozenset({"percent"})
_LIMITS = frozenset({"capacity", "limit", "maximum", "quota", "ceiling", "cap"})
_NOUN_MODS = ("compound", "amod", "nmod", "poss", "npadvmod")
_COLLECTIVE = frozenset({"ten", "hundred", "thousand", "million", "dozen", "score", "number",
                         "group", "handful", "most", "majority", "many", "some", "all", "rest",
                         "bulk", "half", "none", "few", "dozens", "hundreds", "thousands"})


@dataclass
class _Draft:
    anchor: int  # token index of the predicate (or of the count when there is no verb)
    claimant_id: str | None
    claimant: str
    subject: str
    predicate: str
    low: float | None = None
    high: float | None = None
    polarity: str = "asserted"
    hedge: str | None = None
    quote_id: str | None = None
    quantity_id: str | None = None
    event_id: str | None = None
    anaphoric: bool = False
    # "most" in "most of them are missing": the claim speaks of part of its subject; "all"
    # in "all 120 were recaptured": of the whole of it
    part: str = ""


def _span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _governing_verb(token: Token) -> Token | None:
    node = token
    for _ in range(6):
        if node.pos_ in ("VERB", "AUX") or node.dep_ == "ROOT":
            return node
        if node.head is node:
            return None
        node = node.head
    return None


def _subject_token(verb: Token) -> Token | None:
    for child in verb.children:
        # spaCy sometimes labels the complementiser "that" as a subject; it never is one.
        if child.dep_ in _SUBJECT_DEPS and child.pos_ != "SCONJ":
            if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
                return verb.head
            return child
    for aux in verb.children:
        # The parser sometimes hangs the subject on an auxiliary ("prisoners had been").
        if aux.dep_ in ("aux", "auxpass"):
            for child in aux.children:
                if child.dep_ in _SUBJECT_DEPS and child.pos_ != "SCONJ":
                    return child
    # A conjoined verb ("escaped and fled") or an auxiliary chain shares its head's subject.
    if verb.dep_ in ("conj", "xcomp", "aux", "auxpass") and verb.head is not verb:
        return _subject_token(verb.head)
    return None


PARAGRAPH_BREAK = "\n\n"
_DATELINE = re.compile(r"^.*?\s[-–—]\s+")


def strip_dateline(text: str) -> str:
    """'Feb 20 - Nine oil workers' -> 'Nine oil workers' (a dateline the parser glued on)."""
    return _DATELINE.sub("", text) if re.search(r"\s[-–—]\s", text) else text


def _noun_phrase(noun: Token) -> str:
    """The noun with its compound/adjective modifiers, without determiners or numbers."""
    if noun.lemma_.lower() in _COLLECTIVE:
        # "tens of thousands of women": the thing counted is the object of "of".
        of = [c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"]
        objs = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
        if objs:
            noun = objs[0]
    left = [t for t in noun.lefts if t.dep_ in _NOUN_MODS]
    start = min([t.left_edge.i for t in left] + [noun.i])
    while start < noun.i and (noun.doc[start].like_num or noun.doc[start].pos_ in ("DET", "PUNCT")
                              or noun.doc[start].lower_ in _QUANT_WORDS):
        start += 1
    end = noun.i + 1
    conj = [c for c in noun.children if c.dep_ == "conj"]
    if conj:
        end = conj[-1].i + 1  # "women and children"
    words = strip_dateline(noun.doc[start:end].text).split()
    while len(words) > 1 and (_word_number(words[0].lower()) is not None
                              or words[0].lower() in _QUANT_WORDS):
        words = words[1:]  # "June 27 - Seven people": the figure after a dateline
    return " ".join(words)


def _hypothetical(verb: Token) -> bool:
    """An infinitive or modal chain ("to guard", "set them free"): no proposition is made,
    unless a hedge verb governs it ("are believed to be holding")."""
    node = verb
    for _ in range(4):
        aux = [c for c in node.children if c.dep_ == "aux"]
        if any(c.lower_ == "to" for c in aux):
            return node.head.lemma_.lower() not in vocab().hedges
        if any(c.lower_ in ("would", "should", "will") for c in aux):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in node.children):
            return True
        has_subject = any(c.dep_ in _SUBJECT_DEPS for c in node.children)
        if has_subject or node.head is node or node.dep_ in ("relcl", "ccomp", "ROOT"):
            return False
        node = node.head
    return False


def _lemma_in_sentence(sent: Span, word: str) -> str:
    lowered = word.lower().split()[0] if word.split() else word.lower()
    cols = doc_words(sent.doc)
    lowers, lemmas = cols.lower, cols.lemma_lower
    for i in range(sent.start, sent.end):
        if lowers[i] == lowered:
            return lemmas[i]
    if len(lowered) > 4:
        for i in range(sent.start, sent.end):
            # The quantities extractor may hand over a clipped lemma ("unaccounte").
            if lowers[i].startswith(lowered):
                return _state_word(sent.doc[i]) or lemmas[i]
    return lowered


def _state_word(tok: Token) -> str | None:
    """The state predicate a word names, if any: 'wounded' -> 'wound', 'dead' -> 'dead'."""
    family_of = vocab().family_of
    lower = tok.lower_
    for cand in (tok.lemma_.lower(), lower, lower[:-1], lower[:-2]):
        if cand in family_of:
            return cand
    return None


def _falsifies(node: Token) -> bool:
    """What hangs under this word is said not to be so: "reports that 40 died ARE FALSE",
    "the video ... is A HOAX", "NO EVIDENCE that anyone died", "the massacre DID NOT HAPPEN",
    "dismissed AS FAKE"."""
    v = vocab()
    lemma = node.lemma_.lower()
    if lemma in v.falsity_words or node.lower_ in v.falsity_words:
        return True
    if lemma in v.no_heads and any(c.dep_ == "det" and c.lower_ == "no" for c in node.children):
        return True
    if lemma in ("happen", "occur") and any(c.dep_ == "neg" for c in node.children):
        return True
    for child in node.children:
        if child.dep_ in ("acomp", "attr", "oprd") and (
                child.lemma_.lower() in v.falsity_words or child.lower_ in v.falsity_words):
            return True
        if child.dep_ == "prep" and child.lower_ == "as" and any(
                g.lower_ in v.falsity_words for g in child.children):
            return True
    return False


def _unconfirmed(anchor: Token) -> bool:
    """"Unconfirmed reports put the number at ...", "... but could not confirm the figure":
    the claimant itself does not vouch for the claim."""
    v = vocab()
    for node in (anchor, *anchor.ancestors):
        subj = next((c for c in node.children if c.dep_ in _SUBJECT_DEPS), None)
        if subj is not None and any(c.lower_ in v.unconfirmed_words for c in subj.children):
            return True
        for conj in (c for c in node.children if c.dep_ == "conj"):
            # "... but could not confirm the figure"; not "... and could not confirm that
            # any had been caught", which leaves the figure alone
            if conj.lemma_.lower() in ("confirm", "verify") and any(
                    c.dep_ == "neg" for c in conj.children) and any(
                    c.dep_ == "dobj" and (c.lemma_.lower() in v.tally_heads
                                          or c.lower_ in ("it", "this", "that", "them"))
                    for c in conj.children):
                return True
    return False


def _own_clause(node: Token) -> bool:
    """"CODECO denies role in killings AS U.N. PUTS the toll at some 30": an adverbial clause
    with a subject of its own says what someone else holds; a denial above it does not
    reach it."""
    return node.dep_ == "advcl" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children)


def _polarity(anchor: Token, quote_cue: str | None) -> tuple[str, str | None]:
    v = vocab()
    hedge: str | None = None
    polarity = "asserted"
    if quote_cue and quote_cue.lower() in v.denial_cues:
        polarity = "denied"
    for child in anchor.children:
        if child.dep_ == "neg":
            polarity = "denied"
        elif child.dep_ == "aux" and child.lower_ in v.uncertain_cues:
            polarity = "uncertain"
        elif child.lemma_.lower() in v.hedges or child.lower_ in v.hedges:
            hedge = child.text
    told = _own_clause(anchor)
    for ancestor in anchor.ancestors:
        lemma = ancestor.lemma_.lower()
        if (lemma in v.denial_cues or _falsifies(ancestor)) and not told:
            polarity = "denied"
        elif lemma in v.telling_verbs and ancestor.pos_ == "VERB" and lemma not in (
                v.denial_cues) and ancestor.dep_ == "advcl":
            # "disputed the army's count, SAYING his staff had received 17 bodies": what the
            # denier goes on to say is asserted
            told = True
        elif _own_clause(ancestor):
            told = True
        elif lemma == "know" and any(c.dep_ == "neg" for c in ancestor.children) and any(
            c.lower_ in ("whether", "if") for c in anchor.subtree
        ):
            polarity = "uncertain"
        elif lemma in v.hedges or ancestor.lower_ in v.hedges:
            hedge = hedge or ancestor.text
    # An embedded question asserts nothing: "it is unclear how many inmates are at large",
    # "officials asked whether the prisoners had been recaptured".
    question = any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in anchor.children)
    # the subtree lies between its left and right edges: no "how" there, none in it
    lowers = doc_words(anchor.doc).lower
    question = question or ("how" in lowers[anchor.left_edge.i:anchor.i] and any(
        t.lower_ == "how" and t.head.lower_ in ("many", "much")
        for t in anchor.subtree if t.i < anchor.i))
    if question and polarity == "asserted":
        polarity = "uncertain"
    if polarity == "asserted" and _unconfirmed(anchor):
        polarity = "uncertain"
    return polarity, hedge


class _Context:
    def __init__(self, parsed: ParsedDocument) -> None:
        ext = parsed.extraction
        self.doc = parsed.doc
        self.text = parsed.text
        # every word's lower-cased lemma from the LEMMA column: the scans below look for a
        # few lemmas, and a spaCy Token built for each word cost more than the tests
        self.lemmas = doc_words(self.doc, self.text).lemma_lower
        self._positions: dict[str, list[int]] | None = None
        self.actors: dict[str, Actor] = {a.id: a for a in ext.actors}
        self.entities = ext.entities
        self.quotes: list[Quote] = sorted(ext.quotes, key=lambda q: q.start)
        self.quantity_spans: list[Quantity] = list(ext.quantities)
        self.publication = parsed.article.source or PUBLICATION
        self._speakers: dict[str, tuple[str | None, str]] = {}
        # claims a figure's sentence makes besides its own: "X rejected a figure of 3,000
        # put forward by Y" is Y's figure and X's denial of it
        self.extra: list[_Draft] = []
        last: tuple[str | None, str] | None = None
        for quote in self.quotes:
            speaker = self._resolve_speaker(quote, last)
            self._speakers[quote.id] = speaker
            if speaker[0] is not None:
                last = speaker

    def _resolve_speaker(
        self, quote: Quote, last: tuple[str | None, str] | None
    ) -> tuple[str | None, str]:
        source = strip_dateline((quote.source_text or "").strip())
        actor = self.actors.get(quote.speaker_actor_id or "")
        # A place never speaks: a dateline city picked up as the speaker is a parse slip.
        if actor is not None and actor.type not in ("GPE", "LOC"):
            return actor.id, actor.name
        # A pronoun source the quotes extractor left unresolved: the latest named speaker.
        if source.lower() in _PRONOUNS and last is not None:
            return last
        # "A senior prison officer, who asked not to be named ...": the source span keeps
        # its relative clause (PolNeAR's convention); the claimant is the noun phrase
        source = _without_relative_clause(source)
        return None, source or self.publication

    def tokens_with_lemma(self, lemmas: Container[str]) -> Iterator[Token]:
        """The words whose lower-cased lemma is in ``lemmas``, in document order."""
        doc = self.doc
        if isinstance(lemmas, (set, frozenset)):
            # the positions of each lemma, gathered once per document, instead of a scan of
            # every word per question
            if self._positions is None:
                self._positions = {}
                for i, lemma in enumerate(self.lemmas):
                    self._positions.setdefault(lemma, []).append(i)
            found = lemmas & self._positions.keys()
            return (doc[i] for i in sorted(i for lemma in found for i in self._positions[lemma]))
        return (doc[i] for i, lemma in enumerate(self.lemmas) if lemma in lemmas)

    def quote_at(self, offset: int) -> Quote | None:
        best = None
        for quote in self.quotes:
            if quote.start <= offset < quote.end and (
                best is None or quote.end - quote.start < best.end - best.start
            ):
                best = quote
        return best

    def claimant(self, offset: int) -> tuple[str | None, str, Quote | None]:
        quote = self.quote_at(offset)
        if quote is None:
            return None, self.publication, None
        cid, name = self._speakers[quote.id]
        return cid, name, quote


def _denied_figure(ctx: _Context, root: Token) -> tuple[Token, Token] | None:
    """(whose figure, the verb denying it) for a figure in a denied noun phrase that names
    its source: "disputed THE ARMY'S count of six dead", "rejected a figure of 3,000 dead put
    forward BY AN OPPOSITION COALITION", "dismissed as inflated the figure given by ..."."""
    path = [root]
    while path[-1].head.i != path[-1].i and path[-1].head.pos_ not in ("VERB", "AUX"):
        path.append(path[-1].head)
    top = path[-1]
    verb = top.head
    if verb.i == top.i or verb.lemma_.lower() not in vocab().denial_cues or top.dep_ not in (
            "dobj", "obj", "nsubjpass"):
        return None
    owner = _figure_owner(root)
    if owner is None:
        for node in path:
            for acl in (c for c in node.children if c.dep_ == "acl"):
                agent = next((c for c in acl.children if c.dep_ == "agent"), None)
                owner = next((c for c in agent.children if c.dep_ == "pobj"), None) if (
                    agent is not None) else owner
    return (owner, verb) if owner is not None else None


def _same_paragraph(a: Token, b: Token) -> bool:
    """No paragraph break between two tokens (a headline the parser ran into the lede)."""
    # the tokens between them, not ``doc.text``: spaCy rebuilds that string from every token
    lo, hi = sorted((a.i, b.i))
    return PARAGRAPH_BREAK not in a.doc[lo:hi].text_with_ws


def _figure_owner(anchor: Token, root: Token | None = None) -> Token | None:
    """"The ministry's count of those killed", "the government's figure of 34": the owner of
    the tally word the figure belongs to."""
    start = root if root is not None else anchor
    for node in (start, *start.ancestors):
        if node.lemma_.lower() in vocab().tally_heads or node.lemma_.lower() == "estimate":
            owner = next((c for c in node.children if c.dep_ == "poss"), None)
            if owner is not None and owner.lower_ not in _PRONOUNS and owner.pos_ in (
                    "NOUN", "PROPN"):
                return owner
        if node.pos_ in ("VERB", "AUX") and node.i != start.i:
            return None
    return None


def _teller(ctx: _Context, anchor: Token, root: Token | None = None
            ) -> tuple[str | None, str] | None:
    """Who makes a claim no quote holds: the owner of the figure ("the ministry's count of
    ..."), the object of "according to" in its sentence, else the subject (or 'by' agent) of
    the nearest telling verb over the anchor in its paragraph ("Police ESTIMATED the crowd at
    15,000", "The army DENIED that ...", "Turnout was PUT at 200,000 BY the organising
    committee")."""
    if (owner := _figure_owner(anchor, root)) is not None:
        return _teller_name(ctx, owner)
    sent, lowers = anchor.sent, doc_words(anchor.doc).lower
    for tok in (anchor.doc[i] for i in range(sent.start, sent.end) if lowers[i] == "according"):
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and (
                tok.doc[tok.i + 1].lower_ == "to") and _same_paragraph(tok, anchor):
            objs = [c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objs:
                return _teller_name(ctx, objs[0])
    for node in (anchor, *anchor.ancestors):
        if node.lemma_.lower() not in vocab().telling_verbs or node.pos_ not in ("VERB", "AUX"):
            continue
        if not _same_paragraph(node, anchor):
            break
        subj = _speaker_of(node)
        if subj is not None:
            return _teller_name(ctx, subj)
    return None


def _speaker_of(verb: Token) -> Token | None:
    """The nominal subject, or 'by' agent, of a telling verb; not a figure ("Three more deaths
    put the toll at 45") nor a pronoun."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None:
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        subj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    if subj is None or subj.pos_ not in ("NOUN", "PROPN") or subj.lower_ in _PRONOUNS or (
            _dateline_word(subj)) or (
            subj.lemma_.lower() in vocab().tally_heads | vocab().death_heads
            or any(c.like_num for c in subj.children)):
        return None
    return subj


def _teller_name(ctx: _Context, head: Token) -> tuple[str | None, str]:
    last = head.right_edge.i + 1
    if last - 1 > head.i and head.doc[last - 1].dep_ == "case":
        last -= 1  # "the army's count": the army
    when = [c for c in head.rights if c.dep_ == "prep" and any(
        g.ent_type_ in ("DATE", "TIME") for g in c.children)]
    if when:
        last = min(last, when[0].i)  # "Georgian opposition parties on Sunday"
    text = head.doc[head.left_edge.i:last].text.rsplit(PARAGRAPH_BREAK, 1)[-1]
    name = _without_relative_clause(strip_dateline(text))
    actor = next((e.actor_id for e in ctx.entities if e.actor_id
                  and e.start <= head.idx < e.end), None)
    return actor, name


def _verb_phrase(verb: Token) -> str:
    """A verb with its particle when the pair is a state ('got away', 'broke out', 'rounded
    up'), else its lemma."""
    lemma = verb.lemma_.lower()
    for child in verb.children:
        if child.dep_ in ("prt", "advmod", "dobj") and (
                f"{lemma} {child.lower_}" in vocab().family_of):
            return f"{lemma} {child.lower_}"  # "broke out", "took part"
    return lemma


def _life_predicate(verb: Token) -> str | None:
    """'lost their lives', 'claimed 27 lives': a death named through its object."""
    phrase = vocab().life_verbs.get(verb.lemma_.lower())
    if phrase and any(c.dep_ in ("dobj", "obj") and c.lower_ in ("life", "lives")
                      for c in verb.children):
        return phrase
    return None


def _clause_phrase(verb: Token) -> str | None:
    """The longest state phrase inside the verb's own clause ('23 were back in custody',
    '41 had been taken into custody again', '23 remain on the run')."""
    words = [t.lower_ for t in verb.subtree if not (t.dep_ in ("ccomp", "conj") and t.i != verb.i)]
    clause = " " + " ".join(words) + " "
    best = None
    for phrase, state in vocab().state_phrases.items():
        if f" {phrase} " in clause and (best is None or len(phrase) > len(best[0])):
            best = (phrase, state)
    return best[1] if best else None


def _tally(verb: Token) -> tuple[str, str | None] | None:
    """'The death toll rose to 27', 'the number of people killed has risen to seven': the
    figure counts what the tally word names.  Returns (subject, predicate)."""
    v = vocab()
    if verb.lemma_.lower() not in v.tally_verbs:
        return None
    # The tally word is the subject ("the toll rose to 27") or the object ("put the number
    # of escapees at 152"); a parser misled by a dateline may hang the subject elsewhere.
    heads = [t for t in verb.sent if t.lemma_.lower() in v.tally_heads and (
        t.i < verb.i or t.head.i == verb.i)]
    if not heads:
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is not None and (named := v.denied_event_nouns.get(subj.lemma_.lower())):
            return "people", named  # "Arrests climb to 1,300"
        return None
    head = min(heads, key=lambda t: abs(t.i - verb.i))
    if head.lemma_.lower() in v.death_heads or any(
            c.lemma_.lower() in v.death_heads for c in head.children if c.dep_ == "compound"):
        return "people", "kill"  # "the death toll", "the toll", "the protest toll"
    compound = next((w for c in head.children if c.dep_ == "compound"
                     and (w := _state_word(c))), None)
    if compound is not None:
        return "people", compound  # "an arrest count of 60"
    of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
    objs = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
    if not objs:
        return None
    noun = objs[0]
    if noun.lemma_.lower() in v.death_heads:
        return "people", "kill"  # "the number of deaths"
    state = next((w for c in noun.children if c.dep_ in ("acl", "amod", "relcl")
                  and (w := _state_word(c))), None)
    nxt = noun.doc[noun.i + 1] if noun.i + 1 < len(noun.doc) else None
    if state is None and nxt is not None and nxt.tag_ in ("VBN", "VBD"):
        state = _state_word(nxt)  # "the number of people killed", parsed as a clause verb
    own = next((w for w in (noun.lemma_.lower(), noun.lower_) if w in v.family_of), None)
    if state is None and own is not None and noun.lemma_.lower() not in v.noun_predicates:
        return "people", own  # "the number of wounded", "the count of missing"
    # "the number of escapees": the noun says what they did.
    state = state or v.noun_predicates.get(noun.lemma_.lower())
    return _noun_phrase(noun), state


def _dateline_word(tok: Token) -> bool:
    """An upper-case word opening a paragraph: a dateline city ("MWANZA, Tanzania -")."""
    if not (tok.is_upper and len(tok.text) > 2):
        return False
    return tok.i == 0 or tok.doc[tok.i - 1].is_space or "\n" in tok.doc[tok.i - 1].text_with_ws


def _quantity_draft(ctx: _Context, q: Quantity) -> _Draft | None:
    span = _span(ctx.doc, q.start, q.end)
    if span is None or q.kind in _SHARES:
        # "led with 44.7 percent", "turnout was about 81 percent": a share is not a count of
        # its subject, and two shares compare only over one base, which is rarely stated
        return None
    root = span.root
    noun = root.head if root.dep_ in ("nummod", "quantmod", "amod") and root.head.pos_ in (
        "NOUN", "PROPN") else None
    if noun is None and root.pos_ in ("NOUN", "PROPN") and not root.like_num:
        noun = root  # "dozens of prisoners" style spans: the head is the noun
    object_text = q.object_text
    if noun is not None and (noun.ent_type_ in ("GPE", "LOC") or _dateline_word(noun)):
        # "rises to 31 \n\n MWANZA, Tanzania -": a headline glued to a dateline; a place is
        # never what a figure counts.
        if object_text and fold(object_text) == fold(noun.text):
            object_text = None
        noun = None
    after_span = ctx.doc[span.end] if span.end < len(ctx.doc) else None
    if (noun is None or noun.pos_ == "PROPN") and not object_text and after_span is not None and (
            after_span.tag_ == "NNS" and after_span.lemma_.lower() not in vocab().anaphoric):
        # "Nov 14 - Forty-seven people lost ...": a dateline glued on misleads the parser,
        # but a plural noun right after the figure is what it counts.
        noun = after_span
    if noun is not None and noun.lemma_.lower() in _COLLECTIVE and not any(
            c.dep_ == "prep" and c.lower_ == "of" for c in noun.children):
        noun = None  # a bare "hundreds": the thing counted is elsewhere
    relcl = [c for c in noun.children if c.dep_ == "relcl" and c.pos_ == "VERB" and any(
        s.lower_ in _RELATIVE for s in c.children if s.dep_ in _SUBJECT_DEPS)] if noun else []
    if noun is not None and noun.dep_ == "pobj":
        if noun.head.lower_ == "of" and (noun.head.head.like_num or noun.head.head.lemma_.lower()
                                         in _COLLECTIVE):
            return None  # "nine" in "seven of the nine workers": the whole, not the count
        if not relcl:
            noun = None if noun.head.head.pos_ not in ("NOUN", "PROPN") else noun
    if _partitive_part(root):
        return None  # "five of them children": a breakdown of an earlier count, no verb
    verb = _governing_verb(noun if noun is not None else root)
    if verb is not None and verb.dep_ == "pobj" and verb.head.lower_ == "of" and (
            verb.head.head.lemma_.lower() in vocab().tally_heads):
        # "raised the number of wounded to 84", parsed with "to 84" under "wounded"
        verb = _governing_verb(verb.head.head)
    sent = root.sent
    predicate = _lemma_in_sentence(sent, q.predicate) if q.predicate else None
    if relcl:
        # "mourning for the 31 people who died": the count is of those who died.
        verb, predicate = relcl[0], relcl[0].lemma_.lower()
    state = next((w for c in root.children if c.dep_ in ("acl", "amod", "appos")
                  and (w := _state_word(c))), None)
    own_word = state  # "Sixteen dead, 28 MISSING": the figure's own state word
    if state is None and noun is not None:
        # "took 23 injured fans to hospital": the noun's own state
        state = next((w for c in noun.children if c.dep_ == "amod" and c.i < noun.i
                      and (w := _state_word(c))), None)
    after = root.doc[root.i + 1] if root.i + 1 < len(root.doc) else None
    if state is None and noun is None and root.like_num and after is not None and (
            after.tag_ in ("VBN", "JJ")):
        state = _state_word(after)  # "15 dead and 42 wounded": the parser hangs it elsewhere
    if state is not None:
        predicate = state  # "received more than 40 wounded", "15 dead"
    if predicate is not None and noun is not None and predicate == noun.lemma_.lower():
        predicate = None  # "23 detainees were back in custody": the noun is no predicate
    if predicate is None and verb is not None and verb.lemma_.lower() != "be":
        predicate = verb.lemma_.lower()
    tally = _tally(verb) if verb is not None and noun is None else None
    if verb is not None and state is None:
        if (phrase := _verb_phrase(verb)) != verb.lemma_.lower():
            predicate = phrase  # "117 inmates got away"
        if (life := _life_predicate(verb)) is not None:
            predicate = life  # "claimed 27 lives", "47 people lost their lives"
        elif predicate not in vocab().family_of and (clause := _clause_phrase(verb)):
            predicate = clause  # "23 detainees were back in custody"
        if tally is not None and tally[1]:
            predicate = tally[1]
        elif tally is not None:
            tally = None  # "the number of escapees": what they did comes from the antecedent
    own_state = after is not None and after.tag_ in ("JJ", "VBN") and after.i == root.i + 1
    shooter = noun.head if noun is not None and noun.dep_ in ("dobj", "obj") else verb
    if shooter is not None and any(c.lower_ == "dead" for c in shooter.children) and not (
            own_state and after is not None and after.lower_ != "dead") and (
            own_word in (None, "dead")):
        # "two were shot dead"; but not "left 31 dead and hundreds homeless" for "hundreds".
        predicate = "kill"
    # the noun "of" hangs from: "the bodies of 12 miners", "its capacity of 400 inmates"
    of_head = noun.head.head.lemma_.lower() if noun is not None and noun.dep_ == "pobj" and (
        noun.head.lower_ == "of") else None
    if of_head in _LIMITS:
        return None  # "twice its capacity of 400 inmates": a limit, not a count of anyone
    if of_head in vocab().death_heads:
        predicate = "dead"  # "the bodies of 12 miners"
    subject = object_text or (_noun_phrase(noun) if noun is not None else "")
    if tally is not None:
        subject = tally[0]
    elif predicate in vocab().life_verbs.values() and subject_head(subject) in ("live", "life"):
        # "claimed 27 lives": the lives are people's; the speaker of the verb is the cause.
        subject = "people"
    anaphoric = False
    if not subject or subject_head(subject) in vocab().anaphoric:
        anaphoric = True
        if verb is not None:
            subj = _subject_token(verb)
            if subj is not None and verb.lemma_.lower() in vocab().telling_verbs and not (
                    span.start <= subj.i < span.end):
                subj = None  # "student unions estimated 25,000": who estimates is not counted
            subject = _noun_phrase(subj) if subj is not None else subject
            if subj is not None and subj.lower_ in _VAGUE and span.start <= subj.i < span.end and (
                    predicate in vocab().family_of
                    and not any(c.dep_ == "prep" for c in subj.children)):
                # "Dozens are feared dead": the figure is its own subject and counts people.
                subject, anaphoric = "people", False
    if state is not None and (not subject or anaphoric):
        subject, anaphoric = "people", False  # "40 wounded" counts people
    if predicate and subject:
        # "leaving at least four people dead, witnesses said": the state word ends the noun.
        words = subject.split()
        cut = next((i for i, w in enumerate(words) if i and _lemma_key(w) == predicate), None)
        if cut is not None:
            subject = " ".join(words[:cut])
    if predicate in (None, "be", "have") and not anaphoric:
        return None
    low = q.low if q.low is not None else q.value
    high = q.high if q.high is not None else (q.value if q.low is None else None)
    anchor = verb if verb is not None else root
    cid, name, quote = ctx.claimant(root.idx)
    if (owner := _figure_owner(root)) is not None:
        cid, name = _teller_name(ctx, owner)  # "the government's figure of 34"
    elif verb is not None and verb.lemma_.lower() in vocab().telling_verbs - {"say", "tell"} and (
            (speaker := _speaker_of(verb)) is not None):
        # "a number lawyers for the accused PUT at more than 400": whoever puts, estimates or
        # counts a figure claims it, also inside someone else's quote
        cid, name = _teller_name(ctx, speaker)
    if quote is None and tally is not None and verb is not None and (
            verb.lemma_.lower() in _ESTIMATE_VERBS):
        # "Medical sources put the death toll at about 30": whoever puts a figure on the
        # toll claims it, though no quote was found around it
        teller = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if teller is None:  # "the toll was put at 30 by medical sources"
            by = next((c for c in verb.children if c.dep_ == "agent"), None)
            teller = next((c for c in by.children if c.dep_ == "pobj"), None) if by else None
        if teller is not None and teller.pos_ in ("NOUN", "PROPN") and not (
                teller.lemma_.lower() in vocab().death_heads | vocab().tally_heads
                or any(c.like_num for c in teller.children)):
            # not "Three more deaths on Tuesday put the toll at 45": a figure, not a teller
            name = _without_relative_clause(strip_dateline(
                ctx.doc[teller.left_edge.i:teller.right_edge.i + 1].text))
            # "Reuters put the toll at 30": the teller's own mention gives its actor
            cid = next((e.actor_id for e in ctx.entities if e.actor_id
                        and e.start <= teller.idx < e.end), None)
    if quote is None and cid is None and name == ctx.publication and (
            told := _teller(ctx, anchor, root)) is not None:
        cid, name = told
    polarity, hedge = _polarity(anchor, quote.cue if quote else None)
    if span.start > 0 and ctx.doc[span.start - 1].lower_ in ("not", "never", "nor"):
        polarity = "denied"  # "a few dozen, not hundreds"
    if anchor.lemma_.lower() in vocab().denial_cues and predicate == anchor.lemma_.lower():
        # "rejected the estimate of 45,000 marchers": what is counted is marching
        predicate = (vocab().noun_predicates.get(noun.lemma_.lower(), "")
                     if noun is not None else "") or predicate
    if (split := _denied_figure(ctx, root)) is not None:
        # "A director disputed the army's count of six dead": the army's figure, and the
        # director's denial of it, are two claims
        owner, denier = split
        denial = _Draft(anchor=denier.i, claimant_id=None, claimant="", subject=subject,
                        predicate=predicate or "", low=low, high=high, polarity="denied",
                        hedge=q.hedge or hedge, quantity_id=q.id, anaphoric=anaphoric)
        speaker = _speaker_of(denier)
        denial.claimant_id, denial.claimant = (_teller_name(ctx, speaker) if speaker is not None
                                               else (cid, name))
        ctx.extra.append(denial)
        cid, name = _teller_name(ctx, owner)
        polarity = "asserted"
    elif anchor.lemma_.lower() in vocab().denial_cues and root.i > anchor.i:
        # "rejected a figure of 3,000 dead": the figure is what is denied, not a rejection
        polarity = "denied"
        if predicate == anchor.lemma_.lower():
            predicate = (vocab().noun_predicates.get(noun.lemma_.lower(), "")
                         if noun is not None else "") or predicate
    approximate = q.approximate or q.hedge == "approximately"
    if approximate and q.value is not None and low is not None and (
            high is not None and abs(low - 0.9 * q.value) < 1e-6 * q.value + 1e-9
            and abs(high - 1.1 * q.value) < 1e-6 * q.value + 1e-9):
        # "about 820,000" is the figure 820,000, hedged; comparison widens a hedged point
        low = high = q.value
        hedge = "approximately"
    if q.text.lower().startswith("up to") and q.value is not None and verb is not None and (
            verb.lemma_.lower() in vocab().tally_verbs):
        low = high = q.value  # "revised the toll up to 58": a particle, not a ceiling
    return _Draft(anchor=anchor.i, claimant_id=cid, claimant=name, subject=subject,
                  predicate=predicate or "", low=low, high=high, polarity=polarity,
                  hedge=q.hedge or hedge, quote_id=quote.id if quote else None,
                  quantity_id=q.id, anaphoric=anaphoric,
                  # "all 120 were recaptured": the count is the whole group
                  part="all" if span.start > 0 and ctx.doc[span.start - 1].lower_ == "all"
                  else "")


def _denied_event_drafts(ctx: _Context, taken: set[int]) -> list[_Draft]:
    """An event named by a noun and denied: "Military denies civilian DEATHS in raid", "the
    MASSACRE in Djibo did not happen".  The claim is of its victims ("civilian" when a
    modifier names them, else people)."""
    nouns = vocab().denied_event_nouns
    drafts = []
    for tok in ctx.tokens_with_lemma(nouns):
        predicate = nouns.get(tok.lemma_.lower())
        if predicate is None or tok.i in taken or any(c.like_num for c in tok.children):
            continue
        denied = (tok.dep_ in ("dobj", "obj") and tok.head.lemma_.lower() in vocab().denial_cues
                  ) or (tok.dep_ in _SUBJECT_DEPS and _falsifies(tok.head))
        if not denied:
            continue
        victims = next((c.text for c in tok.children if c.dep_ in ("amod", "compound")
                        and c.pos_ in ("ADJ", "NOUN") and c.lower_ in vocab().subject_head), None)
        cid, name, quote = ctx.claimant(tok.idx)
        if quote is None and (told := _teller(ctx, tok)) is not None:
            cid, name = told
        taken.add(tok.i)
        drafts.append(_Draft(anchor=tok.i, claimant_id=cid, claimant=name,
                             subject=victims or "people", predicate=predicate,
                             polarity="denied", quote_id=quote.id if quote else None))
    return drafts


_CLAIM_NOUNS = frozenset({"claim", "estimate", "report", "assessment"})


def _figure_denials(ctx: _Context, drafts: list[_Draft]) -> list[_Draft]:
    """A denial of a figure given before it: "..., but a guards' union DISPUTED THE FIGURE",
    "1,800 people are held, A FIGURE THE MINISTER DISMISSED as inflated", "a claim the police
    chief CALLED pure fantasy".  Each is a denied copy of the latest earlier count in the
    sentence (or the one before), claimed by whoever denies it."""
    v = vocab()
    out: list[_Draft] = []
    counted = sorted((d for d in drafts if d.low is not None or d.high is not None),
                     key=lambda d: d.anchor)
    for tok in ctx.tokens_with_lemma(v.tally_heads | _CLAIM_NOUNS):
        if any(c.like_num for c in tok.subtree):
            continue
        denier: Token | None = None
        if tok.dep_ in ("dobj", "obj") and tok.head.lemma_.lower() in v.denial_cues:
            denier = tok.head
        else:
            denier = next((c for c in tok.children if c.dep_ in ("relcl", "acl") and (
                c.lemma_.lower() in v.denial_cues or _falsifies(c))), None)
        speaker = _speaker_of(denier) if denier is not None else None
        if denier is None or speaker is None:
            continue
        if any(c.dep_ in ("acl", "ccomp", "prep", "relcl", "appos") and c.i != denier.i
               for c in tok.children):
            continue  # "rejected al-Shabaab's claim to have killed dozens": its own content
        first = tok.sent.start if tok.sent.start == 0 else ctx.doc[tok.sent.start - 1].sent.start
        earlier = [d for d in counted if first <= d.anchor < tok.i and d.polarity == "asserted"]
        if not earlier:
            continue
        cid, name = _teller_name(ctx, speaker)
        out.append(dataclasses.replace(earlier[-1], anchor=denier.i, claimant_id=cid,
                                       claimant=name, polarity="denied", quote_id=None))
    return out


def _lemma_key(word: str) -> str:
    w = word.lower().strip(",.;:")
    family_of = vocab().family_of
    return next((c for c in (w, w[:-1], w[:-2]) if c in family_of), w)


_VAGUE = {"dozens": (24.0, 99.0), "scores": (40.0, 99.0), "hundreds": (200.0, 999.0),
          "thousands": (2000.0, 9999.0)}  # as the quantities extractor reads them
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _word_number(text: str) -> float | None:
    """'seven' -> 7, 'forty-seven' -> 47, '112' -> 112; else None."""
    text = text.replace(",", "")
    if text.isdigit():
        return float(text)
    if text in _UNITS:
        return float(_UNITS.index(text))
    tens, _, unit = text.partition("-")
    if tens in _TENS and (not unit or unit in _UNITS[1:10]):
        return float(20 + 10 * _TENS.index(tens) + (_UNITS.index(unit) if unit else 0))
    return None


def _partitive_part(num: Token) -> bool:
    """'five of them' with no verb of its own: a part of a count already made."""
    of = [c for c in num.children if c.dep_ == "prep" and c.lower_ == "of"]
    if not of or not any(c.dep_ == "pobj" and c.lower_ in _PRONOUNS for c in of[0].children):
        return False
    return not (num.dep_ in _SUBJECT_DEPS and num.head.pos_ in ("VERB", "AUX"))


def _state_draft(ctx: _Context, anchor: Token, predicate: str, event: Event | None) -> _Draft:
    subj = _subject_token(anchor)
    if subj is None and anchor.dep_ in ("acomp", "prep", "pobj", "attr", "advmod"):
        head_verb = _governing_verb(anchor.head)
        subj = _subject_token(head_verb) if head_verb is not None else None
    subject = _noun_phrase(subj) if subj is not None else ""
    victim = next((c for c in anchor.children if c.dep_ in ("dobj", "obj")
                   and c.pos_ in ("NOUN", "PROPN")), None) if anchor.pos_ == "VERB" else None
    if victim is not None and anchor.tag_ == "VBG" and anchor.dep_ != "advcl" and (
            predicate in vocab().family_of) and (
            vocab().family_of[predicate] in ("dead", "injured", "custody", "displaced")):
        # "a video showing soldiers killing villagers": the state is the villagers', not the
        # soldiers' (a gerund only: on link_dev2 a finite verb's object was no better a subject)
        subject = _noun_phrase(victim)
    part = _part_of(subj)
    low = high = None
    if subj is not None and subj.lower_ in _VAGUE and predicate in vocab().family_of and not (
            any(c.dep_ == "prep" for c in subj.children)
            or any(q.start <= subj.idx < q.end for q in ctx.quantity_spans)):
        # "Scores are feared dead": a vague plural standing alone counts people.
        (low, high), subject = _VAGUE[subj.lower_], "people"
    elif subj is not None and predicate in vocab().family_of and subj.head.i == anchor.i:
        nums = [c for c in subj.lefts if c.like_num and c.dep_ in ("nummod", "compound", "amod")]
        prev = ctx.doc[subj.i - 1] if subj.i > 0 else None
        if not nums and prev is not None and subj.tag_ == "NNS" and prev.like_num and (
                prev.dep_ != "nummod" or prev.head.i == subj.i):
            nums = [prev]  # "June 27 - Seven people": the parser hangs the figure on the dateline
        if nums and any(q.start <= nums[0].idx < q.end for q in ctx.quantity_spans):
            nums = []  # the quantities extractor read it: its draft counts it
        value = _word_number(nums[0].lower_) if nums else None
        if value is not None:
            low = high = value  # a figure the quantities extractor missed
    zero = subj is not None and (subj.lower_ in _ZERO or any(
        c.dep_ == "det" and c.lower_ == "no" for c in subj.children))
    if not subject and event is not None:
        subject = event.recipient_text or event.actor_text or ""
    cid, name, quote = ctx.claimant(anchor.idx)
    if quote is None and (told := _teller(ctx, anchor)) is not None:
        cid, name = told
    polarity, hedge = _polarity(anchor, quote.cue if quote else None)
    anaphoric = bool(subject) and (fold(subject) in _PRONOUNS or subject_head(subject) in (
        vocab().anaphoric))
    return _Draft(anchor=anchor.i, claimant_id=cid, claimant=name, subject=subject,
                  predicate=predicate, polarity=polarity, hedge=hedge,
                  low=0.0 if zero else low, high=0.0 if zero else high,
                  quote_id=quote.id if quote else None,
                  event_id=event.id if event else None, anaphoric=anaphoric, part=part)


def _part_of(subj: Token | None) -> str:
    """The partitive quantifier a state claim's subject opens with, or ""."""
    if subj is None:
        return ""
    if subj.lower_ in PARTITIVE and any(
            c.dep_ == "prep" and c.lower_ == "of" for c in subj.children):
        return "most" if subj.lower_ in ("majority", "bulk") else subj.lower_
    det = [c.lower_ for c in subj.children if c.dep_ in ("det", "amod")]
    return next((w for w in det if w in ("most", "many", "some", "several")), "")


def _with_part(d: _Draft) -> str:
    """"most inmates": the partitive stays on the subject, after anaphora gave it its noun."""
    if d.part and d.subject and not fold(d.subject).startswith(d.part + " "):
        return f"{d.part} {d.subject}"
    return d.subject


def _phrase_drafts(ctx: _Context, taken: set[int]) -> list[_Draft]:
    """State phrases ("we do not know where they are", "remains at large")."""
    drafts: list[_Draft] = []
    lowered = ctx.text.lower().replace("’", "'")
    for phrase, state in vocab().state_phrases.items():
        if phrase not in lowered:
            continue  # the regex below cannot match; most phrases are absent from an article
        for match in re.finditer(r"\b" + re.escape(phrase) + r"\b", lowered):
            span = _span(ctx.doc, match.start(), match.end())
            if span is None:
                continue
            sent = span.sent
            # The state's subject: a subject right after the phrase ("where THEY are"),
            # else the subject of the verb the phrase hangs from ("who remains at large").
            # Only "do not know where THEY are" puts the subject after the phrase.
            after = [t for t in ctx.doc[span.end:sent.end] if t.dep_ in _SUBJECT_DEPS][:1] if (
                phrase.endswith("where")) else []
            anchor = after[0].head if after else _governing_verb(span.root) or span.root
            if anchor.i in taken:
                continue
            taken.add(anchor.i)
            draft = _state_draft(ctx, anchor, state, None)
            if state == "whereabouts unknown" and draft.polarity == "denied":
                draft.polarity = "asserted"  # the negation is part of the phrase itself
            drafts.append(draft)
    return drafts


_INCREMENT = frozenset({"new", "additional", "further", "fresh", "more", "another", "latest"})


def _resolve_anaphora(drafts: list[_Draft], doc: Doc | None = None) -> list[_Draft]:
    """Give 'the number' / 'they' the subject (and predicate) of the claim they refer to."""

    def sent_of(d: _Draft) -> int | None:
        return doc[d.anchor].sent.start if doc is not None else None

    out: list[_Draft] = []
    for draft in drafts:
        if draft.anaphoric:
            earlier = [d for d in out if not d.anaphoric and d.subject]
            antecedent = None
            if draft.low is not None or draft.high is not None:
                counts = [d for d in earlier if d.low is not None or d.high is not None]
                antecedent = next((d for d in reversed(counts) if _overlaps(d, draft)), None)
            if antecedent is None and earlier:
                same = [d for d in earlier if d.claimant == draft.claimant]
                antecedent = (same or earlier)[-1]
            if antecedent is None:
                continue
            draft.subject = antecedent.subject
            if draft.quantity_id and antecedent.quantity_id:
                # "14 new deaths ..., bringing the toll to 86": a toll is the whole, not
                # another increment.
                words = draft.subject.split()
                draft.subject = " ".join(w for w in words[:-1] if w.lower() not in _INCREMENT
                                         ) + (" " if len(words) > 1 else "") + words[-1]
                draft.subject = draft.subject.strip()
            # "We are talking about a few dozen": the verb of a bare figure says nothing; the
            # proposition is the antecedent's ("escaped"), as in "the number of people killed
            # has risen to 31".  A second figure in the sentence of an antecedent figure,
            # with a verb of its own ("14 new deaths, bringing the toll to 86"), makes its
            # own proposition.
            second_figure = antecedent.quantity_id is not None and (
                sent_of(draft) is not None and sent_of(draft) == sent_of(antecedent))
            if (draft.quantity_id and draft.predicate not in vocab().family_of and (
                    not second_figure or draft.predicate in vocab().telling_verbs)) or (
                    draft.predicate in ("", "be")):
                # "the ministry put attendance at 8,000; unions estimated 25,000": an
                # estimate says nothing of its own
                draft.predicate = antecedent.predicate
            draft.anaphoric = False
        if draft.subject and draft.predicate:
            out.append(draft)
    return out


def _drop_uncounted_doubles(drafts: list[_Draft], doc: Doc) -> list[_Draft]:
    """'The number of people killed has risen to 31' reads as 31 killed and as people killed;
    the uncounted reading of a sentence that also counts the same state says nothing more."""
    counted = {(doc[d.anchor].sent.start, d.claimant, d.predicate)
               for d in drafts if d.low is not None or d.high is not None}
    return [d for d in drafts if d.low is not None or d.high is not None or d.polarity != "asserted"
            or (doc[d.anchor].sent.start, d.claimant, d.predicate) not in counted]


def _overlaps(a: _Draft, b: _Draft) -> bool:
    lo = max(a.low if a.low is not None else float("-inf"),
             b.low if b.low is not None else float("-inf"))
    hi = min(a.high if a.high is not None else float("inf"),
             b.high if b.high is not None else float("inf"))
    return lo <= hi


def _sentence_context(parsed: ParsedDocument, start: int, end: int, anchor: Token
                      ) -> tuple[str | None, str | None]:
    """The claim's time and place: a time expression of the anchor's own clause ("clashes in
    August 2023 killed ..."), not one of a clause beside it ("the prison, built in 1982,
    held ..."), else the publication date; the sentence's first place."""
    ext = parsed.extraction
    verb = _governing_verb(anchor)
    time = None
    for t in ext.times:
        if not (start <= t.start < end and t.value):
            continue
        span = _span(anchor.doc, t.start, t.end)
        if span is not None and len(span) and _governing_verb(span.root) == verb:
            time = t.value
            break
    place = next((p.name or p.text for p in ext.places if start <= p.start < end), None)
    if time is None and parsed.article.published:
        time = parsed.article.published[:10]
    return time, place


def _evidence(doc: Doc, text: str, anchor: int) -> tuple[int, int]:
    """The anchor's sentence, within its paragraph: the parser runs a headline without a full
    stop into the lede ("Police deny protesters were killed\n\nLINDI, April 2 - ...").
    ``text`` is ``doc.text``, read once per document by the caller."""
    sent = doc[anchor].sent
    start, end = sent.start_char, sent.end_char
    at = doc[anchor].idx
    cut = text.rfind(PARAGRAPH_BREAK, start, at)
    if cut >= 0:
        start = cut + len(PARAGRAPH_BREAK)
    cut = text.find(PARAGRAPH_BREAK, at, end)
    if cut >= 0:
        end = cut
    end = start + len(text[start:end].rstrip())  # no trailing paragraph break
    start += len(text[start:end]) - len(text[start:end].lstrip())
    return start, end


def extract_claims(parsed: ParsedDocument) -> list[Claim]:
    ctx = _Context(parsed)
    doc = ctx.doc
    ext = parsed.extraction
    drafts: list[_Draft] = []
    taken: set[int] = set()
    for q in sorted(ext.quantities, key=lambda r: r.start):
        draft = _quantity_draft(ctx, q)
        if draft is not None:
            drafts.append(draft)
            taken.add(draft.anchor)
    family_of = vocab().family_of
    # only these lemmas can give a state draft below ("lost their lives" through life_verbs)
    stateful = set(family_of) | set(vocab().life_verbs)
    for event in ext.events:
        t_start = event.trigger_start if event.trigger_start is not None else event.start
        t_end = event.trigger_end if event.trigger_end is not None else event.end
        span = _span(doc, t_start, t_end)
        if span is None:
            continue
        anchor = span.root
        if anchor.pos_ not in ("VERB", "ADJ") or _hypothetical(anchor):
            continue  # "the invasion", "a deal": nominal events carry no asserted proposition
        if anchor.i in taken:
            for d in drafts:
                if d.anchor == anchor.i and d.event_id is None:
                    d.event_id = event.id
            continue
        taken.add(anchor.i)
        drafts.append(_state_draft(ctx, anchor, anchor.lemma_.lower(), event))
    for token in ctx.tokens_with_lemma(stateful):
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and (life := _life_predicate(token)) is not None:
            lemma = life  # "Seven people lost their lives"
        if token.i in taken or lemma not in family_of:
            continue
        if token.pos_ not in ("VERB", "ADJ") or token.dep_ in ("amod", "compound"):
            continue  # "captured ISIS prisoners": a modifier, not a proposition
        if token.dep_ == "pobj" and token.head.lower_ == "of" and (
                token.head.head.lemma_.lower() in vocab().tally_heads):
            continue  # "the number of dead": what a figure counts, not a claim of its own
        if _hypothetical(token):
            continue
        taken.add(token.i)
        drafts.append(_state_draft(ctx, token, lemma, None))
    drafts.extend(ctx.extra)
    drafts.extend(_denied_event_drafts(ctx, taken))
    drafts.extend(_phrase_drafts(ctx, taken))
    drafts.extend(_figure_denials(ctx, drafts))
    drafts.sort(key=lambda d: d.anchor)
    drafts = _resolve_anaphora(drafts, doc)
    drafts = _drop_uncounted_doubles(drafts, doc)

    claims: list[Claim] = []
    seen: set[tuple[Any, ...]] = set()
    aid = parsed.article.id
    quantities = {q.id: q for q in parsed.extraction.quantities}
    text = parsed.text  # doc.text, which spaCy would rebuild from every token
    for d in drafts:
        start, end = _evidence(doc, text, d.anchor)
        key = (d.anchor, d.predicate, d.low, d.high, d.polarity, d.claimant)
        if key in seen:
            continue
        seen.add(key)
        time, place = _sentence_context(parsed, start, end, doc[d.anchor])
        quantity = quantities.get(d.quantity_id or "")
        same_bounds = quantity is not None and (quantity.low, quantity.high) == (d.low, d.high)
        claims.append(Claim(
            id=stable_id(aid, "claim", start, end, doc[d.anchor].idx, d.predicate, d.low,
                         d.high),
            article_id=aid, start=start, end=end, extractor=EXTRACTOR,
            claimant_actor_id=d.claimant_id, claimant_text=d.claimant,
            subject=_with_part(d), predicate=d.predicate, value_low=d.low, value_high=d.high,
            polarity=d.polarity, hedge=d.hedge, time=time, place=place,
            quote_id=d.quote_id, quantity_id=d.quantity_id, event_id=d.event_id,
            value_low_inclusive=quantity.low_inclusive if quantity and same_bounds else True,
            value_high_inclusive=quantity.high_inclusive if quantity and same_bounds else True,
        ))
    return claims


def extract(parsed: ParsedDocument) -> dict[str, Sequence[Any]]:
    from pressgraph.clean import headline_end
    from pressgraph.link.compare import compare_claims, restated_in_headline

    claims = extract_claims(parsed)
    article = parsed.article
    # A headline restating the lede is compared as the lede (the linker's rule, too).
    restated = restated_in_headline(claims, {article.id: headline_end(article)})
    relations = compare_claims([c for c in claims if c.id not in restated],
                               {article.id: article}, within_article=True)
    return {"claims": claims, "conflicts": relations}


__all__ = ["EXTRACTOR", "extract", "extract_claims"]
