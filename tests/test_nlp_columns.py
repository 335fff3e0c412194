"""Per-document columns and the headline component's text read: the same as spaCy's own."""

from __future__ import annotations

import pytest
import spacy

from pressgraph.nlp import _text_to_first_blank_line
from pressgraph.nlp.columns import words

TEXTS = [
    "Rebels seize Tálwa airport\n\nKIVU, May 3 - Fighters of the M30 (M30) took the strip.",
    "\n\nA text that opens on a blank line.",
    "A line that ends on one.\n\n",
    "Spaces around \n\n a break, and a second\n\n\none.",
    "Single\nnewlines\nonly, never a blank line.",
    "A break made of a newline token \n \n is not a blank line",
    "",
    "Kelvin \u212a and long \u017f and \u0130stanbul, U.S.-led talks on Feb. 3.",
]


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


@pytest.mark.parametrize("text", TEXTS)
def test_text_to_first_blank_line_is_what_doc_text_find_gives(nlp, text):
    doc = nlp(text)
    prefix, brk = _text_to_first_blank_line(doc)
    assert brk == doc.text.find("\n\n")
    if brk < 0:
        assert prefix == doc.text
    else:
        assert doc.text.startswith(prefix) and len(prefix) >= brk + 2


@pytest.mark.parametrize("text", TEXTS)
def test_columns_match_the_token_attributes(nlp, text):
    doc = nlp(text)
    cols = words(doc)
    assert cols.text == doc.text
    assert cols.orth == [t.text for t in doc]
    assert cols.lower == [t.lower_ for t in doc]
    assert cols.lemma_lower == [t.lemma_.lower() for t in doc]
    assert cols.ent_type == [t.ent_type_ for t in doc]
    assert cols.starts == [t.idx for t in doc]
    for i in range(len(doc)):
        for j in range(i + 1, len(doc) + 1):
            assert cols.span_text(i, j) == doc[i:j].text


def test_columns_are_kept_for_the_last_document_only(nlp):
    first, second = nlp("One text."), nlp("Another text.")
    assert words(first) is words(first)
    cols = words(second, "Another text.")
    assert cols is words(second) and cols.text == "Another text."
    assert words(first) is not cols and words(first).orth == ["One", "text", "."]
