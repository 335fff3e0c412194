"""Per-document word columns that several extractors read, built once per ``Doc``.

Reading ``token.lemma_`` or ``token.lower_`` builds a ``Token`` and looks a string up each
time, and ``Doc.text`` joins every token anew on each read; an extractor that scans every
word of every sentence for a few cue words pays that per word.  ``words(doc)`` reads the
columns with ``Doc.to_array`` once and maps their ids to strings through a cache shared by
all documents (a vocabulary's strings never change), so a scan is a list lookup.

Only the last document's columns are kept: the extractors run one after another over one
document, so that is the one they ask for.
"""

from __future__ import annotations

from functools import cached_property

from spacy.attrs import ENT_TYPE, IDX, LEMMA, LENGTH, LOWER, ORTH
from spacy.tokens import Doc, Span

# id -> string (and id -> lower-cased string): ids are hashes of the strings, the same in
# every document of every vocabulary
_STRINGS: dict[int, str] = {}
_LOWERED: dict[int, str] = {}


class DocWords:
    """Columns of one document, each read on first use."""

    def __init__(self, doc: Doc, text: str | None = None) -> None:
        self.doc = doc
        self._text = text

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.doc.text
        return self._text

    def _column(self, attr: int, lowered: bool) -> list[str]:
        if not len(self.doc):
            return []
        table = _LOWERED if lowered else _STRINGS
        keys = self.doc.to_array(attr).tolist()
        out: list[str | None] = list(map(table.get, keys))  # one C loop for the known ids
        if None in out:
            strings = self.doc.vocab.strings
            for i, key in enumerate(keys):
                if out[i] is None:
                    found = strings[key]
                    if lowered:
                        found = found.lower()
                    out[i] = table[key] = found
        return out  # type: ignore[return-value]  # no None is left

    @cached_property
    def ents(self) -> tuple[Span, ...]:
        """``doc.ents``, which spaCy builds anew (a Span per entity) on every read."""
        return tuple(self.doc.ents)

    @cached_property
    def orth(self) -> list[str]:
        """``token.text`` of every token."""
        return self._column(ORTH, False)

    @cached_property
    def starts(self) -> list[int]:
        """``token.idx`` of every token."""
        return self.doc.to_array(IDX).tolist() if len(self.doc) else []

    @cached_property
    def ends(self) -> list[int]:
        """``token.idx + len(token)`` of every token."""
        if not len(self.doc):
            return []
        return (self.doc.to_array(IDX) + self.doc.to_array(LENGTH)).tolist()

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text`` for ``start < end``, sliced from the text."""
        return self.text[self.starts[start]:self.ends[end - 1]]

    @cached_property
    def lower(self) -> list[str]:
        """``token.lower_`` of every token."""
        return self._column(LOWER, False)

    @cached_property
    def lemma_lower(self) -> list[str]:
        """``token.lemma_.lower()`` of every token."""
        return self._column(LEMMA, True)

    @cached_property
    def ent_type(self) -> list[str]:
        """``token.ent_type_`` of every token."""
        return self._column(ENT_TYPE, False)


_last: tuple[Doc, DocWords] | None = None


def words(doc: Doc, text: str | None = None) -> DocWords:
    """The columns of ``doc``; ``text`` is ``doc.text`` when the caller has it already."""
    global _last
    last = _last  # one read: another thread may replace it meanwhile
    if last is not None and last[0] is doc:
        if text is not None and last[1]._text is None:
            last[1]._text = text
        return last[1]
    found = DocWords(doc, text)
    _last = (doc, found)
    return found


__all__ = ["DocWords", "words"]
