"""A store of synthetic articles, written without the NLP pipeline: enough located, dated
events to time a page of 1,000 of them, and text that would run as script if a page ever
forgot to escape it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pressgraph.model import Article, Claim, ClaimRelation, Event, Extraction, Place, stable_id
from pressgraph.store import Store

# (town, country code, latitude, longitude): real coordinates, rounded.
TOWNS = (
    ("Goma", "CD", -1.68, 29.22), ("Bunia", "CD", 1.56, 30.25), ("Maiduguri", "NG", 11.85, 13.16),
    ("Yola", "NG", 9.2, 12.48), ("Gao", "ML", 16.27, -0.04), ("Mopti", "ML", 14.49, -4.2),
    ("Tripoli", "LY", 32.89, 13.19), ("Benghazi", "LY", 32.12, 20.07),
    ("Aleppo", "SY", 36.2, 37.16), ("Idlib", "SY", 35.93, 36.63),
    ("Kharkiv", "UA", 49.99, 36.23), ("Kherson", "UA", 46.64, 32.61),
    ("Dakar", "SN", 14.69, -17.44), ("Khartoum", "SD", 15.5, 32.56),
    ("El Fasher", "SD", 13.63, 25.35), ("Mogadishu", "SO", 2.04, 45.34),
)
# (PLOVER type, what the synthetic sentence says happened)
HAPPENINGS = (
    ("ASSAULT", "gunmen attacked a checkpoint"),
    ("PROTEST", "hundreds of traders marched against a fuel tax"),
    ("MOBILIZE", "the army deployed extra troops"),
    ("AID", "a relief convoy delivered food"),
    ("COERCE", "police detained a group of students"),
    ("CONSULT", "local leaders met the regional governor"),
)
HOSTILE_TITLE = ('<script>window.__pwned = 1</script> Markup in a headline'
                 ' <img src=x onerror="window.__pwned = 2">')
HOSTILE_TEXT = ('A caption pasted as markup: <script>window.__pwned = 3</script>'
                ' & "quotes" stay text.')


def synthetic_extraction(number: int, events_per_article: int) -> Extraction:
    """One article of ``events_per_article`` sentences, each an event at a town, a day apart."""
    day0 = date(2024, 1, 1) + timedelta(days=number)
    sentences: list[str] = []
    events: list[Event] = []
    places: list[Place] = []
    article_id = stable_id("synthetic", number)
    offset = 0
    for i in range(events_per_article):
        town, country, lat, lon = TOWNS[(number + i) % len(TOWNS)]
        event_type, happened = HAPPENINGS[(number * 7 + i) % len(HAPPENINGS)]
        day = day0 + timedelta(days=i % 5)
        sentence = f"On {day:%d %B %Y} in {town}, {happened}."
        town_start = offset + sentence.index(town)
        place = Place(id=stable_id(article_id, "place", i), article_id=article_id,
                      start=town_start, end=town_start + len(town), extractor="synthetic",
                      text=town, name=town, country_code=country,
                      lat=lat + (i % 7) * 0.01, lon=lon + (i % 5) * 0.01, precision="city",
                      feature="city")
        what_start = offset + sentence.index(happened)
        events.append(Event(
            id=stable_id(article_id, "event", i), article_id=article_id, start=what_start,
            end=what_start + len(happened), extractor="synthetic", text=happened,
            event_type=event_type, trigger=happened.split()[1], place_id=place.id,
            date=day.isoformat(), actor_text=happened.split(" ")[0]))
        places.append(place)
        sentences.append(sentence)
        offset += len(sentence) + 1
    text = " ".join(sentences)
    if number == 0:
        text += " " + HOSTILE_TEXT
    article = Article(id=article_id, text=text, title=HOSTILE_TITLE if number == 0 else
                      f"Synthetic report {number}", published=day0.isoformat(),
                      source="synthetic", raw_text=text)
    return Extraction(article=article, events=tuple(events), places=tuple(places))


def write_synthetic_store(path: Path, articles: int = 50, events_per_article: int = 22) -> int:
    """Write the synthetic store at ``path`` (plus two claims in conflict); returns how many
    events it holds."""
    with Store(path) as store:
        for number in range(articles):
            store.write_extraction(synthetic_extraction(number, events_per_article))
        _write_conflict(store)
        return int(store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])


def _write_conflict(store: Store) -> None:
    """Two articles whose claims about one toll cannot both hold, and their relation."""
    texts = ("Officials said 12 people were killed in the blast at the market.",
             "Hospital staff said at least 40 people were killed in the market blast.")
    claims = []
    for n, text in enumerate(texts):
        article = Article(id=stable_id("conflict", n), text=text, title=f"Market blast, {n + 1}",
                          published=f"2024-03-0{n + 1}", source="synthetic", raw_text=text)
        claim = Claim(id=stable_id("claim", n), article_id=article.id, start=0, end=len(text),
                      extractor="synthetic", claimant_actor_id=None,
                      claimant_text=("Officials", "Hospital staff")[n], subject="people",
                      predicate="kill", value_low=(12, 40)[n], value_high=(12, None)[n])
        claims.append(claim)
        store.write_extraction(Extraction(article=article, claims=(claim,)))
    relation = ClaimRelation(
        id=stable_id("relation"), relation="conflict", claim_a=claims[0].id,
        claim_b=claims[1].id, article_a=claims[0].article_id, article_b=claims[1].article_id,
        explanation="counts 12 and at least 40 cannot both hold")
    with store.conn:
        store.insert_records("conflicts", [relation])
