"""The entities extractor on the reference article and on sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressgraph.extract import ParsedDocument
from pressgraph.extract.entities import resolve_mention
from pressgraph.model import Actor
from pressgraph.pipeline import parse_text

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "isis-prisoners-escape.txt"


def _parse(text: str) -> ParsedDocument:
    return parse_text(text, raw=True, extractors=["entities"])


def _actor(parsed: ParsedDocument, name: str) -> Actor:
    matches = [a for a in parsed.extraction.actors if a.name == name]
    assert len(matches) == 1, [a.name for a in parsed.extraction.actors]
    return matches[0]


@pytest.fixture(scope="module")
def sample() -> ParsedDocument:
    if not SAMPLE.exists():
        pytest.skip("shared sample not available")
    return parse_text(
        SAMPLE.read_text("utf-8"), raw=False, published="2019-10-23", extractors=["entities"]
    )


def test_sample_people(sample: ParsedDocument) -> None:
    jeffrey = _actor(sample, "James Jeffrey")
    assert jeffrey.type == "PERSON" and jeffrey.category == "person"
    assert any("special envoy for Syria" in r for r in jeffrey.roles)
    assert "Jeffrey" in jeffrey.aliases and jeffrey.mention_count == 2

    trump = _actor(sample, "Donald Trump")
    assert trump.type == "PERSON" and "Trump" in trump.aliases
    assert "President" in trump.roles
    texts = {(e.text, e.label) for e in sample.extraction.entities}
    assert ("Donald Trump", "PERSON") in texts and ("Trump", "PERSON") in texts
    assert not any(e.text.endswith(("’s", "'s")) for e in sample.extraction.entities)

    baghdadi = _actor(sample, "Abu Bakr al-Baghdadi")
    assert baghdadi.roles == ("Islamic State leader",)


def test_sample_organisations(sample: ParsedDocument) -> None:
    isis = _actor(sample, "Islamic State")
    assert isis.category == "armed_group" and isis.inter == 2 and "ISIS" in isis.aliases
    sdf = _actor(sample, "Syrian Democratic Forces")
    assert sdf.category == "armed_group" and "SDF" in sdf.aliases and sdf.mention_count == 3
    dept = _actor(sample, "U.S. State Department")
    assert dept.type == "ORG" and dept.category == "government"
    assert not any(e.label == "NORP" and e.text == "Islamic" for e in sample.extraction.entities)
    # "is" is a verb, not the Islamic State: acronyms in the ruler are case-sensitive.
    assert not any(e.text == "is" for e in sample.extraction.entities)


def test_sample_places(sample: ParsedDocument) -> None:
    for name, code in (("Syria", "SY"), ("Turkey", "TR"), ("Russia", "RU")):
        actor = _actor(sample, name)
        assert actor.type == "GPE" and actor.category == "state" and actor.country_code == code
    hol = [e for e in sample.extraction.entities if e.text.startswith("al-Hol")]
    assert len(hol) == 2 and all(e.label == "FAC" and e.actor_id is None for e in hol)


def test_sample_records_are_consistent(sample: ParsedDocument) -> None:
    ids = {a.id for a in sample.extraction.actors}
    for e in sample.extraction.entities:
        assert sample.text[e.start : e.end] == e.text
        assert e.label in {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}
        if e.label in {"PERSON", "ORG", "GPE", "NORP"}:
            assert e.actor_id in ids
    for a in sample.extraction.actors:
        assert sample.text[a.start : a.end] == a.name


def test_resolve_mention_on_sample(sample: ParsedDocument) -> None:
    text = sample.text
    trump = _actor(sample, "Donald Trump").id
    i = text.index("the President")
    assert resolve_mention(sample, i, i + len("the President")) == trump
    i = text.index("Jeffrey earlier")
    assert resolve_mention(sample, i, i + 7) == _actor(sample, "James Jeffrey").id
    i = text.index("Trump’s critics")
    # A phrase headed by a common noun is not the person named inside it.
    assert resolve_mention(sample, i, i + len("Trump’s critics")) is None
    i = text.index("He estimated")
    assert resolve_mention(sample, i, i + 2) is None


def test_same_surname_different_people() -> None:
    parsed = _parse(
        "Ana Ruiz, the mayor of Leon, met Carlos Ruiz on Monday. "
        "Carlos Ruiz said the talks went well. Later Ruiz left the city."
    )
    names = {a.name for a in parsed.extraction.actors if a.type == "PERSON"}
    assert {"Ana Ruiz", "Carlos Ruiz"} <= names
    ana = _actor(parsed, "Ana Ruiz")
    assert ana.mention_count == 1 and any("mayor of Leon" in r for r in ana.roles)
    assert _actor(parsed, "Carlos Ruiz").mention_count == 3


def test_title_before_name_and_acronym_in_brackets() -> None:
    text = (
        "Interior Minister Lena Vos said the Northern Relief Agency (NRA) had sent food. "
        "The NRA said more was needed, Vos added."
    )
    parsed = _parse(text)
    vos = _actor(parsed, "Lena Vos")
    assert vos.roles == ("Interior Minister",) and vos.mention_count == 2
    assert not any(e.text == "Interior" for e in parsed.extraction.entities)
    nra = [a for a in parsed.extraction.actors if "NRA" in a.aliases or a.name == "NRA"]
    assert len(nra) == 1 and nra[0].mention_count == 3
    i = text.index("the minister") if "the minister" in text else -1
    assert i == -1
    j = text.index("Interior Minister")
    assert resolve_mention(parsed, j, j + len("Interior Minister")) == vos.id


def test_role_reference_resolves() -> None:
    text = (
        "Mark Osei, the United Nations envoy for Sudan, warned of famine. "
        "The envoy said aid convoys were blocked."
    )
    parsed = _parse(text)
    osei = _actor(parsed, "Mark Osei")
    i = text.index("The envoy")
    assert resolve_mention(parsed, i, i + len("The envoy")) == osei.id


def test_armed_group_ruler_and_categories() -> None:
    parsed = _parse(
        "Fighters from al-Shabaab and Boko Haram were blamed, while NATO and the "
        "Nigerian army responded. Hezbollah denied involvement."
    )
    cats = {a.name: a.category for a in parsed.extraction.actors}
    assert cats.get("al-Shabaab") == "armed_group"
    assert cats.get("Boko Haram") == "armed_group"
    assert cats.get("Hezbollah") == "armed_group"
    assert cats.get("NATO") == "intergovernmental"


def test_dateline_place_and_agency_are_not_people() -> None:
    parsed = _parse(
        "KASESE, Uganda, May 2 (Newsline) - Floods swept through three villages near "
        "Kasese on Thursday, district official Mary Atuhaire told Newsline. Atuhaire said "
        "rescuers had reached Kasese by noon."
    )
    by_name = {a.name.lower(): a for a in parsed.extraction.actors}
    assert by_name["kasese"].type == "GPE"
    assert "newsline" not in by_name or by_name["newsline"].type == "ORG"
    assert not any(a.type == "PERSON" and a.name.isupper() for a in parsed.extraction.actors)
    assert _actor(parsed, "Mary Atuhaire").roles == ("district official",)
    assert all(r.lower().find("newsline") < 0 for a in parsed.extraction.actors for r in a.roles)
