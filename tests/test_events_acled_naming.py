"""ACLED rows a coder would accept: actor names and codes, the place fallback, id prefix,
source and admin2 (synthetic records, no parsing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressgraph.evaluate import get_task
from pressgraph.evaluate.acled_rows import load_rows, normalise
from pressgraph.extract.events.acled import (
    acled_row,
    admin2_of,
    classify_actor,
    country_prefix,
    source_of,
)
from pressgraph.model import Actor, Article, Event, Place

TEXT = ("HOLTVILLE, Turkey, May 2 (Ledger) - The army fired on soldiers and dozens of boats "
        "near the river on Monday. Kenyan police and soldiers arrested nine students.")


def _article(text: str = TEXT, **kw: object) -> Article:
    base: dict[str, object] = {"id": "art1", "text": text, "published": "2024-05-03"}
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def _event(text: str = TEXT, **kw: object) -> Event:
    base: dict[str, object] = {
        "id": "ev1", "article_id": "art1", "start": 0, "end": len(text), "extractor": "t",
        "text": text, "event_type": "ASSAULT", "factuality": "asserted",
    }
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


def _place(text: str, start: int, **kw: object) -> Place:
    base: dict[str, object] = {
        "id": f"pl{start}", "article_id": "art1", "start": start, "end": start + len(text),
        "extractor": "t", "text": text, "name": text, "mention_type": "name",
    }
    base.update(kw)
    return Place(**base)  # type: ignore[arg-type]


def _actor(name: str, start: int, **kw: object) -> Actor:
    base: dict[str, object] = {"id": f"ac{start}", "article_id": "art1", "start": start,
                               "end": start + len(name), "extractor": "t", "name": name,
                               "type": "ORG"}
    base.update(kw)
    return Actor(**base)  # type: ignore[arg-type]


TURKEY = _place("Turkey", TEXT.index("Turkey"), country_code="TR", precision="country",
                name="Turkey")
SENTENCE = TEXT[TEXT.index("The army"):TEXT.index("Kenyan") - 1]


def test_state_forces_get_acled_names_and_quantity_phrases_no_slot() -> None:
    text_start = TEXT.index("The army")
    event = _event(actor_text="army", recipient_text="soldiers and dozens of boats",
                   acled_event_type="Battles", acled_sub_event_type="Armed clash",
                   start=text_start, end=text_start + len(SENTENCE), notes=SENTENCE,
                   trigger_start=TEXT.index("fired"))
    row = acled_row(event, TURKEY, _article(), places=[TURKEY])
    assert row["actor1"] == "Military Forces of Turkey" and row["inter1"] == 1
    # "soldiers" are the army again; "dozens of boats" is no actor at all
    assert row["actor2"] == "" and row["assoc_actor_2"] == ""
    assert row["interaction"] == 10
    assert row["event_id_cnty"] == "TUR" + "ev1"


def test_nationality_names_the_force_and_further_actors_are_associated() -> None:
    at = TEXT.index("Kenyan")
    sentence = TEXT[at:]
    kenyan = _place("Kenyan", at, country_code="KE", precision="country", name="Kenya",
                    mention_type="demonym")
    event = _event(actor_text="Kenyan police and soldiers", recipient_text="nine students",
                   acled_event_type="Strategic developments", acled_sub_event_type="Arrests",
                   start=at, end=len(TEXT), notes=sentence, trigger_start=TEXT.index("arrested"))
    row = acled_row(event, TURKEY, _article(), places=[TURKEY, kenyan])
    assert row["actor1"] == "Police Forces of Kenya"
    assert row["assoc_actor_1"] == "Military Forces of Kenya"  # the demonym covers both
    assert (row["actor2"], row["inter2"], row["interaction"]) == ("Civilians (Turkey)", 7, 17)


@pytest.mark.parametrize(("phrase", "sub_type", "name", "inter"), [
    ("gunmen", "Attack", "Unidentified Armed Group (Mali)", 3),
    ("armed men", "Abduction/forced disappearance", "Unidentified Armed Group (Mali)", 3),
    ("thousands of people", "Peaceful protest", "Protesters (Mali)", 6),
    ("demonstrators", "Violent demonstration", "Rioters (Mali)", 5),
    ("villagers", "Attack", "Civilians (Mali)", 7),
    ("riot police", "Protest with intervention", "Police Forces of Mali", 1),
])
def test_phrases_map_to_acled_actor_types(phrase: str, sub_type: str, name: str,
                                          inter: int) -> None:
    coded = classify_actor(phrase, None, "Mali", sub_type)
    assert coded is not None and (coded.name, coded.inter) == (name, inter)


@pytest.mark.parametrize("phrase", ["dozens of boats", "12", "the market", "batons"])
def test_things_and_quantities_are_no_actors(phrase: str) -> None:
    assert classify_actor(phrase, None, "Mali", "Attack") is None


def test_named_armed_group_keeps_its_name() -> None:
    group = _actor("Northern Valley Front", 0, category="armed_group", inter=2)
    coded = classify_actor("Northern Valley Front", group, "Chad", "Armed clash")
    assert coded is not None and (coded.name, coded.inter) == ("Northern Valley Front", 2)


def test_unknown_attacker_and_civilian_victims_by_default() -> None:
    text = "Shots were fired at a wedding in Mopti on Sunday."
    mopti = _place("Mopti", text.index("Mopti"), country_code="ML", precision="city",
                   admin1="Mopti", lat=14.48, lon=-4.18)
    event = _event(text, acled_event_type="Violence against civilians",
                   acled_sub_event_type="Attack", place_id=mopti.id, notes=text,
                   trigger_start=text.index("fired"))
    row = acled_row(event, mopti, _article(text), places=[mopti])
    assert (row["actor1"], row["actor2"], row["interaction"]) == (
        "Unidentified Armed Group (Mali)", "Civilians (Mali)", 37)


def test_protest_puts_protesters_first_and_the_police_second() -> None:
    text = "Police dispersed a march in Dakar with tear gas."
    event = _event(text, actor_text="Police", recipient_text="a march", notes=text,
                   acled_event_type="Protests", acled_sub_event_type="Protest with intervention",
                   trigger_start=text.index("dispersed"))
    dakar = _place("Dakar", text.index("Dakar"), country_code="SN", precision="city")
    row = acled_row(event, dakar, _article(text), places=[dakar])
    assert (row["actor1"], row["actor2"], row["interaction"]) == (
        "Protesters (Senegal)", "Police Forces of Senegal", 16)


def test_place_falls_back_to_the_sentence_then_to_the_main_place() -> None:
    text = "GOMA, Congo (Ledger) - Fighting spread. Shells hit a camp near Sake overnight."
    goma = _place("GOMA", 0, country_code="CD", precision="city", name="Goma",
                  admin1="Nord Kivu", is_focus=True, mention_type="dateline")
    sake = _place("Sake", text.index("Sake"), country_code="CD", precision="city",
                  admin1="Nord Kivu")
    second = text[text.index("Shells"):]
    in_sentence = _event(text, notes=second, start=text.index("Shells"), end=len(text),
                         acled_event_type="Explosions/Remote violence",
                         acled_sub_event_type="Shelling/artillery/missile attack")
    row = acled_row(in_sentence, None, _article(text), places=[goma, sake])
    assert (row["location"], row["geo_precision"]) == ("Sake", 1)
    first = "Fighting spread."
    elsewhere = _event(text, notes=first, start=text.index(first),
                       end=text.index(first) + len(first), acled_event_type="Battles",
                       acled_sub_event_type="Armed clash")
    row = acled_row(elsewhere, None, _article(text), places=[goma, sake])
    # only the article's main place: somewhere around Goma, ACLED's precision 2
    assert (row["location"], row["geo_precision"], row["admin1"]) == ("Goma", 2, "Nord Kivu")
    assert row["country"] and row["event_id_cnty"].startswith("COD")


def test_unknown_country_prefix_and_iso3() -> None:
    assert country_prefix(None) == "XXX"
    assert country_prefix("ng") == "NGA"


def test_source_from_metadata_url_or_wire_dateline() -> None:
    assert source_of(_article(source="Lake Courier")) == "Lake Courier"
    assert source_of(_article(url="https://www.example-news.org/a/1")) == "example-news.org"
    assert source_of(_article()) == "Ledger"
    assert source_of(_article("No dateline here.")) == ""


def test_admin2_from_the_town_list_when_it_names_one() -> None:
    town = _place("Springfield", 0, country_code="US", precision="city", lat=39.8017,
                  lon=-89.6437)
    assert admin2_of(town) == "Sangamon County"
    assert admin2_of(_place("Illinois", 0, country_code="US", precision="admin1",
                            lat=40.0, lon=-89.0)) == ""


def test_rows_gold_loads_and_compares_names_loosely(tmp_path: Path) -> None:
    assert get_task("acled-rows")
    assert normalise("Al-Shabaab") == normalise("al shabaab")
    assert normalise("Bogotá") == normalise("Bogota") and normalise(4.0) == "4"
    bad = tmp_path / "rows.jsonl"
    bad.write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs text"):
        load_rows(bad)
