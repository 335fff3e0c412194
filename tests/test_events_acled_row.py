"""The ACLED row of one event: column names, codes and the empty row of a non-conflict event."""

from __future__ import annotations

from pressgraph.extract.events.acled import (
    ACLED_COLUMNS,
    acled_row,
    geo_precision,
    interaction,
    time_precision,
)
from pressgraph.model import Article, Event, Place


def _event(**kw: object) -> Event:
    base: dict[str, object] = {
        "id": "ev1", "article_id": "art1", "start": 10, "end": 60, "extractor": "events@5",
        "text": "gunmen attacked the market", "event_type": "ASSAULT",
    }
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


def _place(**kw: object) -> Place:
    base: dict[str, object] = {
        "id": "pl1", "article_id": "art1", "start": 40, "end": 47, "extractor": "places@3",
        "text": "Maiduguri", "name": "Maiduguri", "country_code": "NG", "admin1": "Borno",
        "precision": "city", "lat": 11.85, "lon": 13.16,
    }
    base.update(kw)
    return Place(**base)  # type: ignore[arg-type]


ARTICLE = Article(id="art1", text="x" * 80, source="Lake Chad Courier", published="2024-03-05")


def test_row_has_exactly_the_acled_columns_in_order() -> None:
    row = acled_row(_event(acled_event_type="Violence against civilians",
                           acled_sub_event_type="Attack", inter1=2, inter2=7, dead=4.0,
                           date="2024-03-04"), _place(), ARTICLE)
    assert tuple(row) == ACLED_COLUMNS
    assert row["event_type"] == "Violence against civilians"
    assert row["sub_event_type"] == "Attack"
    assert row["interaction"] == 27
    assert row["fatalities"] == 4
    assert row["event_date"] == "2024-03-04" and row["time_precision"] == 1
    assert (row["country"], row["admin1"], row["location"]) == ("Nigeria", "Borno", "Maiduguri")
    assert row["geo_precision"] == 1
    assert row["source"] == "Lake Chad Courier"
    assert (row["article_id"], row["start"], row["end"]) == ("art1", 10, 60)


def test_undated_event_takes_the_publication_week() -> None:
    row = acled_row(_event(acled_event_type="Protests", acled_sub_event_type="Peaceful protest",
                           inter1=6), None, ARTICLE)
    assert row["event_date"] == "2024-03-05" and row["time_precision"] == 2
    assert row["interaction"] == 60
    assert row["fatalities"] == 0
    assert row["country"] == "" and row["latitude"] is None


def test_non_conflict_event_leaves_acled_types_empty() -> None:
    row = acled_row(_event(event_type="AID", other_type="natural_disaster",
                           acled_event_type=None), _place(), ARTICLE)
    assert row["event_type"] == "" and row["sub_event_type"] == ""


def test_codes() -> None:
    assert interaction(None, None) is None
    assert interaction(7, 2) == 27
    assert time_precision("2024-W10") == 2
    assert time_precision("2024-03") == 3
    assert time_precision(None) is None
    assert geo_precision(_place(precision="admin1")) == 3
    assert geo_precision(_place(precision="region")) == 2
    assert geo_precision(_place(precision="city", mention_type="direction")) == 2
