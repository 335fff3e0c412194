"""Cue lexicons, loaded once from the package's data files."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

# Verbs the field always treats as speech/thought cues, whatever the train split counts say.
CORE_VERBS = frozenset({
    "say", "tell", "add", "write", "warn", "estimate", "claim", "assert", "insist", "argue",
    "explain", "note", "state", "declare", "announce", "report", "reply", "respond", "tweet",
    "predict", "believe", "think", "suggest", "acknowledge", "admit", "deny", "confirm",
    "caution", "urge", "ask", "call", "stress", "testify", "complain", "contend", "maintain",
    "allege", "concede", "recall", "reveal", "vow", "promise", "pledge", "threaten", "agree",
    "emphasize", "fear", "hope", "doubt", "conclude", "remark", "observe", "continue",
})

# Verbs whose content is a to-infinitive ("called on supporters to attack", "urged X to ...").
INFINITIVE_VERBS = frozenset({
    "call", "urge", "ask", "vow", "promise", "pledge", "threaten", "refuse", "decline",
    "warn", "encourage", "demand", "plan", "want", "hope", "expect", "seek", "appeal",
})

# Nominal cues: "X's assertion that ...", "the SDF's warning that ...".
NOUN_CUES = frozenset({
    "assertion", "claim", "claims", "statement", "warning", "warnings", "allegation",
    "allegations", "argument", "insistence", "suggestion", "prediction", "estimate",
    "announcement", "promise", "pledge", "vow", "belief", "view", "admission", "denial",
    "contention", "charge", "accusation", "remark", "remarks", "comment", "comments", "fear",
    "fears", "hope", "testimony", "assessment", "acknowledgment", "threat",
})


@cache
def learned_ratios() -> dict[str, float]:
    """Word forms the PolNeAR train split annotates as cues often enough (learn_quote_cues.py),
    with the share of their occurrences that are cues."""
    raw = resources.files(__package__).joinpath("cues.json").read_text(encoding="utf-8")
    forms: dict[str, float] = json.loads(raw)["forms"]
    return forms


def learned_forms() -> frozenset[str]:
    return frozenset(learned_ratios())


def is_cue_verb(lower: str, lemma: str) -> bool:
    return lemma in CORE_VERBS or lower in learned_ratios()


def is_stance_verb(lower: str, threshold: float) -> bool:
    """A verb that is a cue so often that its object is the content ("praised the plan")."""
    return learned_ratios().get(lower, 0.0) >= threshold
