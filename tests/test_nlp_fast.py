"""The fast attribute ruler and lemmatizer must reproduce spaCy's stock output exactly."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from pressgraph.nlp import default_model_path
from pressgraph.nlp.fast import (
    DISABLE_ENV,
    FastAttributeRuler,
    FastEnglishLemmatizer,
    install_fast_components,
)

TEXTS = [
    '"We will not negotiate," the minister said on Tuesday, adding that talks were "dead".',
    "Gen. Mahmoud al-Rashid, 54, told Reuters the U.S.-led coalition had lost 3,200 troops "
    "since Jan. 1 2019 -- roughly 12.5% of its force.",
    "I can't say we're sure, and they won't, but y'all gonna see: there's gotta be a deal.",
    "REBELS SEIZE AIRPORT AS TALKS COLLAPSE IN KHARTOUM",
    "The   vote was\n\n\tdelayed   twice.  Officials    didn't   explain why.\n",
    "Le président Macron a rencontré M. Erdoğan à Zürich; the €4.5bn deal (≈$5bn) stalls.",
    "Ain't nobody got time, let's go! C'mon, she's been running and he got hurt.",
    "There were 17 arrests; there is no sign they were tortured, said Dr. O'Neill at 9:30 a.m.",
    "",
    "   ",
    "Mr. Smith's sons' houses were burned; the women's groups gets funding, he got none.",
    "Gotta love it: the leaders are meeting, having met twice before, and will meet again.",
]


def token_rows(doc: Doc) -> list[tuple[object, ...]]:
    return [
        (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
        for t in doc
    ]


@pytest.fixture(scope="module")
def pipelines() -> tuple[Language, Language]:
    stock = spacy.load(default_model_path())
    fast = spacy.load(default_model_path())
    assert install_fast_components(fast) == ["attribute_ruler", "lemmatizer"]
    return stock, fast


def test_components_are_swapped_in_place(pipelines: tuple[Language, Language]) -> None:
    stock, fast = pipelines
    assert type(fast.get_pipe("attribute_ruler")) is FastAttributeRuler
    assert type(fast.get_pipe("lemmatizer")) is FastEnglishLemmatizer
    assert fast.pipe_names == stock.pipe_names
    assert fast.config.to_str() == stock.config.to_str()
    # Already fast: a second install is a no-op.
    assert install_fast_components(fast) == []


def test_tokens_identical(pipelines: tuple[Language, Language]) -> None:
    stock, fast = pipelines
    for a, b in zip(stock.pipe(TEXTS), fast.pipe(TEXTS, batch_size=3), strict=True):
        assert token_rows(a) == token_rows(b)
    # One at a time as well (nlp(text) goes through __call__, nlp.pipe through Pipe.pipe).
    for text in TEXTS:
        assert token_rows(stock(text)) == token_rows(fast(text))


def test_matches_identical(pipelines: tuple[Language, Language]) -> None:
    stock, fast = pipelines
    stock_ruler, fast_ruler = stock.get_pipe("attribute_ruler"), fast.get_pipe("attribute_ruler")
    for text in TEXTS:
        doc = stock(text)
        assert fast_ruler.match(doc) == stock_ruler.match(doc)


def test_patterns_added_later_are_honoured(pipelines: tuple[Language, Language]) -> None:
    stock = spacy.load(default_model_path(), exclude=["lemmatizer", "ner"])
    fast = spacy.load(default_model_path(), exclude=["lemmatizer", "ner"])
    install_fast_components(fast)
    extra = [
        # NOT_IN on a value, REGEX, several operators on one attribute, bool flag.
        {"patterns": [[{"LOWER": {"NOT_IN": ["the", "a"]}, "TAG": "DT"}]], "attrs": {"LEMMA": "x"}},
        {"patterns": [[{"LOWER": {"REGEX": r"^\d+$"}}]], "attrs": {"LEMMA": "NUM"}},
        {"patterns": [[{"TEXT": {"IN": ["Talks", "talks"], "NOT_IN": ["talks"]}}]], "attrs": {}},
        # Needs the Matcher: operator, and one key with both an indexable and an OP alternative
        # matching the same token (reported once).
        {"patterns": [[{"LOWER": "were", "OP": "?"}, {"LOWER": "tortured"}]], "attrs": {}},
        {"patterns": [[{"LOWER": "talks"}], [{"LOWER": "talks", "OP": "+"}]], "attrs": {}},
        {"patterns": [[{"IS_PUNCT": True}]], "attrs": {"MORPH": "PunctType=Quot"}},
    ]
    for nlp in (stock, fast):
        ruler = nlp.get_pipe("attribute_ruler")
        assert isinstance(ruler, AttributeRuler)
        ruler.add_patterns(extra)
    for text in TEXTS:
        doc = stock.make_doc(text)
        for name in ("tok2vec", "tagger", "parser"):
            doc = stock.get_pipe(name)(doc)
        expected = stock.get_pipe("attribute_ruler").match(doc)
        assert fast.get_pipe("attribute_ruler").match(doc) == expected
    for a, b in zip(stock.pipe(TEXTS), fast.pipe(TEXTS), strict=True):
        assert token_rows(a) == token_rows(b)


def test_serialisation_unchanged(pipelines: tuple[Language, Language]) -> None:
    stock, fast = pipelines
    list(fast.pipe(TEXTS))  # after use: the lemma index lists have been wrapped
    for name in ("attribute_ruler", "lemmatizer"):
        assert fast.get_pipe(name).to_bytes(exclude=["vocab"]) == stock.get_pipe(name).to_bytes(
            exclude=["vocab"]
        )


def test_overwrite_mode(pipelines: tuple[Language, Language]) -> None:
    stock, fast = pipelines
    docs = []
    for nlp in (stock, fast):
        lemmatizer = nlp.get_pipe("lemmatizer")
        lemmatizer.overwrite = True  # type: ignore[attr-defined]
        try:
            docs.append(list(nlp.pipe(TEXTS)))
        finally:
            lemmatizer.overwrite = False  # type: ignore[attr-defined]
    for a, b in zip(*docs, strict=True):
        assert token_rows(a) == token_rows(b)


def test_memory_zone(pipelines: tuple[Language, Language]) -> None:
    stock, fast = pipelines
    text = "Zorblaxians zorblaxed the zorblaxing zorblaxes."
    with fast.memory_zone():
        inside = token_rows(fast(text))
    # The zone dropped the new strings; a later doc must add them again, as spaCy does.
    assert token_rows(fast(text)) == inside == token_rows(stock(text))


def test_env_var_and_custom_components_keep_stock(monkeypatch: pytest.MonkeyPatch) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    monkeypatch.setenv(DISABLE_ENV, "1")
    assert install_fast_components(nlp) == []
    monkeypatch.delenv(DISABLE_ENV)
    # Lookup-mode lemmatizer is not the rule one; a subclassed ruler is someone else's code.
    assert install_fast_components(nlp) == ["attribute_ruler"]

    class MyRuler(AttributeRuler):
        pass

    custom = spacy.blank("en")
    custom.add_pipe("attribute_ruler")
    custom.get_pipe("attribute_ruler").__class__ = MyRuler
    assert install_fast_components(custom) == []
