"""Comparing claims about the same subject: conflict, agreement, refinement or update.

Two claims are compared only when their state families can relate (same family, or opposite
ones), their subjects share a normalised head ("captured ISIS prisoners" and "detainees" both
-> "prisoner", or two generic words for people: "people", "bodies", "victims") and the caller
says they are about the same thing (same article or same story cluster: ``block_of``).  Then:

* one denies what the other asserts (same state family) -> conflict;
* opposite state families (escaped / at large / whereabouts unknown vs secured / recaptured /
  in custody; killed vs alive) -> conflict, unless both carry counts (152 escaped and 800
  held can both be true) or one counts and the other speaks of part of the group (9
  recaptured and "most of them" missing);
* same family with counts: disjoint intervals -> conflict, a figure inside an open-ended one
  ("127" in "more than 100") -> refinement, otherwise overlapping -> agreement; same known
  family without counts on both sides -> agreement;
* disjoint counts reported on different days by one voice, that move the way such a count
  moves (a death toll, the injured, the displaced,
  arrests only grow; the missing, those still held or at large rise and fall) -> update: the
  later report revises the earlier one ("43 killed" on Thursday, "51 killed" on Saturday).
  Two named sources that disagree stay a conflict, whatever the days.

Uncertain claims ("may have escaped") neither support nor contradict anything, nor do claims
dated more than a month apart (different events).  A claimant is
never compared with itself inside one article: restating is not corroboration.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import date
from itertools import combinations

from pressgraph.extract.claims.vocab import (
    bounded_by,
    claim_family,
    compatible_subjects,
    count_group,
    count_trend,
    fold,
    known_family,
    opposite,
    partial_opposite,
    partitive,
    same_bare_state,
    sequential,
    subject_head,
    vocab,
    whole_group,
)
from pressgraph.model import Article, Claim, ClaimRelation, stable_id

INF = float("inf")
MAX_GROUP = 60  # claims per (subject, block) group compared all-pairs; beyond, a time window

_IRREGULAR = {"flee": "fled", "break": "broke out", "hold": "held", "keep": "kept",
              "die": "died", "slay": "slain", "let go": "let go", "free": "freed",
              "round": "rounded up", "hurt": "hurt", "live": "lived"}
_PASSIVE = frozenset({"secure", "recapture", "capture", "detain", "hold", "guard", "jail",
                      "imprison", "arrest", "kill", "execute", "slay", "release", "free",
                      "rescue", "injure", "wound", "displace", "evacuate", "keep", "contain",
                      "round", "pardon", "repatriate", "hurt", "uproot"})
_STATE_PHRASE = {"whereabouts unknown": "of unknown whereabouts"}


def _past(lemma: str) -> str:
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    return lemma + "ed"


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


def value_text(claim: Claim) -> str:
    lo, hi = claim.value_low, claim.value_high
    if lo is None and hi is None:
        return ""
    if lo is not None and hi is not None and lo == hi:
        return f"about {_number(lo)}" if claim.hedge == "approximately" else _number(lo)
    if lo is not None and hi is not None:
        return f"{_number(lo)}-{_number(hi)}"
    if lo is not None:
        return f"more than {_number(lo)}"
    assert hi is not None
    return f"at most {_number(hi)}"


def describe(claim: Claim, *, pronoun: bool = False) -> str:
    """'more than 100 ISIS prisoners escaped', 'they were secured'."""
    subject = "they" if pronoun else claim.subject
    amount = value_text(claim)
    if amount and not pronoun:
        subject = f"all {amount} {subject[4:]}" if whole_group(subject) else (
            f"{amount} {subject}")
    pred = claim.predicate
    if " " in pred or pred in ("dead", "alive", "missing", "unaccounted"):
        body = f"{subject} are {_STATE_PHRASE.get(pred, pred)}"
    elif pred in _PASSIVE:
        body = f"{subject} were {_past(pred)}"
    else:
        body = f"{subject} {_past(pred)}"
    if claim.polarity == "denied":
        return f"it is not true that {body}"
    if claim.polarity == "uncertain":
        return f"{body}, perhaps"
    return body


def _interval(claim: Claim) -> tuple[float, float] | None:
    if claim.value_low is None and claim.value_high is None:
        return None
    lo = claim.value_low if claim.value_low is not None else 0.0
    hi = claim.value_high if claim.value_high is not None else INF
    if claim.hedge and lo == hi:
        # A hedged point figure ("about 130") stands for a small range around it.
        lo, hi = lo * 0.9, hi * 1.1
    return lo, hi


_STOP = frozenset({"the", "a", "an", "of", "in", "at", "on", "some", "all", "more", "than",
                   "about", "over", "least", "their", "its", "his", "her", "our", "those",
                   "these", "who", "which", "that", "and", "to", "from", "by", "with"})


def _modifiers(subject: str) -> frozenset[str]:
    """The words qualifying a subject's head: which part of a population is counted."""
    words = [w for w in re.findall(r"[a-z]+", fold(subject)) if w not in _STOP]
    return frozenset(words[:-1])


# Words that make a count an increment on an earlier total rather than a total.
INCREMENT = frozenset({"new", "additional", "further", "fresh", "latest", "another"})


def family(claim: Claim) -> str:
    counted = claim.value_low is not None or claim.value_high is not None
    return claim_family(claim.predicate, claim.subject, counted)


def axis(fam: str) -> str:
    """Families that can contradict each other share an axis (free and custody, ...)."""
    for pair in vocab().opposites:
        if fam in pair:
            return "|".join(sorted(pair))
    return fam


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# claims whose dates lie further apart than this are about different events ("clashes in
# August 2023 killed more than 50" in an article on this week's fighting)
APART_DAYS = 31


def period(time: str | None) -> tuple[date, date] | None:
    """The days a claim's time (TIMEX value: 2024-06-21, 2023-08, 2019) can stand for."""
    m = _DATE.match(time or "")
    if m is None:
        return None
    year = int(m[1])
    try:
        if m[3]:
            day = date(year, int(m[2]), int(m[3]))
            return day, day
        if m[2]:
            month = int(m[2])
            last = monthrange(year, month)[1]
            return date(year, month, 1), date(year, month, last)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def far_apart(a: Claim, b: Claim) -> bool:
    pa, pb = period(a.time), period(b.time)
    if pa is None or pb is None:
        return False
    gap = max((pb[0] - pa[1]).days, (pa[0] - pb[1]).days)
    return gap > APART_DAYS


def reported(claim: Claim, articles: Mapping[str, Article]) -> str:
    """When a claim was reported: its article's publication date, else the claim's own time."""
    article = articles.get(claim.article_id)
    return (article.published if article is not None and article.published else claim.time) or ""


def in_order(a: Claim, b: Claim, articles: Mapping[str, Article]) -> tuple[Claim, Claim] | None:
    """(earlier, later) by report date; None when both were reported the same day or a date is
    unknown.  Days, unless both reports carry a time of day."""
    ra, rb = reported(a, articles), reported(b, articles)
    if not ra or not rb:
        return None
    if "T" not in ra or "T" not in rb:
        ra, rb = ra[:10], rb[:10]
    if ra == rb:
        return None
    return (a, b) if ra < rb else (b, a)


def _update(a: Claim, b: Claim, fam: str, articles: Mapping[str, Article],
            canonical: Mapping[str, str]) -> str | None:
    """The reason two disjoint counts are one count moving between reports, or None."""
    trend = count_trend(a.predicate, fam)
    order = in_order(a, b, articles)
    if trend is None or trend != count_trend(b.predicate, fam) or order is None:
        return None
    earlier, later = order
    # One voice revises its own count: the same canonical actor, or the same words ("the
    # health ministry") where actor linking has not joined the two mentions.  A figure in
    # the outlet's own voice is not enough: on link/ that is mostly a source the quotes
    # missed ("more than 100 were detained, a rights assembly said ... twice the official
    # figure"), and two sources that disagree are a conflict whatever the days.
    if not (_one_voice(earlier, later, canonical) or _same_words(earlier, later)):
        return None
    ie, il = _interval(earlier), _interval(later)
    assert ie is not None and il is not None
    up = ie[1] < il[0]
    if trend == "rising" and not up:
        return None  # a death toll does not fall: a lower later figure contradicts
    return (f"later count {value_text(later)} ({reported(later, articles)[:10]}) "
            f"{'up' if up else 'down'} from {value_text(earlier)} "
            f"({reported(earlier, articles)[:10]})")


# the way a voice speaks, not who it is: "police" and "a police statement" are one voice
_VOICE_ROLES = frozenset({"statement", "spokesman", "spokeswoman", "spokesperson", "source",
                          "sources", "official", "officials"})


def _same_words(a: Claim, b: Claim) -> bool:
    """One claimant by its words: "the health ministry" and "health ministry", "police" and
    "a police statement" (one set of words holds the other, roles aside)."""
    wa, wb = ({w for w in re.findall(r"[a-z]+", fold(c.claimant_text))
               if w not in _STOP and w not in _VOICE_ROLES} for c in (a, b))
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def relate(a: Claim, b: Claim, *, articles: Mapping[str, Article] | None = None,
           canonical: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(relation, reason) for two claims about the same subject, or None.

    ``articles`` (the claims' articles, for their publication dates) lets two counts reported
    on different days be an update rather than a conflict; ``canonical`` maps actor ids to
    canonical ones, to tell one voice across articles."""
    if "uncertain" in (a.polarity, b.polarity) or far_apart(a, b):
        return None
    fa, fb = family(a), family(b)
    ia, ib = _interval(a), _interval(b)
    if fa == fb and a.polarity != b.polarity:
        if ia is None and ib is None:
            return "conflict", "denial vs assertion"
        # A denied count ("not hundreds") contradicts only counts that fall in its range.
        if ia is not None and ib is not None and ia[0] <= ib[1] and ib[0] <= ia[1]:
            return "conflict", "denial vs assertion of the count"
        # "Police denied that anyone was killed" against "six were killed".
        denied, asserted = (ia, ib) if a.polarity == "denied" else (ib, ia)
        if denied is None and asserted is not None and asserted[0] > 0:
            return "conflict", "denial vs assertion"
        return None
    if a.polarity == "denied" or b.polarity == "denied":
        return None
    if opposite(fa, fb):
        if sequential(a.predicate, b.predicate):
            return None  # "inmates who broke out" and "41 were rearrested": one after the other
        # "152 escaped" and "800 are held" can both be true of different people.
        if ia is not None and ib is not None:
            return None
        if (ia is not None or ib is not None) and partial_opposite(fa, fb):
            return None  # "80 were rescued" and "people died": survivors are not the dead
        counted, uncounted = (a, b) if ia is not None else (b, a)
        if (ia is None) != (ib is None) and partitive(uncounted.subject) and not (
                whole_group(counted.subject)):
            # "9 were recaptured" and "most of them are missing": the rest are; but not
            # "all 120 were recaptured"
            return None
        return "conflict", "opposite states"
    if fa != fb:
        return None
    if (ia is None) != (ib is None):
        # "24-60 escaped" and "whereabouts unknown" do not vouch for each other's figure.
        return None
    if ia is None or ib is None:
        # Outside the state vocabulary ("searched", "arrived") sameness says little.
        if not same_bare_state(a.predicate, b.predicate):
            return None  # "people were missing" and "people fled" are not one statement
        return ("agreement", "same state") if known_family(fa) else None
    ga, gb = count_group(a.predicate), count_group(b.predicate)
    if ga and gb and ga != gb:
        for part, whole, pi, wi in ((a, b, ia, ib), (b, a, ib, ia)):
            above = pi[0] > wi[1] or (pi[0] == wi[1] and not part.value_low_inclusive)
            if bounded_by(part.predicate, whole.predicate, part.subject) and above:
                # "more than 250 unaccounted for" and "173 fled": more missing than escaped
                groups = [(count_group(c.predicate) or "").replace("_", " ")
                          for c in (part, whole)]
                return "conflict", (f"{value_text(part)} {groups[0]} cannot exceed "
                                    f"{value_text(whole)} {groups[1]}")
        return None  # "9 were recaptured" and "400 are held" count different people
    ma, mb = _modifiers(a.subject), _modifiers(b.subject)
    if bool(ma & INCREMENT) != bool(mb & INCREMENT):
        return None  # "14 new deaths" is a day's increment, "86 died" the total
    if not (ma <= mb or mb <= ma):
        return None  # "2,000 foreign fighters" is a part of "10,000 suspected ISIS fighters"
    if ia[1] < ib[0] or ib[1] < ia[0]:
        if articles is not None and (
                update := _update(a, b, fa, articles, canonical or {})) is not None:
            return "update", update
        return "conflict", f"counts {value_text(a)} and {value_text(b)} cannot both hold"
    if ia == ib:
        return "agreement", "same count"
    for wide, narrow, wide_claim, narrow_claim in ((ia, ib, a, b), (ib, ia, b, a)):
        # A vague plural ("scores": 40-99, "dozens": 24-99) is narrowed like an open bound;
        # a hedged point ("about 130") only stands for a small range around it.
        vague = wide[0] > 0 and wide[1] >= 2 * wide[0] and wide_claim.value_low != (
            wide_claim.value_high)
        open_ended = wide[1] == INF or wide[0] == 0.0 or vague
        if open_ended and narrow[0] == narrow[1] and narrow[0] in wide:
            # "at least 15" and "15": the same figure, not a narrower one.
            return "agreement", "same figure"
        if open_ended and narrow[0] >= wide[0] and narrow[1] <= wide[1]:
            # Only an open-ended figure ("more than 100") is narrowed; a hedged one ("some
            # 5,000") that holds the other figure agrees with it.
            return "refinement", (f"{value_text(narrow_claim)} narrows "
                                   f"{value_text(wide_claim)}")
    return "agreement", "overlapping counts"


def _where(claim: Claim, other: Claim | None, articles: Mapping[str, Article]) -> str:
    if other is not None and other.article_id == claim.article_id:
        return "same article"
    article = articles.get(claim.article_id)
    date = (article.published or "")[:10] if article else ""
    label = f"article {claim.article_id[:4]}…"
    return f"{label}, {date}" if date else label


def explain(a: Claim, b: Claim, reason: str, articles: Mapping[str, Article],
            names: Mapping[str, str] | None = None) -> str:
    names = names or {}

    def who(c: Claim) -> str:
        return names.get(c.claimant_actor_id or "", c.claimant_text) or c.claimant_text

    same_subject = subject_head(a.subject) == subject_head(b.subject) and (
        b.value_low is None and b.value_high is None)
    return (f"{who(a)} ({_where(a, None, articles)}) says {describe(a)}; "
            f"{who(b)} ({_where(b, a, articles)}) says {describe(b, pronoun=same_subject)}"
            f" — {reason}")


def _sort_key(claim: Claim, articles: Mapping[str, Article]) -> tuple[str, str, int]:
    article = articles.get(claim.article_id)
    return ((article.published or "") if article else "", claim.article_id, claim.start)


def _same_voice(a: Claim, b: Claim, canonical: Mapping[str, str]) -> bool:
    """One claimant restating itself inside one article corroborates nothing (across
    articles a restatement is reported as agreement: the claim still stands a day later)."""
    if a.article_id != b.article_id:
        return False
    if a.claimant_actor_id and a.claimant_actor_id == b.claimant_actor_id:
        return True
    return fold(a.claimant_text) == fold(b.claimant_text)


def _one_voice(a: Claim, b: Claim, canonical: Mapping[str, str]) -> bool:
    """The same claimant, in any article (canonical actor ids across articles)."""
    ca = canonical.get(a.claimant_actor_id or "") or a.claimant_actor_id
    cb = canonical.get(b.claimant_actor_id or "") or b.claimant_actor_id
    if ca and cb:
        return ca == cb
    return fold(a.claimant_text) == fold(b.claimant_text)


def restated_in_headline(claims: Sequence[Claim], headline_ends: Mapping[str, int]
                         ) -> set[str]:
    """Ids of headline claims that restate a claim of their own article's body.

    A headline compresses its lede ("Three protesters shot dead in Lindi, witnesses say" over
    "... killing three protesters, witnesses said"): compared as well, it would double every
    relation the lede makes and relate the article to itself.  A headline claim restates a
    body claim of its article with the same state family and polarity, a compatible subject
    and a figure that overlaps the body's (or no figure: the headline is only vaguer; a vague
    plural, "thousands flee", is read as "at least"); whose voice the headline names does not
    matter, headlines shorten attributions.  A headline claim the body does not make stays,
    and takes part in every comparison."""
    body: dict[str, list[Claim]] = defaultdict(list)
    headline: list[Claim] = []
    for claim in claims:
        end = headline_ends.get(claim.article_id, 0)
        (headline if claim.start < end else body[claim.article_id]).append(claim)
    out: set[str] = set()
    for claim in headline:
        span = _interval(claim)
        if span is not None and span[0] > 0 and span[1] >= 2 * span[0] and (
                claim.value_low != claim.value_high):
            span = (span[0], INF)  # "thousands flee" over "135,000 people have fled"
        head = subject_head(claim.subject)
        for other in body.get(claim.article_id, ()):
            if other.polarity != claim.polarity or family(other) != family(claim):
                continue
            if not compatible_subjects(head, subject_head(other.subject)):
                continue
            figure = _interval(other)
            if span is None or (figure is not None and span[0] <= figure[1]
                                and figure[0] <= span[1]):
                out.add(claim.id)
                break
    return out


def compare_claims(
    claims: Iterable[Claim],
    articles: Mapping[str, Article],
    *,
    within_article: bool = False,
    block_of: Callable[[Claim], Hashable | None] | None = None,
    names: Mapping[str, str] | None = None,
    only_new: Callable[[Claim, Claim], bool] | None = None,
    canonical: Mapping[str, str] | None = None,
) -> list[ClaimRelation]:
    """Relations between claims with the same subject head in the same block.

    ``block_of`` says which claims may be about the same thing (an article- or event-cluster
    id; None keeps a claim out of every comparison); ``within_article`` blocks by article.
    ``only_new`` (incremental linking) skips pairs already compared in an earlier batch;
    ``canonical`` maps per-article actor ids to canonical ids (one voice across articles).
    """
    if within_article:
        def block_of(c: Claim) -> Hashable | None:
            return c.article_id
    groups: dict[tuple[str, Hashable], list[Claim]] = defaultdict(list)
    restated: set[tuple[object, ...]] = set()
    canon = canonical or {}
    for claim in claims:
        block = block_of(claim) if block_of else "all"
        head = subject_head(claim.subject)
        if block is None or not head:
            continue
        # The same voice saying the same thing twice in one article is compared once.
        voice = canon.get(claim.claimant_actor_id or "") or claim.claimant_actor_id or fold(
            claim.claimant_text)
        fam = family(claim)
        key = (claim.article_id, voice, head, fam, claim.value_low, claim.value_high,
               claim.polarity)
        if key in restated:
            continue
        restated.add(key)
        groups[(axis(fam), block)].append(claim)
    relations: dict[str, ClaimRelation] = {}
    said: set[tuple[object, ...]] = set()
    for group in groups.values():
        group.sort(key=lambda c: _sort_key(c, articles))
        for a, b in _pairs(group):
            if _same_voice(a, b, canon) or not compatible_subjects(
                    subject_head(a.subject), subject_head(b.subject)):
                continue
            if only_new is not None and not only_new(a, b):
                continue
            found = relate(a, b, articles=articles, canonical=canon)
            if found is None:
                continue
            relation, reason = found
            if relation == "update":
                a, b = in_order(a, b, articles) or (a, b)  # the earlier report first
            if reason == "opposite states" and _one_voice(a, b, canon):
                continue  # a source does not contradict itself: it speaks of other people
            # Two readings of one sentence pair ("12 died" and "dozens died" in the same
            # sentence) make one relation, not two.
            pair = (a.article_id, a.start, b.article_id, b.start, relation, axis(family(a)))
            if pair in said:
                continue
            said.add(pair)
            if relation != "conflict" and a.article_id == b.article_id and (
                    a.claimant_actor_id is None or b.claimant_actor_id is None):
                continue  # a reporter restating its source is not independent support
            rid = stable_id("relation", a.id, b.id, relation)
            relations[rid] = ClaimRelation(
                id=rid, relation=relation, claim_a=a.id, claim_b=b.id,
                article_a=a.article_id, article_b=b.article_id,
                explanation=explain(a, b, reason, articles, names),
            )
    return list(relations.values())


def _pairs(group: Sequence[Claim]) -> Iterable[tuple[Claim, Claim]]:
    if len(group) <= MAX_GROUP:
        yield from combinations(group, 2)
        return
    # A very large group (a common subject in a long-running story): compare each claim with
    # its MAX_GROUP successors in time only, which keeps the cost linear in the group size.
    for i, a in enumerate(group):
        for b in group[i + 1:i + 1 + MAX_GROUP]:
            yield a, b
