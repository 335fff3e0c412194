"""Cross-article linking measured on NewsReader MEANTIME (``pressgraph evaluate link-meantime``)."""

from __future__ import annotations

import pytest

from pressgraph.evaluate import get_task
from pressgraph.evaluate.meantime_link import (
    MEANTIME,
    b_cubed,
    cross_doc_pairs,
    load_doc,
    load_instances,
    muc,
    rebuild_text,
)

needs_corpus = pytest.mark.skipif(not MEANTIME.exists(), reason="MEANTIME not in ../shared/eval")
FIRST = "corpus_airbus/100911_Northrop_Grumman_and_Airbus_parent_EADS_defeat_Boeing.xml"


def test_rebuild_joins_punctuation_and_quotes() -> None:
    tokens = [("1", "0", "He"), ("2", "0", "said"), ("3", "0", '"'), ("4", "0", "no"),
              ("5", "0", '"'), ("6", "0", "."), ("7", "1", "US$"), ("8", "1", "5"),
              ("9", "1", "("), ("10", "1", "GM"), ("11", "1", ")"), ("12", "1", "'s")]
    text, offsets = rebuild_text(tokens)
    assert text == 'He said "no".\nUS$5 (GM)\'s'
    assert all(text[s:e] == word for (t_id, _, word) in tokens
               for s, e in [offsets[t_id]])


@needs_corpus
def test_cat_xml_offsets_map_tokens_exactly() -> None:
    import xml.etree.ElementTree as ET

    path = MEANTIME / FIRST
    doc = load_doc(path, load_instances(MEANTIME / "list_instances.csv"))
    tokens = list(ET.parse(path).getroot().iter("token"))
    assert len(doc.tokens) == len(tokens)
    for tok in tokens:
        start, end = doc.tokens[tok.get("t_id", "")]
        assert doc.text[start:end] == tok.text
    assert doc.text.startswith("Northrop Grumman and Airbus parent EADS defeat Boeing")
    assert doc.published == "2008-03-01"
    assert doc.topic == "corpus_airbus"
    boeing = [m for m in doc.mentions if m.instance == "ORG37154719725500990"]
    assert boeing and all(doc.text[m.start:m.end] == m.text for m in boeing)
    assert {m.text for m in boeing} >= {"Boeing"}
    assert all(m.cls == "ORG" and m.kind == "ENTITY" for m in boeing)


def test_scores_on_a_toy_partition() -> None:
    gold = {("a", "1"): "X", ("a", "2"): "X", ("b", "3"): "X", ("b", "4"): "Y"}
    perfect = b_cubed(gold, gold, "b3")
    assert perfect == {"b3_p": 100.0, "b3_r": 100.0, "b3_f1": 100.0}
    split = {("a", "1"): "p", ("a", "2"): "p", ("b", "3"): "q", ("b", "4"): "q"}
    scores = b_cubed(gold, split, "b3")
    assert scores["b3_r"] < 100 and scores["b3_p"] < 100
    assert muc(gold, split, "muc")["muc_r"] == 50.0  # one of the two gold links kept
    doc = {k: k[0] for k in gold}
    xdoc = cross_doc_pairs(gold, split, doc, "x")
    assert xdoc["x_r"] == 0.0  # both cross-document gold pairs (1-3, 2-3) lost


@needs_corpus
def test_evaluation_reports_bounded_metrics() -> None:
    report = get_task("link-meantime")(None, limit=6)
    assert report.task == "link-meantime"
    assert report.counts["articles"] == 6
    assert report.counts["entity_gold_mentions"] > 0
    for name in ("entity_b3_f1", "entity_muc_f1", "entity_string_b3_f1",
                 "entity_mention_coverage", "entity_xdoc_pair_f1", "event_b3_f1",
                 "event_mention_coverage"):
        assert name in report.metrics
    assert all(0.0 <= v <= 100.0 for v in report.metrics.values())
    assert report.metrics["entity_mention_coverage"] > 0
