"""ACLED typing: the learned typer, the main event of a report, and the evaluation's parts.

Sentences here are written for these tests (none is in ``eval/gold/acled/train.jsonl``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from pressgraph.evaluate.acled import (
    GOLD_DIR,
    folds,
    gold_label,
    load_descriptions,
    main_label,
    scores,
)
from pressgraph.extract import ParsedDocument
from pressgraph.extract.events import extract, scored_events
from pressgraph.extract.events.acled import ACLED_COLUMNS, acled_row
from pressgraph.extract.events.typer import (
    DIM,
    EVENT_TYPE_OF,
    LABELS,
    OTHER_TYPES,
    shipped_typer,
    train,
)
from pressgraph.model import Article, Event, Extraction, article_id_for
from pressgraph.nlp import load_pipeline


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def parse(nlp: Language, text: str) -> ParsedDocument:
    article = Article(id=article_id_for(text), text=text, source="Test Wire",
                      published="2025-04-02")
    return ParsedDocument(article=article, doc=nlp(text), extraction=Extraction(article=article))


def main_event(nlp: Language, text: str) -> Event:
    events = [e for e in extract(parse(nlp, text))["events"] if isinstance(e, Event)]
    mains = [e for e in events if e.is_main]
    assert len(mains) == 1, [(e.trigger, e.rank) for e in events]
    return mains[0]


def test_labels_cover_every_acled_sub_event_type_and_other_type() -> None:
    assert len(EVENT_TYPE_OF) == 25
    assert set(OTHER_TYPES) == {"natural_disaster", "accident", "diplomatic_visit", "crime",
                                "responsibility_claim"}
    assert len(LABELS) == 31


def test_shipped_typer_loads_and_gives_a_distribution() -> None:
    typer = shipped_typer()
    assert typer is not None, "run scripts/train_acled_typer.py"
    assert typer.weights.shape == (DIM, len(LABELS))
    probs = typer.probabilities(np.zeros((2, DIM), dtype=np.float32))
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_trainer_separates_what_it_is_shown() -> None:
    rng = np.random.default_rng(3)
    rows = rng.normal(0, 1, (60, DIM)).astype(np.float32)
    labels = ["Grenade" if row[0] > 0 else "Arrests" for row in rows]
    typer = train(rows, labels, epochs=80)
    pred = [typer.labels[i] for i in typer.probabilities(rows).argmax(axis=1)]
    assert sum(p == g for p, g in zip(pred, labels, strict=True)) >= 57


def test_grenade_is_told_from_the_verb(nlp: Language) -> None:
    event = main_event(nlp, "A man hurled a hand grenade into a crowded bar in Gulu on "
                            "Saturday night, wounding nine customers.")
    assert event.acled_sub_event_type == "Grenade"
    assert event.acled_event_type == "Explosions/Remote violence"
    assert event.other_type is None


def test_dispersed_protest_is_a_protest_with_intervention(nlp: Language) -> None:
    event = main_event(nlp, "Riot police fired tear gas to break up a peaceful march by "
                            "nurses demanding unpaid salaries in Harare.")
    assert event.acled_sub_event_type == "Protest with intervention"


def test_earthquake_is_no_conflict_event(nlp: Language) -> None:
    event = main_event(nlp, "A strong earthquake shook the coastal province of Esmeraldas "
                            "on Monday, destroying hundreds of homes and killing 11 people.")
    assert event.other_type == "natural_disaster"
    assert event.acled_event_type is None and event.acled_sub_event_type is None
    assert acled_row(event, None, None)["event_type"] == ""


def test_main_event_is_the_first_sentences_and_ranks_are_a_permutation(
        nlp: Language) -> None:
    text = ("Fighters of an armed group seized the town of Kalehe after soldiers fled on "
            "Tuesday. The group's spokesman said it would hold talks. Residents fear more "
            "fighting.")
    parsed = parse(nlp, text)
    events = [e for e, _ in scored_events(parsed)]
    assert sorted(e.rank for e in events) == list(range(1, len(events) + 1))
    main = next(e for e in events if e.is_main)
    assert main.rank == 1
    assert main.start < text.index("The group's")
    assert main.acled_event_type is not None
    assert main.notes == text[:text.index(" The group's")]


def test_rules_alone_still_code_without_the_model(nlp: Language) -> None:
    parsed = parse(nlp, "Soldiers arrested the opposition leader at his home in Lome.")
    events = [e for e, _ in scored_events(parsed, None)]
    assert any(e.acled_sub_event_type == "Arrests" for e in events)


def test_acled_row_of_a_coded_event_points_back_at_its_text(nlp: Language) -> None:
    parsed = parse(nlp, "Gunmen killed four farmers in a village near Bokkos on Sunday.")
    event = next(e for e, _ in scored_events(parsed) if e.is_main)
    row = acled_row(event, None, parsed.article)
    assert tuple(row) == ACLED_COLUMNS
    assert parsed.text[row["start"]:row["end"]] == event.text
    assert row["source"] == "Test Wire"
    assert row["fatalities"] == 4
    assert row["sub_event_type"] == event.acled_sub_event_type


def test_folds_partition_the_records_the_same_way_every_time() -> None:
    first, again = folds(23), folds(23)
    assert first == again
    assert sorted(i for fold in first for i in fold) == list(range(23))
    assert {len(fold) for fold in first} <= {4, 5}


def test_weighted_and_macro_f1() -> None:
    gold = ["Grenade", "Grenade", "Grenade", "Arrests"]
    pred = ["Grenade", "Grenade", "Arrests", "Arrests"]
    got = scores(gold, pred, "x", per_type=True)
    grenade_f1, arrests_f1 = 2 * 1 * (2 / 3) / (1 + 2 / 3), 2 * 0.5 * 1 / 1.5
    assert got["x_accuracy"] == 75.0
    assert got["x_macro_f1"] == round(100 * (grenade_f1 + arrests_f1) / 2, 1)
    assert got["x_weighted_f1"] == round(100 * (3 * grenade_f1 + arrests_f1) / 4, 1)
    assert got["x_f1_grenade"] == round(100 * grenade_f1, 1)


def test_training_gold_is_well_formed() -> None:
    records = load_descriptions(GOLD_DIR / "train.jsonl")
    by_label: dict[str, int] = {}
    for rec in records:
        by_label[gold_label(rec)] = by_label.get(gold_label(rec), 0) + 1
        if rec["sub_event_type"]:
            assert rec["event_type"] == EVENT_TYPE_OF[rec["sub_event_type"]]
            assert rec["other_type"] is None
    assert all(by_label.get(label, 0) >= 20 for label in LABELS)


def test_a_bad_gold_line_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps({"text": "x", "sub_event_type": "Battle"}) + "\n", "utf-8")
    with pytest.raises(ValueError, match=r"train.jsonl:1: needs text and a known"):
        load_descriptions(path)


def test_main_label_is_none_without_events(nlp: Language) -> None:
    parsed = parse(nlp, "The museum will reopen to visitors next spring.")
    assert main_label(parsed, None) == "none"


EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
# The event an ACLED coder would code from each example article (its lede).
EXAMPLE_MAIN = {
    "shelling-sake.txt": ("Shelling/artillery/missile attack", None),
    "protest-dakar.txt": ("Protest with intervention", None),
    "ceasefire-tripoli.txt": ("Agreement", None),
    "earthquake-van.txt": (None, "natural_disaster"),
    "prison-break-yola.txt": ("Other", None),
    "isis-prisoners-followup.txt": ("Other", None),
}


@pytest.mark.parametrize(("name", "expected"), sorted(EXAMPLE_MAIN.items()))
def test_example_articles_main_event(name: str, expected: tuple[str | None, str | None]) -> None:
    from pressgraph.pipeline import parse_text

    parsed = parse_text((EXAMPLES / name).read_text(encoding="utf-8"), raw=False,
                        published="2025-01-01")
    mains = [e for e in parsed.extraction.events if e.is_main]
    assert len(mains) == 1
    assert (mains[0].acled_sub_event_type, mains[0].other_type) == expected


def test_a_flood_report_codes_no_political_violence() -> None:
    """The model's low-confidence label may not stand alone where the rules found no ACLED
    type: soldiers deployed to help with rescues are not a bombing."""
    from pressgraph.ingest import read_inputs
    from pressgraph.model import Article
    from pressgraph.pipeline import PipelineConfig, run

    article = next(a for a in read_inputs([str(EXAMPLES / "flood-update.html")])
                   if isinstance(a, Article))
    extraction = next(run([article], PipelineConfig(published="2024-07-03")))
    violent = [e for e in extraction.events
               if e.acled_event_type in ("Battles", "Explosions/Remote violence",
                                         "Violence against civilians")]
    assert violent == []
