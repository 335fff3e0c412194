"""Attribution extraction (who said what), following PolNeAR/PARC span conventions.

An attribution is a source (who), a cue (said, told, according to, warned, assertion) and a
content (what).  Two systems vote.  A learned tagger (:mod:`.tagger`, trained on PolNeAR
train) decides which words are cues and tags each cue's source and content; it generalises
past the cue words seen in training through the pipeline's contextual and static vectors.
Learned span rankers (:mod:`.ranker`) then draw the edges of each cue, source and content
from candidate spans, with the rules' own spans among their features; a content split around
its cue or joined from several quotations keeps the rules' edges, and a rule cue the tagger
scored just under its threshold is kept too.  Without the tagger's model file the rules run
alone; without the rankers' file the rules' edges win where both found a cue.

The rules: cues come from a lexicon learned on the PolNeAR train split (``cues.json``)
plus core speech verbs; source and content come from the spaCy dependency parse (subject;
clausal complement, to-infinitive, or a quotation next to the cue) and from quotation-mark
spans found on the text (:mod:`.marks`).  A logistic-regression classifier learned on the
same split (:mod:`.classifier`) adds the stance verbs the lexicon leaves out ("backed the
plan", "talking about trade") and vetoes lexicon verbs it is sure are not cues.  Smaller
constructions have their own rules: "X, he said, Y" (parenthetical), "Rubio: ..." (a headline
or transcript line), "in a poll by X", and "is expected to" / "appears" (no source; the whole
clause is the content).

Span conventions, matched to PolNeAR so exact-span scores mean something:

* content of a direct quote includes its quotation marks (and a comma inside them);
  indirect content starts at "that" when there is one and drops trailing punctuation;
* the source is the whole subject phrase with determiners and appositions ("a top U.S. State
  Department official", "James Jeffrey, Washington's special envoy for Syria"), the possessor
  for nominal cues ("Donald Trump’s") and the relative pronoun in "who said";
* the cue is the verb, recipient excluded ("told", not "told Congress"), with its auxiliaries
  and adverbs ("has publicly said"; the rules leave time adverbs out, the cue ranker follows
  PolNeAR and mostly keeps them: "previously warned"), a particle or the preposition of
  "called on"/"talking about", a day or "in a statement" after it ("said Friday in an
  interview"), and both words of "according to";
* the addressee is not part of the content: "called on his supporters to attack" gives
  recipient "his supporters" and content "to attack ..." (PolNeAR keeps it in the content
  after "urged" and "called on"; the cost is measured in docs/accuracy/quotes.md).

A quote split around its cue (‘We’ve done,’ he said, ‘a good job’) and the quoted sentences
that follow it in the same paragraph are one record: start/end cover the whole extent (as
PolNeAR's discontinuous spans do) and ``content`` joins the quoted pieces with a space.  A
quote standing alone in a later paragraph becomes its own record with the previous quote's
source, cue and speaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from spacy.attrs import DEP, LOWER, ORTH, POS
from spacy.symbols import NOUN, VERB
from spacy.tokens import Doc, Token

from pressgraph.clean import DATELINE, SENTENCE_END
from pressgraph.extract import ParsedDocument
from pressgraph.extract.quotes import classifier, ranker, tagger
from pressgraph.extract.quotes.lexicon import (
    CORE_VERBS,
    INFINITIVE_VERBS,
    NOUN_CUES,
    is_cue_verb,
    is_stance_verb,
)
from pressgraph.extract.quotes.marks import find_quotes
from pressgraph.extract.quotes.speakers import SpeakerResolver
from pressgraph.model import Quote, Record, stable_id

EXTRACTOR = "quotes@8"
# Tuned on PolNeAR train: verbs annotated as cues at least this often take their object as
# content when they have no clause or quotation ("Cruz praised the ruling").
STANCE_THRESHOLD = 0.3
# Tuned on PolNeAR train: below this chance the classifier drops a lexicon cue.
VETO = 0.2
# Tuned on the PolNeAR train hold-out: a rule-found cue the tagger scores at least this
# high (under its own threshold) is kept.
RULE_CONFIRM = 0.25
_SUBJ = ("nsubj", "nsubjpass", "csubj")
_SKIP_EDGE = frozenset(",.;:—–-()[]") | {"\n", "\n\n", " "}
_QUOTE_CHARS = frozenset("“”‘’\"'«»")
_WHEN = frozenset({"previously", "earlier", "later", "once", "then", "now", "first"})
_EVIDENTIAL = frozenset({"expect", "appear", "seem"})
# "Camps are believed to be holding ...": the passive subject is what the belief is about,
# not who holds it, so these read like "is expected to" (no source, the clause as content).
_PASSIVE_RAISING = frozenset({
    "believe", "think", "say", "report", "allege", "know", "understand", "estimate",
    "consider", "suspect", "fear", "rumor", "rumour", "presume", "feel",
})
_SURVEYS = frozenset({"poll", "survey", "study", "report", "analysis", "census"})
_MEDIUM = frozenset({"statement", "interview", "speech", "tweet", "post", "email", "letter",
                     "release", "op-ed", "video", "message", "radio", "appearance"})
# Light verbs the learned lexicon picks up from multiword cues ("has said", "went on to say").
_NOT_CUES = frozenset({"have", "be", "do", "go", "get", "make", "take", "put"})


@dataclass(slots=True)
class _Att:
    cue: tuple[int, int]
    content: tuple[int, int]
    source: tuple[int, int] | None
    pieces: list[tuple[int, int]]
    kind: str
    source_token: Token | None = None
    learned: bool = False
    # a construction the rules find reliably on their own: "Rubio: I still believe ..."
    sure: bool = False


def extract(parsed: ParsedDocument) -> dict[str, Sequence[Record]]:
    doc = parsed.doc
    text = parsed.text
    quotes = find_quotes(text)
    atts = _combine(doc, text, quotes)
    atts = _attach_quotes(text, quotes, atts)
    for att in atts:
        _after_headline(text, att)
        _after_dateline(text, att)
        _source_without_date(doc, att)
    resolver = SpeakerResolver(parsed, quotes)
    out: list[Record] = []
    for att in sorted(atts, key=lambda a: a.content[0]):
        addressee = _addressee(doc, att, quotes)
        _content_after_recipient(att, addressee, quotes)
        speaker = resolver.resolve(att.source, att.source_token, att.cue[0])
        content = " ".join(text[s:e] for s, e in att.pieces)
        recipient = _recipient(att, addressee)
        out.append(Quote(
            id=stable_id(parsed.article.id, "quote", att.content[0], att.content[1]),
            article_id=parsed.article.id,
            start=att.content[0],
            end=att.content[1],
            extractor=EXTRACTOR,
            content=content,
            kind=att.kind,
            cue=text[att.cue[0]:att.cue[1]],
            cue_start=att.cue[0],
            cue_end=att.cue[1],
            source_text=text[att.source[0]:att.source[1]] if att.source else None,
            source_start=att.source[0] if att.source else None,
            source_end=att.source[1] if att.source else None,
            speaker_actor_id=speaker.actor_id,
            speaker_text=speaker.name,
            recipient_text=text[recipient[0]:recipient[1]] if recipient else None,
            recipient_start=recipient[0] if recipient else None,
            recipient_end=recipient[1] if recipient else None,
        ))
    return {"quotes": out}


# Verbs whose direct object is who was addressed when a clause or quotation is the content
# ("told Congress that ...", "warned reporters: ...", "assured allies the troops ...").
_ADDRESS_VERBS = frozenset({
    "tell", "ask", "warn", "assure", "inform", "remind", "urge", "advise", "notify", "brief",
    "caution", "promise", "reassure", "convince", "persuade", "teach", "show", "email",
    "text", "write", "call"})
_TO_VERBS = frozenset({"say", "explain", "describe", "write", "speak", "talk", "complain",
                       "admit", "confess", "announce", "declare", "report", "repeat", "reply",
                       "mention", "suggest", "insist", "argue", "signal", "add"})


def _addressee(doc: Doc, att: _Att, quotes: list[tuple[int, int]]
               ) -> tuple[tuple[int, int], Token] | None:
    """Who the cue's verb addresses ("told *Congress*", "said to *reporters*", "called on
    *his supporters*"), as a character span, with that verb."""
    span = doc.char_span(att.cue[0], att.cue[1], alignment_mode="expand")
    if span is None or not len(span):
        return None
    verb = next((t for t in span if t.pos_ == "VERB"), None)
    if verb is None:
        return None
    found: Token | None = None
    for c in verb.rights:
        addressed = (c.dep_ == "dative" and c.lower_ != "to") or (
            c.dep_ == "dobj" and verb.lemma_ in _ADDRESS_VERBS)
        said_to = c.dep_ in ("prep", "dative") and c.lower_ == "to" and verb.lemma_ in _TO_VERBS
        called_on = c.dep_ == "prep" and c.lower_ in ("on", "upon") and verb.lemma_ == "call"
        if addressed:
            found = c
        elif said_to or called_on:
            found = next((g for g in c.children if g.dep_ == "pobj"), None)
        if found is not None:
            break
    if found is None:
        return None
    lo, hi = _trim(doc, found.left_edge.i, found.right_edge.i, quotes)
    return ((lo, hi), verb) if hi > lo else None


def _recipient(att: _Att, found: tuple[tuple[int, int], Token] | None
               ) -> tuple[int, int] | None:
    """Who was addressed (``found`` by :func:`_addressee`): "told *Congress*", "said *to
    reporters*".  PolNeAR leaves the recipient out of the cue ("told"), so it has a field of
    its own."""
    if found is None:
        return None
    lo, hi = found[0]
    # never inside the content or the source: those are other parts of the attribution
    for part in (att.content, att.source):
        if part is not None and lo < part[1] and part[0] < hi:
            return None
    return lo, hi


def _content_after_recipient(att: _Att, found: tuple[tuple[int, int], Token] | None,
                             quotes: list[tuple[int, int]]) -> None:
    """A content that opens with the addressee ("called on *his supporters* last month to
    attack ...") starts at the clause after it, so that who was addressed and what was said
    are separate fields.  PolNeAR keeps the addressee in the content after "urged" and
    "called on"; this departs from it on purpose (cost on the train hold-out in
    docs/accuracy/quotes.md)."""
    if len(att.pieces) != 1 or found is None:
        return
    (lo, hi), verb = found
    if not att.content[0] <= lo < att.content[1]:
        return
    # the parser often hangs "to attack ..." on the verb as an adverbial clause
    clause = next((c for c in verb.rights if c.left_edge.idx >= hi and (
        c.dep_ in ("xcomp", "ccomp") or (c.dep_ == "advcl" and c.left_edge.lower_ == "to"))),
        None)
    if clause is None:
        return
    if clause.left_edge.idx < att.content[1]:
        att.content = (clause.left_edge.idx, att.content[1])
    elif clause.dep_ in ("xcomp", "ccomp") and (verb.lemma_ != "call" or _called_on(verb, lo)):
        # the content stopped at the addressee and what went with it ("told *residents in a
        # radio address* last night to report ..."): what was said is the clause.  Not after
        # a plain "call" ("called Alicia Machado to express gratitude" is a purpose, "call
        # RT America whatever you want" a name)
        att.content = (clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge))
    else:
        return
    att.pieces = [att.content]
    att.kind = _kind(att.content, quotes)


def _called_on(verb: Token, addressee_start: int) -> bool:
    """Whether the addressee at ``addressee_start`` comes after "call on"/"call upon"."""
    return any(c.dep_ == "prep" and c.lower_ in ("on", "upon") and c.idx < addressee_start
               for c in verb.rights)


# --------------------------------------------------------------------------- learned

def _combine(doc: Doc, text: str, quotes: list[tuple[int, int]]) -> list[_Att]:
    """The learned tagger decides which cues are attributions.  Where the rules found the same
    cue with an overlapping content, whose boundaries win depends on the span rankers: with
    them (which were shown the rules' spans as a feature) the ranked source wins, and the
    ranked cue and content win where the rules' content is simple; without them the rules'
    boundaries do, since they encode PolNeAR's span conventions better than the token-wise
    search.  A content split around its cue or joined from several quotations stays the
    rules', with the rules' cue (measured on the hold-out).  Without a tagger the rules run
    alone."""
    rules = _find_attributions(doc, text, quotes)
    if not tagger.models():
        return rules
    learned, score = _tagged(doc, text, quotes, _hints(doc, rules))
    rankers = ranker.models()
    out = []
    for a in learned:
        r = next((r for r in rules if _overlap(a.cue, r.cue)), None)
        if r is None or not _overlap(a.content, r.content):
            # "..., witnesses told Wire.": who was told is not what was said
            if not _only_addressee(doc, a, quotes):
                out.append(a)
            elif r is not None and not _only_addressee(doc, r, quotes):
                out.append(r)
            continue
        same_source = "source" not in rankers and (
            _overlap(a.source, r.source) or (a.source is None and r.source is None))
        merged = _Att(cue=r.cue, content=r.content, pieces=r.pieces, kind=r.kind,
                      source=r.source if same_source else a.source,
                      source_token=r.source_token if same_source else a.source_token)
        # a headline colon ("Rubio: ...") keeps the rules' cue and content, and so does a
        # content split around its cue (measured: the rules' cue is then the better one too)
        if "content" in rankers and not r.sure and _simple(r) and not _overlap(a.content, r.cue):
            merged.content, merged.pieces, merged.kind = a.content, a.pieces, a.kind
            if "cue" in rankers:
                merged.cue = a.cue
        out.append(merged)
    # a rule's cue the tagger scored just under its threshold: two weak votes make a cue
    for r in rules:
        if any(_overlap(a.cue, r.cue) for a in learned):
            continue
        span = doc.char_span(*r.cue, alignment_mode="expand")
        if r.sure or (span is not None and len(span)
                      and float(score[span.start:span.end].max()) >= RULE_CONFIRM):
            out.append(r)
    return _distinct(doc, out)


def _only_addressee(doc: Doc, att: _Att, quotes: list[tuple[int, int]]) -> bool:
    found = _addressee(doc, att, quotes)
    return found is not None and found[0][0] <= att.content[0] and att.content[1] <= found[0][1]


def _distinct(doc: Doc, atts: list[_Att]) -> list[_Att]:
    """One attribution per content (the rules' when the tagger found a second cue for it, as
    in "al-Baghdadi last *month* called on ..."), and no cue that is only a date."""
    kept: dict[tuple[int, int], _Att] = {}
    for a in atts:
        span = doc.char_span(a.cue[0], a.cue[1], alignment_mode="expand")
        if span is not None and all(t.ent_type_ in ("DATE", "TIME") for t in span):
            continue
        other = kept.get(a.content)
        if other is None or (other.learned and not a.learned):
            kept[a.content] = a
    return list(kept.values())


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _simple(a: _Att) -> bool:
    """One piece of content, apart from its cue: the ranker may judge its boundaries."""
    return len(a.pieces) == 1 and not _overlap(a.content, a.cue)


def _hints(doc: Doc, rules: list[_Att]) -> list[tagger.Hint]:
    """The rules' spans as tokens, for the rankers; a content only when it is simple."""
    def tokens(span: tuple[int, int] | None) -> tuple[int, int] | None:
        found = doc.char_span(*span, alignment_mode="expand") if span else None
        return (found.start, found.end) if found is not None and len(found) else None

    out = []
    for r in rules:
        cue = tokens(r.cue)
        if cue is not None:
            out.append(tagger.Hint(cue=cue, source=tokens(r.source),
                                   content=tokens(r.content) if _simple(r) else None))
    return out


def _tagged(doc: Doc, text: str, quotes: list[tuple[int, int]],
            hints: list[tagger.Hint]) -> tuple[list[_Att], np.ndarray]:
    out = []
    found, score = tagger.tag(doc, quotes, hints)
    for f in found:
        content = _trim(doc, f.content[0], f.content[1] - 1, quotes)
        if content[1] - content[0] < 2:
            continue
        head = doc[f.head]
        cue_span = doc[f.cue[0]:f.cue[1]]
        cue = (cue_span.start_char, cue_span.end_char)
        # the cue ranker has drawn the cue's edges; without it, the rules' edges are added
        if head.pos_ == "VERB" and "cue" not in ranker.models():
            rule_cue = _cue_span(doc, head)
            cue = (min(cue[0], rule_cue[0]), max(cue[1], rule_cue[1]))
        source = src_tok = None
        if f.source is not None:
            src_tok = doc[f.source[0]:f.source[1]].root
            source = _apposition_comma(text, _trim(doc, f.source[0], f.source[1] - 1, quotes))
        out.append(_Att(cue=cue, content=content, source=source, pieces=[content],
                        kind=_kind(content, quotes), source_token=src_tok, learned=True))
    return out, score


# --------------------------------------------------------------------------- spans

def _trim(doc: Doc, left: int, right: int, quotes: list[tuple[int, int]]) -> tuple[int, int]:
    """Character span of tokens left..right (inclusive) without edge punctuation, widened to
    whole quotations it cuts into (a closing ’ the parser hung on the main verb)."""
    while left <= right and (doc[left].text in _SKIP_EDGE or doc[left].is_space):
        if doc[left].text == "(" and ")" in doc[left:right + 1].text:
            break
        left += 1
    while right >= left and (doc[right].text in _SKIP_EDGE or doc[right].is_space
                             or (doc[right].text in _QUOTE_CHARS
                                 and not _closes(doc[right], quotes))):
        if doc[right].text == ")" and "(" in doc[left:right].text:
            break
        right -= 1
    if left > right:
        return (0, 0)
    start, end = doc[left].idx, doc[right].idx + len(doc[right])
    for qs, qe in quotes:
        if qs < start < qe <= end + 3 and end >= qs:
            start = qs
        # a closing mark left outside, or a quotation running on past the clause's sentence
        if (start <= qs < end < qe and qe - end <= 3) or (qs == start and end < qe):
            end = qe
    return start, end


def _closes(tok: Token, quotes: list[tuple[int, int]]) -> bool:
    end = tok.idx + len(tok)
    return any(qe == end for _, qe in quotes)


def _subtree(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i


def _quote_at(quotes: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    for qs, qe in quotes:
        if qs <= start and end <= qe:
            return (qs, qe)
    return None


def _kind(span: tuple[int, int], quotes: list[tuple[int, int]]) -> str:
    if any(qs <= span[0] and span[1] <= qe for qs, qe in quotes):
        return "direct"
    if any(span[0] <= qs and qe <= span[1] for qs, qe in quotes):
        return "mixed"
    return "indirect"


# --------------------------------------------------------------------------- cues

def _rule_candidates(doc: Doc) -> list[int]:
    """Tokens a rule below may start from, read from attribute columns: building a ``Token``
    for every word of the article cost more than the rules themselves."""
    if not len(doc):
        return []
    cols = doc.to_array([LOWER, POS, DEP, ORTH]).astype(np.uint64).reshape(-1, 4)
    lower, pos, dep, orth = cols[:, 0], cols[:, 1], cols[:, 2], cols[:, 3]
    add = doc.vocab.strings.add
    noun_cues = np.asarray([add(w) for w in NOUN_CUES], dtype=np.uint64)
    keep = ((lower == add("according")) | ((lower == add("in")) & (dep == add("prep")))
            | (pos == VERB) | ((pos == NOUN) & np.isin(lower, noun_cues)) | (orth == add(":")))
    return np.flatnonzero(keep).tolist()


def _find_attributions(doc: Doc, text: str, quotes: list[tuple[int, int]]) -> list[_Att]:
    atts: list[_Att] = []
    for i in _rule_candidates(doc):
        tok = doc[i]
        att: _Att | None = None
        if (tok.lower_ == "according" and tok.i + 1 < len(doc)
                and doc[tok.i + 1].lower_ == "to") or (tok.lower_ == "in" and tok.dep_ == "prep"):
            att = _according_to(doc, text, tok, quotes)
        elif tok.pos_ == "VERB" and (tok.lemma_ in _EVIDENTIAL or _passive_raising(tok)):
            att = _evidential(doc, tok, quotes)
        elif tok.pos_ == "VERB":
            if tok.lemma_ not in _NOT_CUES and is_cue_verb(tok.lower_, tok.lemma_):
                att = _verb_cue(doc, text, tok, quotes)
                if att is not None and _vetoed(tok):
                    att = None
            if att is None:
                att = _learned_cue(doc, text, tok, quotes)
        elif tok.pos_ == "NOUN" and tok.lower_ in NOUN_CUES:
            att = _noun_cue(doc, tok, quotes)
        elif tok.text == ":" and 0 < tok.i - _line_start(doc, tok.i) <= 6:
            att = _speaker_colon(doc, tok, quotes)
        if att is not None and att.content[1] > att.content[0]:
            atts.append(att)
    # a learned cue whose content holds a rule-found cue is a frame around that attribution
    # ("His claims stand in contrast to Trump's assertion that ..."), and so is one
    # or that shares its content with one
    rules = [a for a in atts if not a.learned]
    return [a for a in atts if not a.learned or not any(
        (a.content[0] <= r.cue[0] and r.cue[1] <= a.content[1])
        or (a.content[0] < r.content[1] and r.content[0] < a.content[1]) for r in rules)]


def _passive_raising(verb: Token) -> bool:
    return (verb.lemma_ in _PASSIVE_RAISING
            and any(c.dep_ == "auxpass" for c in verb.children)
            and any(c.dep_ == "xcomp" for c in verb.children)
            and not any(c.dep_ == "agent" for c in verb.children))


def _evidential(doc: Doc, verb: Token, quotes: list[tuple[int, int]]) -> _Att | None:
    """"Trump is expected to win", "the race appears closer": PolNeAR marks the verb as a
    cue with no source, and the whole clause, subject included, as content."""
    if verb.lemma_ == "expect" and not any(c.dep_ == "auxpass" for c in verb.children):
        return None
    if not any(c.dep_ in ("xcomp", "acomp", "oprd", "attr") for c in verb.children):
        return None
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:
        return None
    cue = _cue_span(doc, verb)
    if _quote_at(quotes, *cue):
        return None
    left = subj.left_edge.i
    for i in range(subj.i - 1, left - 1, -1):
        if "\n" in doc[i].text:
            left = i + 1
            break
    content = _trim(doc, left, verb.right_edge.i, quotes)
    if content[1] - content[0] < 3:
        return None
    return _Att(cue=cue, content=content, source=None, pieces=[content],
                kind=_kind(content, quotes))


def _line_start(doc: Doc, i: int) -> int:
    while i > 0 and "\n" not in doc[i - 1].text:
        i -= 1
    return i


def _speaker_colon(doc: Doc, colon: Token, quotes: list[tuple[int, int]]) -> _Att | None:
    """A headline or transcript line "Rubio: I Still Believe ...": the name before the colon
    is the source and the colon the cue."""
    first = _line_start(doc, colon.i)
    if doc[first].text in _QUOTE_CHARS:
        first += 1
    name = doc[first:colon.i]
    if not len(name) or not name[0].is_title or not any(
            t.ent_type_ in ("PERSON", "ORG") or t.pos_ == "PROPN" for t in name) \
            or any(t.pos_ in ("VERB", "AUX") for t in name):
        return None
    last = colon.i + 1
    while last < len(doc) and "\n" not in doc[last].text:
        last += 1
    content = _trim(doc, colon.i + 1, last - 1, quotes)
    if content[1] - content[0] < 3:
        return None
    source = _trim(doc, first, colon.i - 1, quotes)
    return _Att(cue=(colon.idx, colon.idx + 1), content=content, source=source,
                pieces=[content], kind=_kind(content, quotes), source_token=name.root,
                sure=True)


def _subject(verb: Token) -> Token | None:
    tok = verb
    for _ in range(3):
        for child in tok.children:
            if child.dep_ in _SUBJ:
                return child
        # "said ... and said:", "..., saying": the subject is the governing verb's
        if tok.dep_ in ("conj", "xcomp", "advcl") and tok.head.pos_ in ("VERB", "AUX"):
            tok = tok.head
        else:
            return None
    return None


def _cue_span(doc: Doc, verb: Token) -> tuple[int, int]:
    """PolNeAR cues take the auxiliaries and "also" right before the verb ("has said",
    "also said") and a colon right after it ("said:")."""
    end = verb
    nxt = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
    if nxt is not None and (nxt.dep_ == "prt" or (
            verb.lemma_ == "call" and nxt.lower_ in ("on", "for", "upon"))):
        end = nxt
    end = _cue_tail(doc, verb, end)
    if end.i + 1 < len(doc) and doc[end.i + 1].text == ":":
        end = doc[end.i + 1]
    start = verb
    while start.i > 0:
        prev = doc[start.i - 1]
        # PolNeAR takes a manner adverb into the cue ("publicly said"); time adverbs stay
        # out, as the sample article's "previously warned" expects
        if prev.head.i == verb.i and (prev.dep_ in ("aux", "auxpass", "neg")
                                      or prev.lower_ == "also"
                                      or (prev.dep_ == "advmod" and prev.lower_ not in _WHEN)):
            start = prev
        else:
            break
    return start.idx, end.idx + len(end)


def _cue_tail(doc: Doc, verb: Token, end: Token) -> Token:
    """PolNeAR's cue runs on over a day and "in a statement" ("said Friday in an
    interview")."""
    while end.i + 1 < len(doc):
        nxt = doc[end.i + 1]
        # a short phrase only: "in a statement that ..." is content, not cue
        if nxt.head.i != verb.i or nxt.right_edge.i - nxt.i > 5 or any(
                t.pos_ in ("VERB", "AUX") for t in nxt.subtree):
            break
        when = nxt.dep_ in ("npadvmod", "advmod") and (
            nxt.ent_type_ in ("DATE", "TIME") or nxt.lower_ == "then")
        medium = nxt.dep_ == "prep" and nxt.lower_ == "in" and any(
            c.dep_ == "pobj" and c.lemma_ in _MEDIUM for c in nxt.children)
        if not (when or medium):
            break
        end = nxt.right_edge
    return end


def _source_span(doc: Doc, text: str, head: Token,
                 quotes: list[tuple[int, int]]) -> tuple[int, int]:
    """The subject phrase, kept inside its paragraph (a parse can run a dateline or the
    previous paragraph into it); PolNeAR keeps the comma closing an apposition."""
    left, right = _subtree(head)
    for i in range(head.i - 1, left - 1, -1):
        if "\n" in doc[i].text:
            left = i + 1
            break
    for i in range(head.i + 1, right + 1):
        if "\n" in doc[i].text:
            right = i - 1
            break
    return _apposition_comma(text, _trim(doc, left, right, quotes))


def _apposition_comma(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """PolNeAR keeps the comma closing an apposition in the source ("Jeffrey, the envoy,")."""
    start, end = span
    if "," in text[start:end] and text[end:end + 1] == ",":
        end += 1
    return start, end


def _verb_cue(doc: Doc, text: str, verb: Token, quotes: list[tuple[int, int]]) -> _Att | None:
    subj = _subject(verb)
    if subj is None:
        return None
    source = _source_span(doc, text, subj, quotes)
    cue = _cue_span(doc, verb)
    if _quote_at(quotes, *cue):
        return None  # a cue word inside someone's quotation is part of what they said
    content: tuple[int, int] | None = None
    comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if comp is None and verb.lemma_ in INFINITIVE_VERBS:
        comp = next((c for c in verb.children if c.dep_ in ("xcomp", "advcl")
                     and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children)), None)
    if comp is not None:
        content = _content_of(doc, verb, comp, quotes)
    if content is None:
        content = _adjacent_quote(text, verb, subj, quotes)
    parenthetical = False
    if content is None and verb.dep_ == "parataxis" and verb.lemma_ in CORE_VERBS:
        content = _parenthetical(doc, verb, subj, quotes)
        parenthetical = content is not None
    if content is None and is_stance_verb(verb.lower_, STANCE_THRESHOLD):
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is not None and obj.pos_ != "PRON":
            content = _with_adjuncts(doc, verb, obj, _trim(doc, *_subtree(obj), quotes), quotes)
    if content is not None and content[0] < cue[1] < content[1] and content[0] >= cue[0]:
        content = (_next_word(text, cue[1]), content[1])
    if content is None or content[1] - content[0] < 3:
        return None
    # "which an FBI report said was careless": the relative pronoun opens the content, whose
    # extent then holds source and cue
    relative = content[0] < source[0] and cue[1] <= content[1] and \
        text[content[0]:content[1]].split(" ", 1)[0].lower() in ("which", "that", "who", "what")
    if source[0] < content[1] and content[0] < source[1] and not (parenthetical or relative):
        return None
    return _Att(cue=cue, content=content, source=source, pieces=[content],
                kind=_kind(content, quotes), source_token=subj)


def _vetoed(verb: Token) -> bool:
    """The classifier overrules the lexicon where it is sure ("wants a wall", "showed")."""
    cand = classifier.candidate(verb, _subject(verb))
    return cand is not None and classifier.probability(cand) < VETO


def _learned_cue(doc: Doc, text: str, verb: Token,
                 quotes: list[tuple[int, int]]) -> _Att | None:
    """A verb the classifier takes for a cue ("backed the plan", "talking about trade")."""
    subj = _subject(verb)
    cand = classifier.candidate(verb, subj)
    if cand is None or subj is None or not classifier.accepts(cand):
        return None
    cue = _cue_span(doc, verb)
    if cand.prep is not None:
        cue = (cue[0], max(cue[1], cand.prep.idx + len(cand.prep)))
    if _quote_at(quotes, *cue):
        return None
    content = _content_of(doc, verb, cand.content, quotes)
    if cand.ctype == "dobj" or cand.ctype.startswith("prep"):
        content = _with_adjuncts(doc, verb, cand.content, content, quotes)
    if content[0] < cue[1] < content[1] and content[0] >= cue[0]:
        content = (_next_word(text, cue[1]), content[1])
    source = _source_span(doc, text, subj, quotes)
    if content[1] - content[0] < 3 or (source[0] < content[1] and content[0] < source[1]):
        return None
    return _Att(cue=cue, content=content, source=source, pieces=[content],
                kind=_kind(content, quotes), source_token=subj, learned=True)


def _next_word(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _parenthetical(doc: Doc, verb: Token, subj: Token,
                   quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """"The plan, a source said, is to ...": the content is the clause the cue interrupts,
    scored by its extent (cue and source inside it); "Trump won, he said" stops before."""
    head = verb.head
    lo, hi = _subtree(head)
    inner_lo = min(subj.left_edge.i, verb.i)
    inner_hi = max(subj.right_edge.i, verb.right_edge.i)
    if inner_lo <= lo:
        return None
    if inner_hi >= hi:
        hi = inner_lo - 1
    span = _trim(doc, lo, hi, quotes)
    return span if span[1] - span[0] >= 3 else None


def _content_of(doc: Doc, verb: Token, head: Token,
                quotes: list[tuple[int, int]]) -> tuple[int, int]:
    """The complement's phrase; the whole quotation when the phrase lies inside one (the
    parser hangs a quoted sentence's verb on the cue), and the phrase around it when it
    only starts or ends in one ("that “ethanol people” need ...")."""
    sub = _trim(doc, *_subtree(head), quotes)
    q = _quote_at(quotes, head.idx, head.idx + len(head))
    if q is not None and not (q[0] <= verb.idx < q[1]) and q[0] <= sub[0] + 1 \
            and sub[1] <= q[1] + 1:
        return _with_that(doc, verb, q)
    return sub


def _with_adjuncts(doc: Doc, verb: Token, head: Token, content: tuple[int, int],
                   quotes: list[tuple[int, int]]) -> tuple[int, int]:
    """A nominal content runs on over the verb's later modifiers ("showed them with heavy
    weapons"), not over a following clause."""
    right = head.right_edge.i
    for c in verb.rights:
        if c.i <= right:
            continue
        if c.dep_ not in ("prep", "advmod", "npadvmod", "dative", "oprd", "acomp") \
                or c.i != right + 1:
            break
        right = c.right_edge.i
    if right == head.right_edge.i:
        return content
    return (content[0], max(content[1], _trim(doc, head.left_edge.i, right, quotes)[1]))


def _with_that(doc: Doc, verb: Token, q: tuple[int, int]) -> tuple[int, int]:
    """PolNeAR starts content at "that" in "said that “...”"."""
    span = doc.char_span(q[0], q[1], alignment_mode="expand")
    if span is not None and span.start > verb.i + 1 and doc[span.start - 1].lower_ == "that":
        return (doc[span.start - 1].idx, q[1])
    return q


def _adjacent_quote(text: str, verb: Token, subj: Token,
                    quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """“...,” he said / he said: “...” with the quote unattached in the parse."""
    sent = verb.sent
    lo, hi = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
    lo, hi = min(lo, verb.idx), max(hi, verb.idx + len(verb))
    for qs, qe in quotes:
        if qe <= lo and qe >= sent.start_char - 1 and not text[qe:lo].strip(" ,\n\xa0"):
            return (qs, qe)
        if qs >= hi and qs <= sent.end_char + 1 and not text[hi:qs].strip(" ,:\n\xa0"):
            return (qs, qe)
    return None


def _according_to(doc: Doc, text: str, tok: Token,
                  quotes: list[tuple[int, int]]) -> _Att | None:
    """"according to X" and "in a poll by X": the rest of the sentence is the content."""
    to = doc[tok.i + 1] if tok.lower_ == "according" else tok
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None or (tok is to and (pobj.lemma_.lower() not in _SURVEYS
                                       or tok.head.pos_ not in ("VERB", "AUX"))):
        return None
    source = _source_span(doc, text, pobj, quotes)
    cue = (tok.idx, to.idx + len(to))
    if _quote_at(quotes, *cue):
        return None
    sent = tok.sent
    phrase_lo = min(tok.i, pobj.left_edge.i)
    phrase_hi = max(to.i, pobj.right_edge.i)
    before = _trim(doc, sent.start, phrase_lo - 1, quotes) if phrase_lo > sent.start else (0, 0)
    after = _trim(doc, phrase_hi + 1, sent.end - 1, quotes) if phrase_hi + 1 < sent.end else (0, 0)
    content = before if before[1] - before[0] >= after[1] - after[0] else after
    if content[1] - content[0] < 3:
        return None
    return _Att(cue=cue, content=content, source=source, pieces=[content],
                kind=_kind(content, quotes), source_token=pobj)


def _noun_cue(doc: Doc, noun: Token, quotes: list[tuple[int, int]]) -> _Att | None:
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    if poss is None:
        return None
    # the that-clause, skipping a time word: "Trump’s assertion today that ..."
    j = noun.i + 1
    while j < len(doc) and doc[j].ent_type_ in ("DATE", "TIME") and j - noun.i <= 3:
        j += 1
    if j >= len(doc) or doc[j].lower_ != "that" or doc[j].sent != noun.sent:
        return None
    that = doc[j]
    head = that.head
    # a misparsed that-clause (the parser made "that" a subject) runs to the sentence end
    right = head.right_edge.i if that.dep_ == "mark" and head.i > that.i else noun.sent.end - 1
    content = _trim(doc, that.i, right, quotes)
    cue = (noun.idx, noun.idx + len(noun))
    if content[1] - content[0] < 3 or _quote_at(quotes, *cue):
        return None
    left, last = _subtree(poss)
    source = _trim(doc, left, last, quotes)
    return _Att(cue=cue, content=content, source=source, pieces=[content],
                kind=_kind(content, quotes), source_token=poss)


def _after_headline(text: str, att: _Att) -> None:
    """The parser glues a headline onto the lede's first sentence ("Town retaken\n\nU.S.-
    backed forces retook ..."), and the lede's content took it in: a content opens after a
    blank line that ends a line with no sentence-final punctuation."""
    start, end = att.content
    if len(att.pieces) != 1:
        return
    cut = text.rfind("\n\n", start, min(end, att.cue[0]) if att.cue[0] > start else end)
    if cut < 0 or SENTENCE_END.search(text[start:cut]):
        return
    _start_at(text, att, cut)


def _after_dateline(text: str, att: _Att) -> None:
    """A lede's content opens after its dateline: "WASHINGTON, Oct 24 (Wire) - Only a few
    dozen prisoners escaped, an official said" claims nothing about Washington.  The parser
    often hangs the dateline on the lede's verb, so the content's subtree takes it in."""
    start, end = att.content
    if len(att.pieces) != 1 or (start > 0 and text[start - 1] != "\n"):
        return
    # sliced, since the pattern is anchored at the start of the string it is given
    found = DATELINE.match(text[start:end])
    if found is None:
        return
    dash = start + found.end() - 1
    # "U.S.-backed forces", "COVID-19 cases": a dash inside a word opens no dateline
    if not (text[dash - 1:dash].isspace() or text[dash - 1:dash] == ")") or \
            not text[dash + 1:dash + 2].isspace():
        return
    _start_at(text, att, start + found.end())


def _start_at(text: str, att: _Att, at: int) -> None:
    """A one-piece content starts at the first word from ``at``, if any is left of it."""
    after = _next_word(text, at)
    if after < att.content[1]:
        att.content = (after, att.content[1])
        att.pieces = [att.content]


def _source_without_date(doc: Doc, att: _Att) -> None:
    """"On Wednesday James Jeffrey, the envoy, told ...": with no comma after the day, the
    parser compounds it onto the name, and the subject's subtree starts at "Wednesday".  A
    source does not open with a date."""
    if att.source is None:
        return
    span = doc.char_span(*att.source, alignment_mode="expand")
    if span is None:
        return
    i = span.start
    while i < span.end and doc[i].ent_type_ in ("DATE", "TIME"):
        i += 1
    if span.start < i < span.end and doc[i].pos_ == "PROPN":
        att.source = (doc[i].idx, att.source[1])


# --------------------------------------------------------------------------- quotes

def _paragraph_of(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, (len(text) if end < 0 else end)


def _attach_quotes(text: str, quotes: list[tuple[int, int]], atts: list[_Att]) -> list[_Att]:
    """Merge follow-on quotations into their cue's record; give lone quoted paragraphs the
    previous quote's speaker."""
    def used(q: tuple[int, int]) -> bool:
        return any(p[0] <= q[0] < p[1] or q[0] <= p[0] < q[1]
                   for a in atts for p in [a.content, *a.pieces]) or any(
            q[0] <= a.cue[0] < q[1] for a in atts)

    atts.sort(key=lambda a: a.content[0])
    for q in quotes:
        if used(q) or len(text[q[0]:q[1]].split()) < 3:
            continue
        para = _paragraph_of(text, q[0])
        prev = [a for a in atts if a.content[1] <= q[0] and a.kind != "indirect"]
        if not prev:
            continue
        last = max(prev, key=lambda a: a.content[1])
        same_para = _paragraph_of(text, last.content[0]) == para or last.cue[0] >= para[0]
        if same_para:
            last.pieces.append(q)
            last.content = (last.content[0], q[1])
            last.kind = "direct" if last.kind == "direct" else last.kind
            continue
        # a lone quoted paragraph right after the speaker's last quote
        last_para_end = _paragraph_of(text, last.content[1] - 1)[1]
        if not text[last_para_end:para[0]].strip() and \
                text[para[0]:para[1]].strip() == text[q[0]:q[1]].strip():
            atts.append(_Att(cue=last.cue, content=q, source=last.source, pieces=[q],
                             kind="direct", source_token=last.source_token))
            atts.sort(key=lambda a: a.content[0])
    return atts
