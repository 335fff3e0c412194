"""The small vocabulary claims are normalised with: state families, subject synonyms, cues.

Kept in ``vocab.json`` beside this module so analysts can extend it without touching code.
The link stage compares claims with the same families, so both import from here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from pressgraph.clean import without_marks

# who claims what a report says in its own voice, when the article names no outlet
PUBLICATION = "the publication"


@dataclass(frozen=True, slots=True)
class Vocab:
    family_of: dict[str, str]  # predicate lemma or phrase -> state family
    opposites: frozenset[frozenset[str]]
    partial_opposites: frozenset[frozenset[str]]
    state_phrases: dict[str, str]
    subject_head: dict[str, str]  # synonym -> canonical head
    anaphoric: frozenset[str]
    denial_cues: frozenset[str]
    uncertain_cues: frozenset[str]
    unconfirmed_words: frozenset[str]  # "unconfirmed reports": the source does not vouch
    hedges: frozenset[str]
    generic_heads: frozenset[str]
    death_heads: frozenset[str]
    count_group: dict[str, str]  # predicate -> which count within its family it gives
    life_verbs: dict[str, str]  # verb lemma with 'lives' as object -> predicate ('lose life')
    tally_verbs: frozenset[str]  # 'the toll rose to 47'
    tally_heads: frozenset[str]
    noun_predicates: dict[str, str]  # 'escapee' -> 'escape'
    sequential: frozenset[frozenset[str]]  # count groups that follow, not contradict, each other
    exclusive_bare: frozenset[str]  # count groups whose bare states agree only among themselves
    # (part, whole) count groups: the part's count cannot exceed the whole's, for these heads
    count_bounds: frozenset[tuple[str, str]]
    count_bound_subjects: frozenset[str]
    denied_event_nouns: dict[str, str]  # 'denies civilian deaths' -> 'die'
    telling_verbs: frozenset[str]  # their subject makes the claim in their clause
    falsity_words: frozenset[str]  # "false", "a hoax": what they describe is denied
    no_heads: frozenset[str]  # "no evidence that ...": what follows is denied
    rising_counts: frozenset[str]  # count groups or families that only grow between reports
    either_way_counts: frozenset[str]  # stocks that rise and fall (still missing, still held)


@cache
def vocab() -> Vocab:
    data = json.loads(
        resources.files("pressgraph.extract.claims").joinpath("vocab.json").read_text("utf-8")
    )
    family_of = {word: fam for fam, words in data["states"].items() for word in words}
    subject_head = {w: head for head, words in data["subject_synonyms"].items() for w in words}
    count_group = {w: group for group, words in data["count_groups"].items()
                   if not group.startswith("_") for w in words}
    return Vocab(
        family_of=family_of,
        opposites=frozenset(frozenset(pair) for pair in data["opposites"]),
        partial_opposites=frozenset(frozenset(p) for p in data.get("partial_opposites", [])),
        state_phrases=dict(data["state_phrases"]),
        subject_head=subject_head,
        anaphoric=frozenset(data["anaphoric_heads"]),
        denial_cues=frozenset(data["denial_cues"]),
        uncertain_cues=frozenset(data["uncertain_cues"]),
        unconfirmed_words=frozenset(data["unconfirmed_words"]),
        hedges=frozenset(data["hedges"]),
        generic_heads=frozenset(data["generic_heads"]),
        death_heads=frozenset(data["death_heads"]),
        count_group=count_group,
        life_verbs={k: v for k, v in data["life_verbs"].items() if not k.startswith("_")},
        tally_verbs=frozenset(data["tally_verbs"]),
        tally_heads=frozenset(data["tally_heads"]),
        noun_predicates={k: v for k, v in data["noun_predicates"].items() if not k.startswith("_")},
        sequential=frozenset(frozenset(p) for p in data["sequential_groups"]["pairs"]),
        exclusive_bare=frozenset(data["sequential_groups"]["exclusive_bare"]),
        count_bounds=frozenset((part, whole) for part, whole in data["count_bounds"]["pairs"]),
        count_bound_subjects=frozenset(data["count_bounds"]["subjects"]),
        denied_event_nouns={k: v for k, v in data["denied_event_nouns"].items()
                            if not k.startswith("_")},
        telling_verbs=frozenset(data["telling_verbs"]["verbs"]),
        falsity_words=frozenset(data["falsity_words"]["words"]),
        no_heads=frozenset(data["falsity_words"]["no_heads"]),
        rising_counts=frozenset(data["count_trends"]["rising"]),
        either_way_counts=frozenset(data["count_trends"]["either"]),
    )


def count_group(predicate: str) -> str | None:
    """Which count a predicate gives within its family ('recapture' -> 'taken'), if known."""
    return vocab().count_group.get(predicate.lower().strip())


def bounded_by(part_predicate: str, whole_predicate: str, subject: str) -> bool:
    """Whether a count of the first cannot exceed a count of the second ('unaccounted for'
    and 'escaped', for prisoners)."""
    ga, gb = count_group(part_predicate), count_group(whole_predicate)
    return (ga, gb) in vocab().count_bounds and (
        subject_head(subject) in vocab().count_bound_subjects)


def count_trend(predicate: str, family: str) -> str | None:
    """How a count moves between reports: "rising" (a death toll), "either" (people still
    missing) or None (a crowd's size, an escape: a different figure is a disagreement)."""
    key = count_group(predicate) or family
    if key in vocab().rising_counts:
        return "rising"
    if key in vocab().either_way_counts:
        return "either"
    return None


def sequential(predicate_a: str, predicate_b: str) -> bool:
    """'escaped' then 'recaptured': states of opposite families that follow one another."""
    ga, gb = count_group(predicate_a), count_group(predicate_b)
    return bool(ga and gb) and frozenset((ga, gb)) in vocab().sequential


def same_bare_state(predicate_a: str, predicate_b: str) -> bool:
    """Whether two figureless states of one family say the same thing: 'people were missing'
    and 'people fled' do not."""
    ga, gb = count_group(predicate_a), count_group(predicate_b)
    exclusive = vocab().exclusive_bare
    return ga == gb or not ({ga, gb} & exclusive)


def predicate_family(predicate: str) -> str:
    """The state family of a predicate ('escape' -> 'free'), or the predicate itself."""
    p = predicate.lower().strip()
    return vocab().family_of.get(p, p)


def claim_family(predicate: str, subject: str, counted: bool = False) -> str:
    """A claim's state family; a count of "bodies recovered" or "deaths" is about the dead."""
    family = predicate_family(predicate)
    raw = singular(subject.lower().split()[-1]) if subject.split() else ""
    if counted and raw in vocab().death_heads and not known_family(family):
        return "dead"
    if counted and not known_family(family) and (
            vocab().family_of.get(vocab().noun_predicates.get(raw, "")) == "crowd"):
        # "police counted 900 marchers": the noun says the count is a crowd's.  Only crowds:
        # "escapees" doing an unknown verb joined the escape counts and cost refinement
        # precision on link's held-out set
        return "crowd"
    return family


def known_family(family: str) -> bool:
    return family in vocab().family_of.values()


def compatible_subjects(head_a: str, head_b: str) -> bool:
    """Same head, or one is a generic word for people ("people", "bodies", "victims")."""
    generic = vocab().generic_heads
    if "nobody" in (head_a, head_b):
        return True  # "nobody died" speaks of everyone the other claim counts
    return head_a == head_b or (head_a in generic and head_b in generic)


def opposite(family_a: str, family_b: str) -> bool:
    return frozenset((family_a, family_b)) in vocab().opposites


def partial_opposite(family_a: str, family_b: str) -> bool:
    """Opposite states that routinely split one group (some died, some were rescued), so a
    count of one does not contradict the other state."""
    return frozenset((family_a, family_b)) in vocab().partial_opposites


# quantifiers that take part of a group ("most of them", "some of the inmates"); a claim
# keeps one at the head of its subject ("most inmates")
PARTITIVE = frozenset({"most", "many", "some", "several", "few", "half", "majority", "rest",
                       "bulk", "part", "others", "handful"})


def partitive(subject: str) -> bool:
    """The subject is a part of a group: "most inmates", "some prisoners"."""
    first = fold(subject).split(maxsplit=1)
    return bool(first) and first[0] in PARTITIVE


def whole_group(subject: str) -> bool:
    """The subject is all of a group: "all inmates" ("all 120 were recaptured")."""
    return fold(subject).startswith("all ")


_WORD = re.compile(r"[a-z0-9]+")
_DROP = frozenset({"the", "a", "an", "some", "all", "those", "these", "of", "their", "its", "his",
                   "her", "our", "more", "than", "over", "about", "around", "at", "least"})


@lru_cache(maxsize=1 << 16)  # linking folds the same subjects and names again and again
def fold(text: str) -> str:
    """Lowercase without diacritics: the form names and subjects are compared in."""
    return without_marks(text).lower()


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("people"):
        return "person"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 16)
def subject_head(subject: str) -> str:
    """The normalised head noun of a subject: 'captured ISIS prisoners' -> 'prisoner'."""
    words = [w for w in _WORD.findall(fold(subject)) if w not in _DROP and not w.isdigit()]
    if "and" in words[1:]:
        # "guards and one inmate": the count is of the first conjunct's kind.
        words = words[:words.index("and", 1)]
    if not words:
        return ""
    head = singular(words[-1])
    return vocab().subject_head.get(head, head)
