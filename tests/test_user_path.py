"""The user path around extraction: what start-up loads, rendering, the store's write path and
the ingest summary's queries, kept equal to the slower code they replaced."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from pressgraph.clean import clean_text
from pressgraph.model import (
    Actor,
    Article,
    ClaimRelation,
    Extraction,
    OffsetMap,
    Place,
    Quantity,
    article_id_for,
    record_to_dict,
    stable_id,
)
from pressgraph.store import Store, queries

SRC = Path(__file__).resolve().parents[1] / "src"


def _article(text: str, path: str) -> Article:
    return Article(id=article_id_for(text), text=text, raw_text=text, path=path,
                   published="2025-03-01", offset_map=OffsetMap.identity(len(text)))


def _actor(article: Article, n: int, name: str, roles: tuple[str, ...],
           mentions: int) -> Actor:
    return Actor(id=stable_id(article.id, "actor", n), article_id=article.id, start=0, end=5,
                 extractor="test@1", name=name, type="PERSON", roles=roles,
                 aliases=(name.lower(),), mention_count=mentions)


def test_reading_and_linking_text_files_loads_no_web_server_html_or_dataframe_library(
    tmp_path: Path,
) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Flood waters rose in the river town on Tuesday.\n", encoding="utf-8")
    # A fresh interpreter: this test process may have imported anything already.
    script = (
        "import sys\n"
        "import pressgraph.cli, pressgraph.service, pressgraph.batch, pressgraph.pipeline\n"
        "import pressgraph.store.linking, pressgraph.link\n"
        "from pressgraph.ingest import read_inputs\n"
        f"assert len(list(read_inputs([{str(story)!r}]))) == 1\n"
        "heavy = ['fastapi', 'pyarrow', 'ray', 'pandas', 'trafilatura', 'feedparser',\n"
        "         'fastwarc', 'pressgraph.store.queries']\n"
        "print(' '.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={"PYTHONPATH": str(SRC)}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_record_to_dict_matches_asdict_with_lists() -> None:
    article = _article("Officials in Lagos said 14 people were hurt.", "a.txt")
    records = [
        _actor(article, 1, "Ada Obi", ("mayor", "spokeswoman"), 2),
        Place(id="p1", article_id=article.id, start=13, end=18, extractor="test@1",
              text="Lagos", bbox=(6.3, 3.1, 6.7, 3.6), is_focus=True),
        Quantity(id="q1", article_id=article.id, start=24, end=26, extractor="test@1",
                 text="14", value=14.0, low=14.0, high=14.0, approximate=False),
        ClaimRelation(id="r1", relation="update", claim_a="c1", claim_b="c2",
                      article_a=article.id, article_b="other", explanation="14 then 20 hurt"),
    ]
    for record in records:
        expected = {k: list(v) if isinstance(v, tuple) else v
                    for k, v in dataclasses.asdict(record).items()}
        got = record_to_dict(record)
        assert got == expected
        assert list(got) == list(expected)  # the JSON keys keep their order
        assert json.dumps(got) == json.dumps(expected)


def test_store_round_trip_keeps_sequences_bools_and_nulls(tmp_path: Path) -> None:
    article = _article("Ada Obi, the mayor, spoke in Lagos on Monday.", "b.txt")
    actor = _actor(article, 1, "Ada Obi", ("mayor",), 3)
    place = Place(id="p1", article_id=article.id, start=29, end=34, extractor="test@1",
                  text="Lagos", bbox=(6.3, 3.1, 6.7, 3.6), is_focus=True, is_metonym=False,
                  geonameid=None)
    extraction = Extraction(article=article, actors=(actor,), places=(place,))
    with Store(tmp_path / "s.db") as store:
        assert store.write_extraction(extraction, "test")
        back = store.load_extraction(article.id)
        raw = store.conn.execute("SELECT roles, is_focus FROM actors, places").fetchone()
    assert back is not None
    assert back.actors == (actor,)
    assert back.places == (place,)
    assert json.loads(raw["roles"]) == ["mayor"]
    assert raw["is_focus"] == 1


def test_most_mentioned_actors_ranks_groups_and_keeps_roles_in_first_seen_order(
    tmp_path: Path,
) -> None:
    first = _article("Ada Obi spoke. Ben Eze listened.", "1.txt")
    second = _article("ADA OBI spoke again, and Cy Dan left.", "2.txt")
    with Store(tmp_path / "s.db") as store:
        store.write_extraction(Extraction(article=first, actors=(
            _actor(first, 1, "Ada Obi", ("mayor", "chair"), 4),
            _actor(first, 2, "Ben Eze", ("clerk",), 2),
        )), "test")
        store.write_extraction(Extraction(article=second, actors=(
            _actor(second, 1, "ADA OBI", ("speaker", "mayor"), 3),
            _actor(second, 2, "Cy Dan", (), 1),
        )), "test")
        top = queries.most_mentioned_actors(store, 2)
        everyone = queries.most_mentioned_actors(store, 10)
    assert [(r["name"].lower(), r["articles"], r["mentions"]) for r in top] == [
        ("ada obi", 2, 7), ("ben eze", 1, 2)]
    assert top[0]["roles"] == "mayor; chair; speaker"
    assert [r["name"] for r in everyone][2:] == ["Cy Dan"]
    assert everyone[2]["roles"] is None


def test_cleaning_still_drops_a_caption_that_repeats_the_story() -> None:
    text = (
        "Bridge reopens after repairs\n\n"
        "Engineers reopened the Kell river bridge on Friday after six weeks of repairs.\n\n"
        "Engineers reopened the Kell river bridge (pictured)\n\n"
        "Traffic was light in the first hour, the council said."
    )
    result = clean_text(text)
    assert "(pictured)" not in result.text
    # the headline stays as the text's first paragraph (its claims are linked); the caption goes
    assert result.text.startswith("Bridge reopens after repairs\n\n")
    assert [reason for *_span, reason in result.dropped] == ["caption"]
