"""Toponym recognition and context-aware resolution.

Recognition takes spaCy's GPE/LOC/FAC/NORP mentions (trimmed of determiners and
possessives), place names nested in ORG/FAC names, demonyms, and direction phrases
("north-eastern Syria", "the Kurdish-held north", "the Turkish-Syrian border").  Resolution
ranks the gazetteer's candidates by the kind of place, population, the article's focus
country, the admin hierarchy ("Alexandria, Louisiana") and nearby resolved places.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pressgraph.extract.places.gazetteer import Entry, Gazetteer, fold, strip_article

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
NESTED_LABELS = frozenset({"ORG", "FAC", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})
# Words that name places somewhere but, inside an organisation's name, are just words.
NESTED_STOP = frozenset(
    [
        "central",
        "centre",
        "center",
        "federal",
        "national",
        "international",
        "united",
        "olympic",
        "lakes",
        "west",
        "east",
        "north",
        "south",
        "western",
        "eastern",
        "northern",
        "southern",
        "capital",
        "metro",
        "city",
        "state",
        "union",
        "republic",
        "royal",
        "general",
        "pacific",
        "atlantic",
        "union",
        "democratic",
        "liberal",
        "progressive",
        "independence",
        "freedom",
        "unity",
        "liberty",
        "victory",
        "reform",
        "justice",
        "providence",
        "hope",
        "mission",
    ]
)

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING = re.compile(r"^(?:the|The|THE)\s+")
_GENERIC_TAIL = re.compile(
    r"\s+(camp|refugee camp|province|governorate|region|district|state|city|county|area)$",
    re.IGNORECASE,
)
_KIND_WORDS = {
    "camp": "site",
    "camps": "site",
    "base": "site",
    "airport": "site",
    "prison": "site",
    "province": "admin1",
    "governorate": "admin1",
    "state": "admin1",
    "region": "admin1",
    "city": "city",
    "town": "city",
    "village": "city",
    "county": "county",
    "country": "country",
}
AGENT_NOUNS = frozenset(
    [
        "envoy",
        "envoys",
        "official",
        "officials",
        "government",
        "administration",
        "minister",
        "ministers",
        "ministry",
        "president",
        "ambassador",
        "ambassadors",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "diplomat",
        "diplomats",
        "leader",
        "leaders",
        "leadership",
        "military",
        "army",
        "forces",
        "regime",
        "authorities",
        "negotiators",
        "representative",
        "delegation",
        "foreign_minister",
        "prime",
        "premier",
        "chancellor",
        "regulators",
    ]
)
SPEECH_VERBS = frozenset(
    [
        "say",
        "tell",
        "announce",
        "warn",
        "claim",
        "deny",
        "accuse",
        "urge",
        "demand",
        "insist",
        "condemn",
        "reject",
        "agree",
        "threaten",
        "vow",
        "pledge",
        "respond",
        "refuse",
        "protest",
        "demand",
        "call",
        "state",
        "confirm",
        "criticize",
        "criticise",
    ]
)
_DIRECTIONS = {
    "north": (1, 0),
    "south": (-1, 0),
    "east": (0, 1),
    "west": (0, -1),
    "northeast": (1, 1),
    "northwest": (1, -1),
    "southeast": (-1, 1),
    "southwest": (-1, -1),
    "central": (0, 0),
}
_DIR_RE = (
    r"(?P<dir>(?:north|south)(?:[- ]?(?:east|west))?|east|west|central)"
    r"(?:ern|erly)?"
)
KIND_TO_FEATURE = {
    "country": "country",
    "admin1": "admin1",
    "city": "city",
    "site": "site",
    "continent": "region",
    "region": "region",
    "county": "region",
}


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    text: str
    label: str
    candidates: tuple[Entry, ...] = ()
    nested: bool = False  # found inside an ORG/FAC name
    choice: Entry | None = None
    mention_type: str = "name"
    kind_hint: str | None = None
    is_metonym: bool = False
    region: tuple[float, float, tuple[float, float, float, float]] | None = None
    region_cc: str | None = None
    scores: dict[int, float] = field(default_factory=dict)
    dateline: bool = False  # the place a story was filed from ("OTTAWA –")


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive: "the United States", "Mexico's"."""
    span = text[start:end]
    m = _LEADING.match(span)
    if m:
        start += m.end()
    span = text[start:end]
    m = _POSSESSIVE.search(span)
    if m and end - start > m.end() - m.start() + 1:
        end -= m.end() - m.start()
    while end > start and text[end - 1] in ' ,.;:-–—"“”':
        if text[end - 1] == "." and end - start <= 5:
            break  # keep abbreviations whole: "U.S.", "Ky."
        end -= 1
    return start, end


def lookup(gaz: Gazetteer, name: str) -> tuple[tuple[Entry, ...], str | None]:
    """Candidates for a name, with the kind of place a trailing generic word names."""
    found = gaz.lookup(name)
    if found:
        return found, None
    key = fold(name)
    stripped = strip_article(key)
    if stripped != key:
        found = gaz.lookup(stripped)
        if found:
            return found, None
    m = _GENERIC_TAIL.search(name)
    if m:
        found = gaz.lookup(name[: m.start()])
        if found:
            return found, _KIND_WORDS.get(m.group(1).lower().split()[-1])
    return (), None


def kind_word_near(text: str, start: int, end: int) -> str | None:
    after = re.match(r"\s+(?:refugee\s+)?([a-z]+)", text[end : end + 30])
    if after and after.group(1) in _KIND_WORDS:
        return _KIND_WORDS[after.group(1)]
    before = re.search(
        r"\b(city|town|village|province|state|region|camp)\s+of\s+$",
        text[max(0, start - 25) : start],
    )
    if before:
        return _KIND_WORDS[before.group(1)]
    return None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def base_score(entry: Entry) -> float:
    pop = math.log10(entry.population + 1)
    if entry.kind == "country":
        return 9.0
    if entry.kind == "continent":
        return 7.5
    if entry.kind == "admin1":
        return 5.0 + 0.2 * pop
    if entry.kind == "site":
        return 4.0
    if entry.kind == "county":
        return 3.5
    if entry.kind == "region":
        return 3.0 + 0.3 * pop
    bonus = 2.5 if entry.feature_code == "PPLC" else 0.0
    return 0.75 * pop + bonus


def score_candidates(
    mentions: Sequence[Mention],
    text: str,
    countries: Mapping[str, float],
    focus_cc: str | None,
    anchors: Sequence[Entry],
    country_names: dict[str, frozenset[str]],
    admins: Counter[tuple[str, str]] | None = None,
) -> None:
    total = sum(countries.values()) or 1
    admins = admins or Counter()
    for m in mentions:
        after = text[m.end : m.end + 60]
        qualifier = re.match(r",\s*([A-Z][\w.’' -]{1,30}?)(?=[,.;:)\n]|\s+[a-z]|$)", after)
        qual_key = fold(qualifier.group(1)) if qualifier else ""
        if qual_key == fold(m.text):
            qual_key = ""  # "Santa Ana, Santa Ana ..." qualifies nothing
        hint = m.kind_hint or kind_word_near(text, m.start, m.end)
        m.scores = {}
        for e in m.candidates:
            s = base_score(e)
            if e.alias_is_name:
                s += 0.8
            if e.mention_type == "abbrev":
                s += 1.0
            share = countries.get(e.country_code, 0) / total
            s += 3.0 * share + (2.5 if share else 0.0)
            own = (
                m.choice is not None
                and m.choice.kind == "admin1"
                and (m.choice.country_code, m.choice.admin1) == (e.country_code, e.admin1)
            )
            if m.dateline and e.kind == "city":
                # Datelines name cities big enough to file from.
                s += 0.5 * math.log10(e.population + 1)
            elif e.kind in ("city", "site", "county") and admins.get(
                (e.country_code, e.admin1), 0
            ) > int(own):
                s += 2.5
            if e.country_code and e.country_code == focus_cc and e.kind != "country":
                s += 1.5
            if hint and hint == e.kind:
                s += 4.0
            if qual_key and e.kind in ("city", "site", "admin1"):
                if qual_key in (fold(e.admin1_name), fold(e.admin1)) and e.kind != "admin1":
                    s += 6.0
                else:
                    if qual_key in country_names.get(e.country_code, ()):
                        s += 5.0
            if anchors and e.kind in ("city", "site", "county"):
                near = min(haversine_km(e.lat, e.lon, a.lat, a.lon) for a in anchors)
                if near < 50:
                    s += 2.0
                elif near < 300:
                    s += 1.0
            elif e.kind == "admin1" and any(
                (a.country_code, a.admin1) == (e.country_code, e.admin1) for a in anchors
            ):
                # A town placed with confidence supports the region holding it as much as
                # the region's namesake city ("Quebec" after "Montreal").
                s += 1.5
            m.scores[e.key] = s


def choose(m: Mention) -> Entry | None:
    if not m.candidates:
        return None
    return max(m.candidates, key=lambda e: (m.scores.get(e.key, 0.0), e.population, -e.key))


def country_evidence(mentions: Sequence[Mention]) -> dict[str, float]:
    """How strongly the article is about each country: unambiguous mentions count fully."""
    counts: dict[str, float] = defaultdict(float)
    for m in mentions:
        if not m.candidates:
            continue
        ccs = {e.country_code for e in m.candidates if e.country_code}
        top = max(m.candidates, key=base_score)
        if len(ccs) == 1:
            counts[next(iter(ccs))] += 1.0 if top.kind in ("country", "admin1") else 0.7
        elif top.kind in ("country", "admin1"):
            counts[top.country_code] += 0.5
    return dict(counts)


BBox = tuple[float, float, float, float]
Area = tuple[float, float, BBox]  # representative lat, lon and a (south, west, north, east) box


def region_box(gaz: Gazetteer, cc: str, direction: str) -> Area | None:
    """A representative point and bbox for a part of a country ("north-eastern Syria")."""
    bbox = gaz.country_bbox(cc)
    if bbox is None:
        return None
    south, west, north, east = bbox
    key = direction.replace("-", "").replace(" ", "")
    dlat, dlon = _DIRECTIONS.get(key, (0, 0))
    height, width = (north - south) / 3, (east - west) / 3

    def band(d: int, low: float, size: float) -> tuple[float, float]:
        if d > 0:
            return low + 2 * size, low + 3 * size
        if d < 0:
            return low, low + size
        return low + size, low + 2 * size

    s, n = band(dlat, south, height) if dlat or key == "central" else (south, north)
    w, e = band(dlon, west, width) if dlon or key == "central" else (west, east)
    return (s + n) / 2, (w + e) / 2, (round(s, 4), round(w, 4), round(n, 4), round(e, 4))


def border_box(gaz: Gazetteer, cc_a: str, cc_b: str) -> Area | None:
    """Point and bbox of the border between two countries: their largest cities nearest
    each other stand in for the frontier, which the gazetteer does not hold."""
    a_pts, b_pts = gaz.largest_cities(cc_a), gaz.largest_cities(cc_b)
    if not a_pts or not b_pts:
        return None
    near: list[tuple[float, tuple[float, float]]] = []
    for pa in a_pts:
        best = min(haversine_km(pa[0], pa[1], pb[0], pb[1]) for pb in b_pts)
        near.append((best, pa))
    for pb in b_pts:
        best = min(haversine_km(pb[0], pb[1], pa[0], pa[1]) for pa in a_pts)
        near.append((best, pb))
    closest = min(d for d, _ in near)
    pts = [p for d, p in near if d <= closest + 60]
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    bbox = (min(lats), min(lons), max(lats), max(lons))
    return sum(lats) / len(lats), sum(lons) / len(lons), bbox


DIRECTION_OF_COUNTRY = re.compile(
    rf"\b{_DIR_RE}\s+(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){{0,2}})"
)
HELD_DIRECTION = re.compile(
    rf"\b(?:the\s+)?(?P<who>[A-Z][\w]+)[- ](?:held|controlled|led|run|dominated|occupied)\s+"
    rf"{_DIR_RE}\b(?!\s+[A-Z])"
)
BORDER = re.compile(
    r"\b(?:the\s+)?(?P<a>[A-Z][\w]+(?:\s[A-Z][\w]+)?)\s?[-–/]\s?(?P<b>[A-Z][\w]+(?:\s[A-Z][\w]+)?)"
    r"\s+(?:border|frontier|boundary)\b"
)
