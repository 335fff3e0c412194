"""Sentence-level PLOVER coding over the spaCy dependency parse.

Triggers come from a curated verb/noun lexicon (``lexicon.tsv``).  The parse decides the rest:
who acts (subject, agent, possessor), on whom (object, ``against``/``on``/``with`` phrases),
whether a trigger is only the *content* of a speech act ("called on his supporters to attack"
is a REQUEST, not an ASSAULT), and whether the event is asserted, negated, hypothetical or
future (negation, modals and conditionals on the clause chain above the trigger).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from pressgraph.extract.events.lexicon import Entry, contexts, lexicon, mode_cues
from pressgraph.nlp.columns import words as doc_words

# Verbs that only carry an event through their object noun ("launched an offensive",
# "imposed a curfew", "held talks"): the noun is the event, the verb's subject its actor.
LIGHT_VERBS = frozenset({
    "launch", "carry", "conduct", "mount", "issue", "hold", "stage", "declare", "impose",
    "announce", "begin", "start", "resume", "continue", "reach", "voice", "make", "wage",
    "lead", "open", "give", "express", "take", "file", "lodge", "intensify", "escalate",
    "order",  # "ordered patrols", "ordered an investigation": an authority's order enacts them
})
# Frames whose complement is planned, wanted or attempted, not (yet) done.
FUTURE_FRAMES = frozenset({
    "plan", "intend", "prepare", "aim", "hope", "expect", "decide", "want", "seek", "wish",
    "mean", "propose", "threaten", "vow", "promise", "pledge", "agree", "offer",
})
# "Tried to hack", "attempted to assassinate": the attempt is the act (manual, ASSAULT/targeted
# counts successful and attempted assassinations), so try/attempt is no future frame.
NEGATING_FRAMES = frozenset({"fail", "refuse", "decline", "avoid"})
# Nouns that put what depends on them in the realm of the possible ("fears of a breakout").
HYPOTHETICAL_NOUNS = frozenset({
    "fear", "risk", "threat", "possibility", "prospect", "danger", "chance", "likelihood",
    "plan", "warning", "concern", "worry",
})
CONDITIONAL_MARKS = frozenset({"if", "unless", "lest", "whether"})
HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "should", "can", "must"})
FUTURE_AUX = frozenset({"will", "shall", "'ll"})
NEGATORS = frozenset({"not", "n't", "never", "no"})
# Heads that stand for a count of what follows "of" ("tens of thousands of women").
QUANTITY_HEADS = frozenset({
    "ten", "tens", "hundred", "hundreds", "thousand", "thousands", "million", "millions",
    "dozen", "dozens", "number", "score", "scores", "group", "lot", "some", "many", "most",
    "all", "several", "more", "few",
})
PERSON_NOUNS = frozenset({
    "prisoner", "detainee", "militant", "fighter", "woman", "child", "people", "person",
    "civilian", "member", "suspect", "hostage", "man", "men", "refugee", "soldier", "activist",
    "journalist", "worker", "student", "protester", "demonstrator", "leader", "official",
    "supporter", "opponent", "rebel", "insurgent", "migrant", "citizen", "national",
    "dissident", "family", "captive", "inmate", "jihadist", "terrorist", "boy", "girl",
    "villager", "resident", "pilgrim", "worshipper", "passenger", "nurse", "doctor", "guard",
    "policeman", "tourist", "voter", "patient", "victim", "delegate", "diplomat", "envoy",
    "minister", "president", "commander", "general", "officer", "guerrilla", "gunman",
    "settler", "priest", "cleric", "judge", "lawyer", "employee", "staff", "crew", "youth",
    "peasant", "tribe", "clan", "observer", "inspector", "monitor", "peacekeeper", "advisor",
    "adviser", "agent", "spy", "parent", "farmer", "teacher", "sailor", "pilot",
})
# Plural nouns with these endings usually name people ("villagers", "militants", "guardsmen").
PERSON_SUFFIXES = ("er", "or", "ist", "ian", "ee", "man", "men", "ant", "ier")
NOT_PEOPLE = frozenset({
    "border", "order", "number", "center", "centre", "paper", "letter", "water", "matter",
    "corner", "quarter", "container", "shelter", "tanker", "computer", "power", "barrier",
    "disaster", "transfer", "grant", "plant", "restaurant", "chapter", "headquarter", "sector",
    "factor", "error", "door", "floor", "monitor", "reactor", "tractor", "vector", "corridor",
    "rumor", "rumour", "honor", "honour", "labor", "labour", "favor", "favour", "harbor",
})
FORCE_NOUNS = frozenset({
    "force", "troop", "soldier", "army", "military", "personnel", "unit", "contingent",
    "peacekeeper", "battalion", "brigade", "marine",
})
WITHDRAW_WORDS = frozenset({"out", "home", "back", "withdraw", "leave", "pull", "exit"})
RECIPIENT_PREPS = frozenset({"against", "on", "upon", "with", "to", "at", "into"})
VIOLENT = frozenset({"ASSAULT", "COERCE", "SANCTION", "THREATEN", "MOBILIZE"})


@dataclass(slots=True)
class Candidate:
    token: Token
    entry: Entry
    event_type: str
    mode: str | None
    score: float
    trigger: tuple[Token, ...]
    suppressed: bool = False
    content: list[Candidate] = field(default_factory=list)
    actor: tuple[Token, ...] = ()
    recipient: tuple[Token, ...] = ()
    factuality: str = "asserted"
    recipient_is_place: bool = False  # the place acted on: it stays the event's place too


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def match_entry(token: Token) -> tuple[Entry, tuple[Token, ...]] | None:
    """The lexicon entry a token triggers, with the trigger's tokens (head + particle)."""
    if token.dep_ in ("amod", "compound", "aux", "auxpass"):
        return None
    if token.pos_ == "VERB":
        pos = "VERB"
    elif token.pos_ in ("NOUN", "PROPN") and token.ent_type_ not in ("PERSON", "GPE", "ORG"):
        pos = "NOUN"
    else:
        return None
    entries = lexicon().get((pos, token.lemma_.lower())) or lexicon().get(
        (pos, token.lower_))
    if not entries:
        return None
    for entry in entries:
        if entry.extra is None:
            return entry, (token,)
        if pos == "VERB":
            for child in token.children:
                if child.dep_ in ("prt", "prep", "advmod") and child.lower_ == entry.extra:
                    if abs(child.i - token.i) == 1:
                        return entry, tuple(sorted((token, child), key=lambda t: t.i))
                    return entry, (token,)  # "called Thursday on": the verb is the trigger
        else:
            for child in token.lefts:
                if child.dep_ in ("amod", "compound") and child.lower_ == entry.extra:
                    return entry, (child, token)
    return None


def _of_head(token: Token) -> Token:
    """Follow "tens of thousands of women" to "women"."""
    seen = 0
    while token.lower_ in QUANTITY_HEADS and seen < 4:
        nxt = [p for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
               for p in c.children if p.dep_ == "pobj"]
        if not nxt:
            break
        token, seen = nxt[0], seen + 1
    return token


def is_person_like(token: Token) -> bool:
    token = _of_head(token)
    lemma = token.lemma_.lower()
    return (token.ent_type_ in ("PERSON", "NORP") or lemma in PERSON_NOUNS
            or token.pos_ == "PRON" or (token.tag_ == "NNS" and lemma.endswith(PERSON_SUFFIXES)
                                        and lemma not in NOT_PEOPLE))


def phrase(head: Token) -> tuple[Token, ...]:
    """The words naming an actor: the head's phrase without counts, clauses and asides."""
    drop_deps = {"relcl", "acl", "appos", "advcl", "punct", "nummod", "quantmod", "predet",
                 "preconj", "prep", "det", "cc", "case"}
    keep: set[int] = set()

    def walk(tok: Token, top: bool) -> None:
        keep.add(tok.i)
        for child in tok.children:
            counted = child.dep_ == "prep" and child.lower_ == "of" and tok.lower_ in QUANTITY_HEADS
            if counted or (child.dep_ == "pobj" and tok.dep_ == "prep"):
                walk(child, False)
            elif child.dep_ == "conj" and top:
                walk(child, True)
            elif child.dep_ == "cc" and top and any(c.dep_ == "conj" for c in tok.children):
                keep.add(child.i)
            elif child.dep_ == "det":
                keep.add(child.i)  # kept inside the phrase, trimmed at its start below
            elif child.dep_ == "punct" and child.lower_ in ("-",):
                keep.add(child.i)
            elif child.dep_ not in drop_deps:
                walk(child, False)

    walk(head, True)
    # Keep the contiguous run around the head so dropped material never sneaks back in.
    lo = hi = head.i
    while lo - 1 in keep:
        lo -= 1
    while hi + 1 in keep:
        hi += 1
    doc = head.doc
    toks = [doc[i] for i in range(lo, hi + 1)]
    while toks and toks[-1].is_punct:
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].dep_ in ("cc", "preconj")
                    or toks[0].lower_ in ("the", "a", "an", "both", "either", "neither")):
        toks.pop(0)
    return tuple(toks) or (head,)


def _subject(verb: Token) -> tuple[Token | None, Token | None]:
    """(actor head, passive-subject head) for a verb, inheriting through xcomp/conj."""
    tok = verb
    for _ in range(4):
        subj = _children(tok, "nsubj", "csubj", "expl")
        passive = _children(tok, "nsubjpass")
        agent = [p for a in _children(tok, "agent") for p in a.children if p.dep_ == "pobj"]
        if passive:
            if tok.i != verb.i:  # "camps are believed to be holding X": camps hold
                return passive[0], None
            return (agent[0] if agent else None), passive[0]
        if subj:
            head = subj[0]
            if head.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
                head = tok.head
            return head, None
        if tok.dep_ == "relcl":
            return tok.head, None
        if tok.dep_ == "acl":  # "ISIS prisoners held by the SDF"
            return (agent[0] if agent else None), tok.head
        if tok.dep_ in ("xcomp", "conj", "advcl") and tok.head.pos_ in ("VERB", "AUX"):
            if tok.dep_ == "xcomp":
                # object control: "called on his supporters to attack" -> the supporters act
                objs = _children(tok.head, "dobj")
                objs += [p for c in tok.head.children if c.dep_ in ("prep", "prt")
                         for p in c.children if p.dep_ == "pobj"]
                if objs:
                    return objs[0], None
            tok = tok.head
            continue
        break
    return None, None


GROUP_NOUNS = frozenset({
    "party", "group", "union", "community", "council", "nation", "country", "people",
    "faction", "movement", "organization", "organisation", "agency", "delegation", "bloc",
    "alliance", "coalition", "leadership", "state", "city", "province", "region", "camp",
})
RECIPIENT_PREPS_ALL = RECIPIENT_PREPS | {"from", "toward", "towards", "over", "by", "of"}


def is_actorish(tok: Token) -> bool:
    """Whether a word can name a PLOVER entity (person, group, organisation, state)."""
    tok = _of_head(tok)
    if tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"):
        return True
    if tok.pos_ == "PRON":
        return tok.lower_ not in ("it", "this", "that", "which", "what")
    lemma = tok.lemma_.lower()
    if lemma in PERSON_NOUNS or lemma in STATE_WORDS or lemma in GROUP_NOUNS:
        return True
    return (tok.tag_ == "NNS" and lemma.endswith(PERSON_SUFFIXES) and lemma not in NOT_PEOPLE)


def _pobjs(token: Token, preps: frozenset[str]) -> list[Token]:
    return [p for c in token.children if c.dep_ in ("prep", "prt", "dative")
            and c.lower_ in preps for p in c.children if p.dep_ == "pobj"]


def _recipient(verb: Token, passive_subject: Token | None, entry: Entry) -> Token | None:
    """The entity an act is directed at: never a thing ("the plans", "a truce")."""
    if passive_subject is not None and is_actorish(passive_subject):
        return passive_subject
    options: list[Token] = _children(verb, "dative")
    options += _pobjs(verb, RECIPIENT_PREPS)
    # "withdraw its troops": what the actor owns is not what it acts on
    options += [o for o in _children(verb, "dobj") if not any(
        c.dep_ == "poss" and c.pos_ == "PRON" for c in o.children)]
    for comp in _children(verb, "ccomp", "xcomp"):
        options += _children(comp, "nsubj", "nsubjpass")
    for obj in _children(verb, "dobj", "nsubjpass"):
        # a possessive pronoun ("its troops") mostly points back at the actor
        options += [p for p in _children(obj, "poss") if p.pos_ != "PRON"]
        options += _pobjs(obj, RECIPIENT_PREPS_ALL)
    for tok in options:
        if tok.pos_ in ("NOUN", "PROPN", "PRON") and is_actorish(tok):
            return tok
    return None


def noun_roles(noun: Token) -> tuple[Token | None, Token | None]:
    """(actor, recipient) of a noun trigger: "Turkey's invasion of Syria", "talks with X"."""
    actor: Token | None = None
    recipient: Token | None = None
    for child in noun.children:
        if child.dep_ == "poss" or (child.dep_ in ("amod", "compound")
                                    and child.ent_type_ in ("NORP", "GPE", "ORG")):
            actor = actor or child
        elif child.dep_ == "prep":
            pobj = _children(child, "pobj")
            if not pobj:
                continue
            if child.lower_ == "by" or child.lower_ == "between":
                actor = pobj[0]
            elif child.lower_ in ("of", "against", "on", "with", "to", "from") and (
                    recipient is None and is_actorish(pobj[0])):
                recipient = pobj[0]
    if actor is None and noun.dep_ in ("dobj", "attr") and noun.head.pos_ in ("VERB", "AUX"):
        donor, _ = _subject(noun.head)
        actor = donor
    return actor, recipient


def factuality(token: Token) -> str:
    """asserted | negated | hypothetical | future, from the clause chain above the trigger."""
    negated = hypothetical = future = False
    if any(c.dep_ == "det" and c.lower_ == "no" for c in token.children):
        negated = True
    tok = token
    inherit_neg = True
    for _ in range(8):
        kids = list(tok.children)
        if inherit_neg and any(c.dep_ == "neg" or (c.lower_ in NEGATORS and c.dep_ in (
                "neg", "advmod")) for c in kids):
            negated = True
        for c in kids:
            low = c.lower_
            if c.dep_ in ("aux", "auxpass"):
                if low in FUTURE_AUX or (low == "going" and tok.tag_ == "VB"):
                    future = True
                elif low in HYPOTHETICAL_AUX:
                    hypothetical = True
            elif c.dep_ == "mark" and low in CONDITIONAL_MARKS:
                hypothetical = True
        head = tok.head
        if head.i == tok.i:
            break
        if tok.dep_ in ("xcomp", "acomp") and tok.pos_ in ("VERB", "ADJ", "AUX"):
            if head.lemma_.lower() in FUTURE_FRAMES:
                future = True
            if head.lemma_.lower() in NEGATING_FRAMES:
                negated = True
        if head.pos_ == "NOUN" and head.lemma_.lower() in HYPOTHETICAL_NOUNS and tok.i > head.i:
            hypothetical = True
        if tok.dep_ == "ccomp" or (tok.dep_ == "conj" and _children(tok, "nsubj", "nsubjpass")):
            break  # reported speech or a new clause: modality above it is the speaker's
        if tok.dep_ == "advcl" and _children(tok, "mark", "nsubj", "nsubjpass"):
            inherit_neg = False  # "... once Turkey invaded": its own clause
        tok = head
    if hypothetical:
        # "would not be able to" is a negated possibility; a conditional trumps negation.
        if negated and not _has_conditional(token):
            return "negated"
        return "hypothetical"
    if negated:
        return "negated"
    if future:
        return "future"
    return "asserted"


def _has_conditional(token: Token) -> bool:
    tok = token
    for _ in range(8):
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in tok.children):
            return True
        if tok.head.i == tok.i or tok.dep_ == "ccomp":
            return False
        tok = tok.head
    return False


def _depth(token: Token) -> int:
    depth, tok = 0, token
    while tok.head.i != tok.i and depth < 30:
        tok, depth = tok.head, depth + 1
    return depth


def _content_heads(verb: Token) -> list[Token]:
    heads = _children(verb, "xcomp", "ccomp")
    heads += [c for c in _children(verb, "advcl")
              if any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
    for child in verb.children:  # "called on his supporters to attack": xcomp under the pobj
        if child.dep_ in ("prep", "prt", "dobj"):
            for grand in child.subtree:
                if grand.dep_ in ("xcomp", "ccomp") and grand.i != verb.i:
                    heads.append(grand)
    return heads


def _subtree_ids(tokens: Iterable[Token]) -> set[int]:
    return {t.i for head in tokens for t in head.subtree}


@functools.cache
def _lexicon_heads() -> frozenset[str]:
    return frozenset(lemma for _, lemma in lexicon())


def code_sentence(sent: Span) -> list[Candidate]:
    """All candidate events in one sentence, frames resolved, content marked suppressed."""
    found: dict[int, Candidate] = {}
    doc = sent.doc
    cols = doc_words(doc)
    lemmas, lowers, triggers = cols.lemma_lower, cols.lower, _lexicon_heads()
    # only a word whose lemma or form heads a lexicon entry can trigger: the rest are not
    # built as tokens at all
    for i in range(sent.start, sent.end):
        if lemmas[i] not in triggers and lowers[i] not in triggers:
            continue
        token = doc[i]
        if token.ent_type_ in ("DATE", "TIME"):
            continue  # "March 02, 2008" is a date, not a march
        match = match_entry(token)
        if match is None:
            continue
        entry, trigger = match
        if "person" in entry.flags:
            patient = (_children(token, "dobj") + _children(token, "nsubjpass")
                       + ([token.head] if token.dep_ == "acl" else []))
            if not patient or not is_person_like(patient[0]):
                continue
        if "military" in entry.flags and not _military(token):
            continue
        score = entry.weight * (0.85 ** _depth(token)) + (0.15 if entry.pos == "VERB" else 0.0)
        found[token.i] = Candidate(token, entry, entry.event_type, entry.mode, score, trigger)

    # Light verbs yield to an object noun that is itself a trigger.
    for cand in list(found.values()):
        tok = cand.token
        if cand.entry.pos == "VERB" and ("light" in cand.entry.flags
                                         or tok.lemma_.lower() in LIGHT_VERBS):
            objs = [o for o in _children(tok, "dobj", "attr") if o.i in found]
            if objs and found[objs[0].i].entry.pos == "NOUN":
                noun = found[objs[0].i]
                noun.score = max(noun.score, cand.score)
                del found[tok.i]
            elif "light" in cand.entry.flags and cand.entry.event_type == "PROTEST":
                del found[tok.i]

    # Frames: the complement is the act's content, not an event of its own.
    for cand in sorted(found.values(), key=lambda c: _depth(c.token)):
        if cand.suppressed or "frame" not in cand.entry.flags:
            continue
        heads = _content_heads(cand.token)
        inner = [found[i] for i in sorted(_subtree_ids(heads)) if i in found and i != cand.token.i]
        _resolve_frame(cand, inner)
        if cand.event_type == "":
            del found[cand.token.i]
            continue
        for other in inner:
            other.suppressed = True
            cand.content.append(other)
        cand.content.sort(key=lambda c: _depth(c.token))

    _drop_eased(found)
    _drop_protest_topics(found)
    for cand in found.values():
        _fill_roles(cand)
        cand.factuality = factuality(cand.token)
        _object_dependent(cand)
        _fold_modality(cand)
        _refine_mode(cand)
    return sorted(found.values(), key=lambda c: c.token.i)


STATE_WORDS = frozenset({
    "police", "army", "troop", "soldier", "force", "government", "authority", "military",
    "ministry", "regime", "security", "court", "official", "administration", "navy",
})
COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID"})
COERCIVE_FUTURE = frozenset({"ASSAULT", "COERCE", "SANCTION", "PROTEST"})
EASED_RESTRICTIONS = frozenset({"blockade", "siege", "sanction", "embargo"})
DEMAND_NOUNS = frozenset({"demand", "request", "condition", "call", "ultimatum"})


def _is_state(tokens: tuple[Token, ...]) -> bool:
    return any(t.lemma_.lower() in STATE_WORDS or t.ent_type_ == "GPE" for t in tokens)


def _object_dependent(cand: Candidate) -> None:
    """Types the lexicon cannot fix alone: they depend on who acts or on what."""
    for flag in cand.entry.flags:
        if flag.startswith("state=") and _is_state(cand.actor):
            etype, _, mode = flag.removeprefix("state=").partition("/")
            cand.event_type, cand.mode = etype, mode or None
    lemma = cand.token.lemma_.lower()
    objs = [o.lemma_.lower() for o in _children(cand.token, "dobj", "nsubjpass")]
    if lemma in ("lift", "ease", "end") and set(objs) & EASED_RESTRICTIONS:
        cand.event_type, cand.mode = "RETREAT", "withdraw"  # CAMEO 085/0872: easing in force
    if lemma == "accept" and set(objs) & DEMAND_NOUNS:
        cand.event_type = "CONCEDE"  # CAMEO 083: accede to demands


KILL_VERBS = frozenset({"kill", "assassinate", "murder", "execute", "slay", "behead", "shoot"})
# Victims whose killing is a targeted one (manual, ASSAULT/targeted: assassinations).
LEADER_NOUNS = frozenset({
    "leader", "chief", "commander", "minister", "president", "premier", "governor", "mayor",
    "general", "head", "official", "politician", "judge", "lawmaker", "deputy", "ambassador",
    "chairman", "mp", "senator", "prosecutor",
})


def _mode_scope(token: Token) -> set[str]:
    """Lemmas that describe how the act was done: its own phrase, not clauses it embeds."""
    skip: set[int] = set()
    for tok in token.subtree:
        if tok.i != token.i and (tok.dep_ in ("ccomp", "relcl") or (
                tok.dep_ == "advcl" and _children(tok, "mark"))):
            skip |= {t.i for t in tok.subtree}
    lemmas = {t.lemma_.lower() for t in token.subtree if t.i not in skip}
    lemmas |= {t.lower_ for t in token.subtree if t.i not in skip}
    if token.dep_ in ("dobj", "pobj") and token.head.pos_ in ("VERB", "ADP"):
        verb = token.head if token.head.pos_ == "VERB" else token.head.head
        for subj in _children(verb, "nsubj"):  # "Israeli tanks fired shells": the subject's arms
            lemmas |= {t.lemma_.lower() for t in subj.subtree}
    return lemmas


def _targeted(cand: Candidate) -> bool:
    if cand.token.lemma_.lower() not in KILL_VERBS:
        return False
    for obj in _children(cand.token, "dobj", "nsubjpass"):
        obj = _of_head(obj)
        if obj.ent_type_ == "PERSON" or obj.lemma_.lower() in LEADER_NOUNS:
            return True
    return False


def _refine_mode(cand: Candidate) -> None:
    """Modes the trigger alone cannot give: the instrument, target or topic named around it."""
    if cand.event_type == "ASSAULT" and (cand.mode is None or cand.mode in {
            "firearms", "heavy-weapons", "explosives", "aerial", "drone"}) and _targeted(cand):
        cand.mode = "targeted"
        return
    cues = mode_cues().get(cand.event_type)
    if not cues:
        return
    scope = _mode_scope(cand.token)
    for cue in cues:
        if cand.mode is not None and cand.mode not in cue.replaces:
            continue
        if scope & cue.words or any(a in scope and b in scope for a, b in cue.pairs):
            cand.mode = cue.mode
            return


def _fold_modality(cand: Candidate) -> None:
    """PLOVER codes intent as its own category, never category + auxiliary mode.

    Future cooperation is AGREE, a future retreat CONCEDE (manual, AGREE and RETREAT), and an
    announced use of force or restriction THREATEN; refusing to cooperate is REJECT.  Only a
    modality of the event's own clause counts: an event inside a condition ("if they are
    forced") or a time clause ("once Turkey invaded") stays what it is, marked hypothetical.
    """
    if cand.factuality == "asserted" or _has_conditional(cand.token) or _under_clause(
            cand.token):
        return
    if cand.factuality == "hypothetical" and not _intent(cand.token):
        return  # "could attack": a possibility the reporter weighs, nobody's announced intent
    etype = cand.event_type
    folded: str | None = None
    if cand.factuality == "negated":
        if etype in COOPERATIVE | {"AGREE"} and cand.entry.pos == "VERB":
            folded = "REJECT"
    elif etype in COOPERATIVE:
        folded = "AGREE"
    elif etype == "RETREAT" and "escape" not in cand.entry.flags:
        folded = "CONCEDE"
    elif etype in COERCIVE_FUTURE and cand.entry.pos == "VERB":
        cand.mode = _threat_mode(cand)
        folded = "THREATEN"
    if folded:
        cand.event_type = folded
        cand.factuality = "asserted"  # the promise, threat or refusal is what happened


INTENT_AUX = frozenset({"will", "would", "shall", "'ll", "'d"})


def _intent(token: Token) -> bool:
    """Whether the clause chain above a trigger announces an intention (will/would/plan to)."""
    tok = token
    for _ in range(8):
        if any(c.dep_ == "aux" and c.lower_ in INTENT_AUX for c in tok.children):
            return True
        if tok.head.i == tok.i or tok.dep_ in ("ccomp", "advcl"):
            return False
        if tok.dep_ in ("xcomp", "acomp") and tok.head.lemma_.lower() in FUTURE_FRAMES:
            return True
        tok = tok.head
    return False


def _under_clause(token: Token) -> bool:
    tok = token
    for _ in range(8):
        if tok.dep_ == "advcl" and _children(tok, "mark", "nsubj", "nsubjpass"):
            return True
        if tok.head.i == tok.i or tok.dep_ == "ccomp":
            return False
        tok = tok.head
    return False


EASE_VERBS = frozenset({"lift", "ease", "relax", "shorten", "loosen", "end", "rescind", "revoke"})
RESTRICTIONS = frozenset({
    "curfew", "ban", "restriction", "emergency", "law", "blockade", "siege", "sanction",
    "embargo", "closure", "limit", "control",
})


def _drop_eased(found: dict[int, Candidate]) -> None:
    """"Shortened the curfew imposed after the coup": the restriction is what is eased, not
    a new coercion (manual, CONCEDE: lifting a curfew is a concession)."""
    for cand in list(found.values()):
        if cand.token.lemma_.lower() not in EASE_VERBS:
            continue
        objs = [o for o in _children(cand.token, "dobj", "nsubjpass")
                if o.lemma_.lower() in RESTRICTIONS]
        for inner in _subtree_ids(objs):
            if inner in found and inner != cand.token.i:
                found[inner].suppressed = True


def _drop_protest_topics(found: dict[int, Candidate]) -> None:
    """The demand a protest makes is its topic, not a separate event (manual, PROTEST)."""
    protests = [c for c in found.values() if c.event_type == "PROTEST"]
    if not protests:
        return
    for cand in list(found.values()):
        if cand.event_type != "REQUEST":
            continue
        tok = cand.token
        purpose = tok.dep_ in ("advcl", "xcomp") and any(
            a.dep_ == "aux" and a.lower_ == "to" for a in tok.children)
        in_np = tok.pos_ == "NOUN" and any(p.token.i in {a.i for a in tok.ancestors}
                                           for p in protests)
        if (purpose and any(p.token.i == tok.head.i or p.token.head.i == tok.head.i
                            for p in protests)) or in_np:
            cand.suppressed = True


def _military(token: Token) -> bool:
    sent_lemmas = {t.lemma_.lower() for t in token.sent}
    return bool(sent_lemmas & (FORCE_NOUNS | {"invasion", "offensive", "attack", "war", "rebel",
                                              "militant", "fighter", "border"})) or any(
        c.ent_type_ in ("GPE", "NORP") for c in token.children)


def _resolve_frame(cand: Candidate, inner: list[Candidate]) -> None:
    verb = cand.token
    lemma = verb.lemma_.lower()
    main = [c for c in inner if not _via_advcl(c.token, verb)]
    types = [c.event_type for c in main] or [c.event_type for c in inner]
    first = main[0] if main else None
    if lemma == "order" and _orders_out(verb, inner):
        cand.event_type, cand.mode = "RETREAT", "withdraw"
        return
    if lemma == "order" and first is not None and first.token.lemma_.lower() in CLOSING_VERBS:
        # "ordered the newspaper to suspend publication": an imposed restriction (COERCE)
        cand.event_type, cand.mode = "COERCE", "restrict"
        return
    if lemma == "warn":
        # A warning is a threat only when it announces harm the warner could do.
        ok = first is not None and first.event_type in VIOLENT and factuality(
            first.token) != "negated"
        ok = ok or (any(c.dep_ == "prep" and c.lower_ == "of" for c in verb.children) and any(
            c.event_type in VIOLENT for c in inner))
        if not ok:
            cand.event_type = ""
            return
    if lemma in ("vow", "swear"):
        cand.event_type = "THREATEN" if types and types[0] in VIOLENT else "AGREE"
    if cand.event_type == "THREATEN" and first is not None:
        cand.mode = _threat_mode(first)
    elif cand.event_type in ("REQUEST", "REJECT") and first is not None:
        cand.mode = {
            "RETREAT": "yield", "CONCEDE": "yield", "CONSULT": "meet", "AGREE": "meet",
            "AID": "assist", "COOPERATE": "assist", "SUPPORT": "assist",
        }.get(first.event_type, cand.mode)


CLOSING_VERBS = frozenset({"suspend", "close", "shut", "stop", "halt", "cease", "disband",
                           "dissolve"})


def _via_advcl(token: Token, frame: Token) -> bool:
    """Whether token hangs off the frame's content through an adverbial clause ("once ...")."""
    tok = token
    while tok.head.i != tok.i and tok.head.i != frame.i:
        if tok.dep_ == "advcl" and _children(tok, "mark", "nsubj", "nsubjpass"):
            return True
        tok = tok.head
    return False


def _threat_mode(content: Candidate) -> str | None:
    if content.event_type == "ASSAULT":
        return "violence"
    if content.event_type == "SANCTION":
        return "relations"
    if content.event_type == "COERCE":
        return {"arrest": "arrest", "ban": "restrict", "curfew": "restrict",
                "martial-law": "restrict", "seize": "territory"}.get(content.mode or "", "restrict")
    if content.event_type == "PROTEST":
        return "restrict"
    return None


def _orders_out(verb: Token, inner: list[Candidate]) -> bool:
    objs = _children(verb, "dobj")
    forces = bool(objs) and objs[0].lemma_.lower() in FORCE_NOUNS
    words = {t.lower_ for t in verb.subtree if t.dep_ not in ("ccomp",)}
    return (forces and bool(words & WITHDRAW_WORDS)) or any(
        c.event_type == "RETREAT" and c.mode == "withdraw" for c in inner)


def _fill_roles(cand: Candidate) -> None:
    tok = cand.token
    actor: Token | None
    recipient: Token | None
    if cand.entry.pos == "VERB":
        actor, passive = _subject(tok)
        if cand.event_type == "RETREAT" and cand.token.lemma_.lower() == "order":
            recipient = None
        else:
            recipient = _recipient(tok, passive, cand.entry)
        if "escape" in cand.entry.flags and passive is None:
            recipient = None
    else:
        actor, recipient = noun_roles(tok)
    if actor is not None and actor.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "ADJ"):
        cand.actor = phrase(actor)
    if recipient is not None and recipient.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
        cand.recipient = phrase(recipient)
    no_target = "escape" in cand.entry.flags or (
        cand.event_type == "RETREAT" and tok.lemma_.lower() == "order")
    if not cand.recipient and not no_target:
        fallback = _fallback_recipient(cand)
        if fallback is not None:
            cand.recipient = phrase(fallback)
            cand.recipient_is_place = fallback.dep_ == "pobj"
    if not cand.recipient and cand.content:
        # "threatened to cut off electricity to Nakhichevan": the content's target is the act's
        inner = cand.content[0]
        if not inner.recipient:
            _fill_roles(inner)
        cand.recipient = inner.recipient


NAMED = ("PERSON", "NORP", "GPE", "ORG")
PLACE_PREPS = frozenset({"from", "to", "in", "into", "on", "at", "against", "with", "toward",
                         "towards", "inside"})
# Types whose target can be a place (the town attacked, the country withdrawn from or aided);
# a meeting's or a protest's place is only where it happened.
PLACE_TARGETS = frozenset({"RETREAT", "AID", "MOBILIZE", "ASSAULT", "COERCE", "SUPPORT",
                           "THREATEN", "SANCTION", "CONCEDE", "COOPERATE", "AGREE"})


def _fallback_recipient(cand: Candidate) -> Token | None:
    """When no entity is acted on directly: whose proposal is rejected ("an Indian proposal"),
    who gets what a light verb gives ("gave the Ivory Coast aid"), or the place acted on."""
    tok = cand.token
    holders = [tok]
    if cand.entry.pos == "NOUN" and tok.dep_ in ("dobj", "attr") and tok.head.pos_ == "VERB":
        holders.append(tok.head)  # the light verb: its dative and its phrases
    actor_ids = {t.i for t in cand.actor}
    objs = [o for h in holders for o in _children(h, "dobj", "nsubjpass", "dative")]
    if cand.entry.pos == "VERB":
        for obj in objs:
            for mod in obj.children:
                if mod.i not in actor_ids and ((mod.dep_ == "poss" and mod.pos_ == "PROPN") or (
                        mod.dep_ in ("amod", "compound", "poss") and mod.ent_type_ in NAMED)):
                    return mod
    for h in holders:
        for d in _children(h, "dative"):
            if d.ent_type_ in NAMED and d.i not in actor_ids:
                return d
    if cand.event_type not in PLACE_TARGETS:
        return None
    for h in holders + objs:
        for place in _pobjs(h, PLACE_PREPS):
            if place.ent_type_ in ("GPE", "LOC") and place.i not in actor_ids:
                return place
    return None


def sentence_contexts(sent: Span, text: str | None = None) -> tuple[str, ...]:
    """``text`` is the document's text when the caller has it (``Span.text`` rebuilds it)."""
    cols = doc_words(sent.doc, text)
    found = set(cols.lemma_lower[sent.start:sent.end]) | set(cols.lower[sent.start:sent.end])
    low = cols.text[sent.start_char:sent.end_char].lower()
    if "islamic state" in low:
        found.add("islamic_state")
    return tuple(name for name, cues in contexts() if found & cues)[:3]


def acled_type(cand: Candidate) -> tuple[str | None, str | None]:
    """ACLED event type and sub-event type (field-reference.md names) for a coded event."""
    etype, mode, flags = cand.event_type, cand.mode, cand.entry.flags
    if "escape" in flags:
        return "Strategic developments", "Other"
    if etype == "ASSAULT":
        if "campaign" in flags:
            return "Strategic developments", "Other"
        return {
            "aerial": ("Explosions/Remote violence", "Air/drone strike"),
            "drone": ("Explosions/Remote violence", "Air/drone strike"),
            "heavy-weapons": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
            "explosives": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
            "suicide-attack": ("Explosions/Remote violence", "Suicide bomb"),
            "unconventional": ("Explosions/Remote violence", "Chemical weapon"),
            "abduct": ("Violence against civilians", "Abduction/forced disappearance"),
            "sexual": ("Violence against civilians", "Sexual violence"),
            "targeted": ("Violence against civilians", "Attack"),
            "torture": ("Violence against civilians", "Attack"),
            "beat": ("Violence against civilians", "Attack"),
            "destroy": ("Strategic developments", "Looting/property destruction"),
        }.get(mode or "", ("Battles", "Armed clash"))
    if etype == "PROTEST":
        if mode == "riot":
            return "Riots", "Violent demonstration"
        return "Protests", "Peaceful protest"
    if etype == "COERCE":
        if mode == "arrest":
            return "Strategic developments", "Arrests"
        if mode == "seize":
            return "Strategic developments", "Looting/property destruction"
        return "Strategic developments", "Other"
    if etype == "AGREE" and cand.entry.pos == "NOUN":
        return "Strategic developments", "Agreement"
    if etype == "RETREAT":
        if mode == "ceasefire":
            return "Strategic developments", "Agreement"
        if mode == "withdraw":
            return "Strategic developments", "Change to group/activity"
        return "Strategic developments", "Other"
    if etype == "MOBILIZE":
        return "Strategic developments", "Change to group/activity"
    return None, None
