"""The ECB+ reader and the coreference metrics of ``evaluate link-ecbplus``."""

from __future__ import annotations

import numpy as np

from pressgraph.evaluate.ecbplus import (
    GoldDocument,
    ceaf_e,
    map_events,
    muc,
    read_document,
    single_link,
    tfidf_single_link_baseline,
)

# A document in ECB+'s layout, written for this test.
XML = """<Document doc_name="7_2ecbplus.xml">
<token t_id="1" sentence="0" number="0">http://example.org/story</token>
<token t_id="2" sentence="1" number="0">Floods</token>
<token t_id="3" sentence="1" number="1">hit</token>
<token t_id="4" sentence="1" number="2">Lagos</token>
<token t_id="5" sentence="1" number="3">,</token>
<token t_id="6" sentence="1" number="4">officials</token>
<token t_id="7" sentence="1" number="5">said</token>
<token t_id="8" sentence="1" number="6">.</token>
<Markables>
<ACTION_OCCURRENCE m_id="10"><token_anchor t_id="3"/></ACTION_OCCURRENCE>
<ACTION_REPORTING m_id="11"><token_anchor t_id="7"/></ACTION_REPORTING>
<LOC_GEO m_id="12"><token_anchor t_id="4"/></LOC_GEO>
<ACTION_OCCURRENCE m_id="20" instance_id="ACT99"/>
</Markables>
<Relations>
<CROSS_DOC_COREF r_id="1" note="ACT99"><source m_id="10"/><target m_id="20"/></CROSS_DOC_COREF>
</Relations>
</Document>"""


def test_a_document_is_rebuilt_from_its_tokens_with_its_action_mentions(tmp_path):
    topic = tmp_path / "7"
    topic.mkdir()
    path = topic / "7_2ecbplus.xml"
    path.write_text(XML, "utf-8")
    doc = read_document(path)
    assert doc.text == "Floods hit Lagos, officials said."  # the URL line is dropped
    assert doc.story == "7ecbplus"
    assert [(doc.text[s:e], inst) for inst, (s, e) in doc.actions] == [
        ("hit", "ACT99"), ("said", "7_2ecbplus.xml#m11")]  # an unrelated mention: a singleton


def test_coreference_metrics_on_a_known_case():
    gold = {"a": 1, "b": 1, "c": 1, "d": 2}
    assert muc(gold, gold)[2] == 1.0 and ceaf_e(gold, gold)[2] == 1.0
    split = {"a": "x", "b": "x", "c": "y", "d": "z"}
    p, r, _ = muc(gold, split)
    assert (p, r) == (1.0, 0.5)  # one of the two links of {a, b, c} is missing
    lumped = {k: "x" for k in gold}
    assert muc(gold, lumped)[1] == 1.0 and muc(gold, lumped)[0] == 2 / 3


def test_events_map_to_the_gold_mention_their_trigger_overlaps():
    doc = GoldDocument(name="d", story="s", text="Floods hit Lagos, officials said.",
                       actions=(("A", (7, 10)), ("B", (28, 32))))
    mapped = map_events(doc, [("e1", (7, 10), (0, 33)), ("e2", (7, 10), (0, 33)),
                              ("e3", (11, 16), (0, 33))])
    assert mapped == {0: "e1"}  # one event per mention; e3 overlaps none


def test_the_anchor_tunes_its_threshold_on_the_set():
    docs = [GoldDocument(name=str(i), story=story, text=text, actions=())
            for i, (story, text) in enumerate([
                ("quake", "earthquake strikes Van province buildings collapse"),
                ("quake", "Van province earthquake collapses buildings"),
                ("rehab", "actress enters rehab clinic in Malibu"),
                ("rehab", "Malibu rehab clinic admits actress")])]
    threshold, (_, _, f1) = tfidf_single_link_baseline(docs)
    assert f1 == 1.0 and 0.05 <= threshold <= 0.95
    assert single_link(np.eye(3), 0.5) == [0, 1, 2]
