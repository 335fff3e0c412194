"""A learned cue classifier for the verbs the rules leave alone.

PolNeAR annotates far more than speech: stance and intention verbs with a noun or infinitive
object ("backed the plan", "plans to run", "talking about trade").  Which verb-and-complement
pairs count is a matter of degree, so a logistic regression over parse features decides.  A
candidate is a verb with a source (its subject) and a content (clausal or infinitive
complement, direct object, or the object of a preposition right after it); the model gives
the chance that PolNeAR marks it as an attribution.  The weights are learned on the PolNeAR
train split by ``scripts/train_quote_cue_model.py`` and stored in ``cue_model.json``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.tokens import Token

from pressgraph.extract.quotes.lexicon import CORE_VERBS, learned_ratios

_SUBJ = ("nsubj", "nsubjpass", "csubj")
# Prepositions whose object PolNeAR takes as content, the preposition joining the cue
# ("talking about", "referring to", "called for").
PREPS = frozenset({"about", "on", "for", "to", "of", "with", "against", "over", "at"})
_QUOTES = frozenset("“”‘’\"«»")
_WHEN = ("DATE", "TIME")


@dataclass(frozen=True, slots=True)
class Candidate:
    verb: Token
    content: Token  # the head of the content phrase
    ctype: str
    subject: Token
    prep: Token | None = None


def candidate(verb: Token, subject: Token | None) -> Candidate | None:
    if subject is None:
        return None
    children = list(verb.children)
    for dep in ("ccomp", "xcomp", "dobj"):
        for c in children:
            if c.dep_ == dep and not (dep == "dobj" and (c.pos_ == "PRON"
                                                          or c.ent_type_ in _WHEN)):
                return Candidate(verb, c, dep, subject)
    for c in children:
        if c.dep_ == "prep" and c.lower_ in PREPS and c.i == verb.i + 1:
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None and pobj.pos_ != "PRON" and pobj.ent_type_ not in _WHEN:
                return Candidate(verb, pobj, "prep:" + c.lower_, subject, prep=c)
    return None


def _ratio_bin(lower: str) -> str:
    r = learned_ratios().get(lower)
    if r is None:
        return "none"
    return next(f"<{b}" for b in (0.3, 0.5, 0.7, 1.01) if r < b)


def features(cand: Candidate) -> list[str]:
    v, c, s = cand.verb, cand.content, cand.subject
    lemma = v.lemma_.lower()
    # the subtree walked once (spaCy walks it token by token, recursively)
    subtree = [t.text for t in c.subtree]
    content_quoted = any(t in _QUOTES for t in subtree)
    subj_kind = s.ent_type_ or s.pos_
    return [
        "bias",
        f"lemma={lemma}",
        f"lemma_ctype={lemma}|{cand.ctype}",
        f"ratio={_ratio_bin(v.lower_)}",
        f"ratio_ctype={_ratio_bin(v.lower_)}|{cand.ctype}",
        f"core={lemma in CORE_VERBS}",
        f"ctype={cand.ctype}",
        f"dep={v.dep_}",
        f"tag={v.tag_}",
        f"subj={subj_kind}",
        f"subj_dep={s.dep_}",
        f"content_pos={c.pos_}",
        f"quoted={content_quoted}",
        f"content_len={min(len(subtree) // 4, 5)}",
    ]


@cache
def _model() -> tuple[dict[str, float], float]:
    path = resources.files(__package__).joinpath("cue_model.json")
    if not path.is_file():
        return {}, 1.0
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["weights"], float(data["threshold"])


def probability(cand: Candidate) -> float:
    weights, _ = _model()
    z = sum(weights.get(f, 0.0) for f in features(cand))
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def accepts(cand: Candidate) -> bool:
    weights, threshold = _model()
    return bool(weights) and probability(cand) >= threshold
