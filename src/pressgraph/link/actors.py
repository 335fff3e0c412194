"""Canonical actors across articles: one id per real person, organisation or state.

People are keyed by their full name (two tokens or more, titles dropped), never by surname
alone, so "Donald Trump" and "Ivanka Trump" stay apart.  An actor known only by a surname
("Jeffrey") joins the one person of that surname named in full in the same article; failing
that, the one person of that surname in the whole corpus; when there are several it stays on
its own.  Organisations, states and groups are keyed by their name and every alias
("Syrian Democratic Forces" / "SDF"), within the same broad type.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pressgraph.extract.claims.vocab import fold
from pressgraph.model import Actor, Extraction, stable_id

_TITLES = frozenset({
    "president", "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "gen", "general", "col",
    "colonel", "lt", "major", "maj", "capt", "captain", "sgt", "minister", "prime", "secretary",
    "senator", "sen", "rep", "representative", "governor", "gov", "mayor", "king", "queen",
    "prince", "princess", "sheikh", "envoy", "ambassador", "chancellor", "judge", "justice",
    "commander", "chief", "spokesman", "spokeswoman", "spokesperson", "former", "acting",
    "deputy", "vice", "u.s", "us", "the", "special",
})
_WORD = re.compile(r"[\w'.-]+")


def _tokens(name: str) -> list[str]:
    # "U.S." and "US" are one name: dots inside abbreviations do not count.
    words = [w.strip(".'-").replace(".", "") for w in _WORD.findall(fold(name))]
    words = [w for w in (w[:-2] if w.endswith("'s") else w for w in words) if w]
    first = 0
    while first < len(words) and words[first] in _TITLES:
        first += 1
    # A name made only of title-like words ("US", "General") is itself the name.
    return words[first:] or words


# Lower-case words a proper name may contain ("Bank of America", "Abu Bakr al-Baghdadi").
_NAME_PARTICLES = frozenset({"of", "for", "and", "the", "de", "del", "la", "le", "al", "el",
                             "bin", "ibn", "van", "von", "da", "du", "on", "in", "&"})


def looks_like_name(alias: str) -> bool:
    """A name or acronym ("SDF", "Bank of America"), not a description ("the group",
    "the chief executive of General Motors"): descriptions would join different actors that
    happen to share a job or a common noun."""
    words = alias.split()
    if not words or words[0].lower() in ("the", "a", "an"):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _NAME_PARTICLES
               or w.lower().startswith(("al-", "el-")) for w in words)


def name_key(name: str) -> str:
    return " ".join(_tokens(name))


def _type_group(actor: Actor) -> str:
    if actor.type == "PERSON" or actor.category == "person":
        return "person"
    if actor.type in ("GPE", "LOC") or actor.category in ("state", "country"):
        return "place"
    return "group"


@dataclass(frozen=True, slots=True)
class CanonicalActor:
    """One real-world actor across the corpus, with every name and role it was given."""

    id: str
    name: str
    type: str
    category: str
    aliases: tuple[str, ...]
    roles: tuple[tuple[str, str | None], ...]  # (role, first publication date seen)
    members: tuple[str, ...]  # per-article Actor ids
    articles: tuple[str, ...]


@dataclass
class _Builder:
    id: str
    name: str
    type: str
    category: str
    group: str
    aliases: dict[str, None] = field(default_factory=dict)
    roles: dict[str, str | None] = field(default_factory=dict)
    members: dict[str, None] = field(default_factory=dict)
    articles: dict[str, None] = field(default_factory=dict)

    def freeze(self) -> CanonicalActor:
        return CanonicalActor(
            id=self.id, name=self.name, type=self.type, category=self.category,
            aliases=tuple(a for a in self.aliases if a != self.name),
            roles=tuple(self.roles.items()), members=tuple(self.members),
            articles=tuple(self.articles),
        )


@dataclass
class ActorIndex:
    """The canonical-actor state the store keeps between ingest batches."""

    actors: dict[str, _Builder] = field(default_factory=dict)
    by_key: dict[tuple[str, str], str] = field(default_factory=dict)  # (group, key) -> id
    by_surname: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    member_of: dict[str, str] = field(default_factory=dict)  # per-article actor id -> id

    def canonical(self) -> list[CanonicalActor]:
        return [b.freeze() for b in self.actors.values()]

    def _new(self, actor: Actor, group: str, seed: str) -> _Builder:
        cid = stable_id("actor", group, seed)
        builder = self.actors.get(cid)
        if builder is None:
            builder = _Builder(id=cid, name=actor.name, type=actor.type,
                               category=actor.category, group=group)
            self.actors[cid] = builder
        return builder

    def _attach(self, builder: _Builder, actor: Actor, published: str | None,
                keys: Sequence[str]) -> None:
        for key in keys:
            self.by_key.setdefault((builder.group, key), builder.id)
            if builder.group == "person" and len(key.split()) >= 2:
                self.by_surname[key.split()[-1]].add(builder.id)
        if len(_tokens(actor.name)) > len(_tokens(builder.name)):
            builder.name = actor.name  # the fullest form names the actor
        for alias in (actor.name, *actor.aliases):
            builder.aliases[alias] = None
        for role in actor.roles:
            builder.roles.setdefault(role, published[:10] if published else None)
        builder.members[actor.id] = None
        builder.articles[actor.article_id] = None
        self.member_of[actor.id] = builder.id

    def add_article(self, extraction: Extraction) -> dict[str, str]:
        """Link one article's actors; returns per-article actor id -> canonical id."""
        published = extraction.article.published
        resolved: dict[str, str] = {}
        persons_here: dict[str, set[str]] = defaultdict(set)  # surname -> canonical ids
        deferred: list[Actor] = []
        for actor in extraction.actors:
            group = _type_group(actor)
            names = (actor.name, *(a for a in actor.aliases if looks_like_name(a)))
            keys = list(dict.fromkeys(k for k in map(name_key, names) if k))
            if not keys:
                continue
            if group == "person":
                full = [k for k in keys if len(k.split()) >= 2]
                if not full:
                    deferred.append(actor)  # surname only: decide once full names are known
                    continue
                keys = full
            found = next((self.by_key[(group, k)] for k in keys if (group, k) in self.by_key),
                         None)
            builder = self.actors[found] if found else self._new(actor, group, keys[0])
            self._attach(builder, actor, published, keys)
            resolved[actor.id] = builder.id
            if group == "person":
                persons_here[keys[0].split()[-1]].add(builder.id)
        for actor in deferred:
            key = name_key(actor.name)
            here = persons_here.get(key, set())
            if len(here) == 1:
                target = next(iter(here))
            elif not here and len(self.by_surname.get(key, ())) == 1:
                target = next(iter(self.by_surname[key]))
            else:
                # Ambiguous or unknown surname: an actor of its own, scoped to this article
                # when ambiguous so that it never absorbs a different person later.
                seed = f"{key}@{actor.article_id}" if here or self.by_surname.get(key) else key
                target = self._new(actor, "person", seed).id
                self.by_key.setdefault(("person", key), target)
            self._attach(self.actors[target], actor, published, [])
            resolved[actor.id] = target
        return resolved


def link_actors(
    extractions: Sequence[Extraction], index: ActorIndex | None = None
) -> tuple[list[Extraction], ActorIndex]:
    """Fill ``Actor.canonical_id`` for every actor; the index carries over to the next batch."""
    index = index or ActorIndex()
    out: list[Extraction] = []
    for extraction in extractions:
        mapping = index.add_article(extraction)
        actors = tuple(dataclasses.replace(a, canonical_id=mapping.get(a.id))
                       for a in extraction.actors)
        out.append(dataclasses.replace(extraction, actors=actors))
    return out, index
