"""Exact, faster stand-ins for spaCy's ``attribute_ruler`` and rule ``lemmatizer``.

Profiling en_core_web_md on news text shows both components costing as much as the parser, and
neither for a reason that needs the per-token Python work they do:

* ``AttributeRuler.match`` runs spaCy's ``Matcher`` over every token for 179 patterns, 171 of
  them single-token tests on TAG / LOWER / DEP / IS_SPACE. Whether a single-token pattern matches
  is a pure function of those token attribute values, so :class:`FastAttributeRuler` reads them
  with one ``doc.to_array`` call, caches "which patterns match this value combination", and only
  hands the multi-token patterns (and anything it cannot evaluate with the matcher's exact
  semantics) to a small ``Matcher``. It returns the same sorted ``(attr_id, match_id, start, end)``
  tuples as ``AttributeRuler.match`` and leaves ``__call__``/``set_annotations`` untouched.
* ``Lemmatizer.__call__`` builds a ``Token`` and a ``MorphAnalysis`` per token to form the cache
  key ``(orth, pos, morph.key)``. :class:`FastLemmatizer` reads that key for every token with
  ``doc.to_array``, caches the first lemma per key (also for the base-form and space paths that
  spaCy recomputes every time: they are pure functions of the same key) and writes the column back
  with ``doc.from_array``. Misses call the component's own ``lemmatize``, so results are spaCy's.

The components are swapped in by changing the *class* of the loaded objects to these subclasses
(:func:`install_fast_components`): name, config, patterns, lookups and serialisation stay exactly
those of the stock pipeline. Only stock classes (``AttributeRuler``, ``Lemmatizer``,
``EnglishLemmatizer`` in mode ``"rule"``) are swapped; anything else keeps its own code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy
from spacy.attrs import DEP, IDS, LEMMA, LOWER, MORPH, NORM, ORTH, POS, TAG
from spacy.errors import Errors
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

__all__ = [
    "DISABLE_ENV",
    "FastAttributeRuler",
    "FastEnglishLemmatizer",
    "FastLemmatizer",
    "install_fast_components",
]

DISABLE_ENV = "PRESSGRAPH_STOCK_SPACY"

# Token attributes whose ``doc.to_array`` value is exactly what the Matcher compares
# (``get_token_attr_for_matcher`` only special-cases SENT_START). Flags come from the lexeme.
_ARRAY_ATTRS = frozenset(
    {ORTH, LOWER, NORM, TAG, POS, DEP, LEMMA}
    | {IDS[name] for name in ("IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT")}
)

# A test on one attribute value: ("eq", int) | ("in", frozenset) | ("not_in", frozenset)
# | ("regex", compiled pattern).
_Test = tuple[str, Any]


def _token_spec_tests(spec: dict[Any, Any], vocab: Any) -> dict[int, list[_Test]] | None:
    """The tests of one Matcher token spec per attribute id, or None when it needs the Matcher.

    Mirrors ``_get_attr_values`` / ``_get_extra_predicates`` in spacy/matcher/matcher.pyx for the
    subset handled here: plain str/bool/int values, and dicts of IN / NOT_IN (plain strings) and
    REGEX (a string). Operators, extensions, fuzzy or nested predicates go to the Matcher.
    """
    tests: dict[int, list[_Test]] = {}
    for raw_attr, value in spec.items():
        if not isinstance(raw_attr, str):
            return None
        name = raw_attr.upper()
        if name in ("_", "OP"):
            return None
        if name == "TEXT":
            name = "ORTH"
        attr = IDS.get(name)
        if attr is None or attr not in _ARRAY_ATTRS:
            return None
        attr_tests = tests.setdefault(attr, [])
        if isinstance(value, str):
            # The Matcher stores ``string_store.add(value)``; it is already in the store.
            attr_tests.append(("eq", vocab.strings.add(value)))
        elif isinstance(value, bool):
            attr_tests.append(("eq", int(value)))
        elif isinstance(value, int):
            attr_tests.append(("eq", value))
        elif isinstance(value, dict):
            for op, arg in value.items():
                if not isinstance(op, str):
                    return None
                op = op.upper()
                if op in ("IN", "NOT_IN"):
                    if not isinstance(arg, list | tuple):
                        return None
                    if not all(isinstance(v, str) for v in arg):
                        return None
                    ids = frozenset(get_string_id(v) for v in arg)
                    attr_tests.append(("in" if op == "IN" else "not_in", ids))
                elif op == "REGEX":
                    if not isinstance(arg, str):
                        return None
                    attr_tests.append(("regex", re.compile(arg)))
                else:
                    return None
        else:
            return None
    return tests


def _passes(tests: list[_Test], value: int, strings: Any) -> bool:
    for kind, arg in tests:
        if kind == "eq":
            ok = value == arg
        elif kind == "in":
            ok = value in arg
        elif kind == "not_in":
            ok = value not in arg
        else:
            ok = bool(arg.search(strings[value]))
        if not ok:
            return False
    return True


@dataclass
class _Column:
    """Which pattern alternatives one attribute value satisfies, as a bitmask per value."""

    free: int  # alternatives with no test on this attribute
    equals: dict[int, int]  # value -> alternatives whose only test is equality with it
    other: list[tuple[int, list[_Test]]]  # (bit, tests) evaluated per new value
    masks: dict[int, int] = field(default_factory=dict)

    def mask(self, value: int, strings: Any) -> int:
        mask = self.masks.get(value)
        if mask is None:
            mask = self.free | self.equals.get(value, 0)
            for bit, tests in self.other:
                if _passes(tests, value, strings):
                    mask |= bit
            self.masks[value] = mask
        return mask


@dataclass
class _RulerIndex:
    """Single-token patterns of one AttributeRuler, evaluated per distinct attribute-value row."""

    signature: tuple[int, int]
    attrs: list[int | str]  # the columns read with doc.to_array (int ids)
    columns: list[_Column]
    keys: list[tuple[int, int]]  # (attr_id, match_id) per alternative bit
    fallback: Matcher | None
    dedupe: bool  # some key has both indexed and Matcher alternatives
    rows: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = field(default_factory=dict)

    def hits(self, row: tuple[int, ...], strings: Any) -> tuple[tuple[int, int], ...]:
        mask = -1
        for column, value in zip(self.columns, row, strict=True):
            mask &= column.mask(value, strings)
            if not mask:
                break
        found = set()
        while mask:
            low = mask & -mask
            found.add(self.keys[low.bit_length() - 1])
            mask ^= low
        result = tuple(sorted(found))
        self.rows[row] = result
        return result


def _build_index(ruler: AttributeRuler) -> _RulerIndex:
    vocab = ruler.vocab
    per_alt: list[tuple[int, int, dict[int, list[_Test]]]] = []
    fallback_patterns: dict[int, list[list[dict[Any, Any]]]] = {}
    for attr_id in range(len(ruler.attrs)):
        match_id = vocab.strings.add(str(attr_id))
        _, patterns = ruler.matcher.get(match_id)
        for pattern in patterns:
            tests = _token_spec_tests(pattern[0], vocab) if len(pattern) == 1 else None
            if tests is None:
                fallback_patterns.setdefault(match_id, []).append(pattern)
            else:
                per_alt.append((attr_id, match_id, tests))
    attrs = sorted({attr for _, _, tests in per_alt for attr in tests})
    columns = []
    for attr in attrs:
        column = _Column(free=0, equals={}, other=[])
        for n, (_, _, tests) in enumerate(per_alt):
            bit = 1 << n
            col_tests = tests.get(attr, [])
            if not col_tests:
                column.free |= bit
            elif len(col_tests) == 1 and col_tests[0][0] == "eq":
                value = col_tests[0][1]
                column.equals[value] = column.equals.get(value, 0) | bit
            else:
                column.other.append((bit, col_tests))
        columns.append(column)
    fallback = None
    if fallback_patterns:
        fallback = Matcher(vocab, validate=ruler.validate)
        for match_id, pats in fallback_patterns.items():
            fallback.add(match_id, pats)
    indexed_keys = {match_id for _, match_id, _ in per_alt}
    return _RulerIndex(
        signature=_ruler_signature(ruler),
        attrs=list[int | str](attrs),
        columns=columns,
        keys=[(attr_id, match_id) for attr_id, match_id, _ in per_alt],
        fallback=fallback,
        dedupe=bool(indexed_keys & fallback_patterns.keys()),
    )


def _ruler_signature(ruler: AttributeRuler) -> tuple[int, int]:
    # add()/add_patterns() grow ``attrs``; clear()/initialize()/from_* replace the matcher.
    return (id(ruler.matcher), len(ruler.attrs))


class FastAttributeRuler(AttributeRuler):
    """``AttributeRuler`` whose ``match`` indexes single-token patterns (same output)."""

    _fast_index: _RulerIndex | None = None

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        if not self.attrs:
            # The stock path raises the Matcher's "no patterns" error; keep it.
            return super().match(doc)
        index = self._fast_index
        if index is None or index.signature != _ruler_signature(self):
            index = self._fast_index = _build_index(self)
        matches: list[tuple[int, int, int, int]] = []
        if index.attrs and len(doc):
            rows = index.rows
            # The Matcher's REGEX reads the token's own vocab, not the ruler's.
            doc_strings = doc.vocab.strings
            table = doc.to_array(index.attrs).tolist()
            for i, values in enumerate(table):
                row = tuple(values)
                hits = rows.get(row)
                if hits is None:
                    hits = index.hits(row, doc_strings)
                for attr_id, match_id in hits:
                    matches.append((attr_id, match_id, i, i + 1))
        if index.fallback is not None:
            strings = self.vocab.strings
            for match_id, start, end in index.fallback(doc, allow_missing=True, as_spans=False):
                matches.append((int(strings[match_id]), match_id, start, end))
            if index.dedupe:
                # The Matcher reports each (key, start, end) once, whichever alternative hit.
                matches = list(set(matches))
        matches.sort()
        return matches


class _MemberList(list[Any]):
    """A list whose ``in`` is a set lookup.

    ``rule_lemmatize`` tests ``form in index`` against the lemma_index lists (57k nouns): a linear
    scan per candidate form, most of the stock lemmatizer's time on unseen words. Still a list, so
    iteration, equality and msgpack serialisation are unchanged; the set is rebuilt if the length
    changes (the lists are never edited in place by spaCy).
    """

    _members: frozenset[Any] = frozenset()
    _size = -1

    def __contains__(self, item: object) -> bool:
        if self._size != len(self):
            self._members = frozenset(self)
            self._size = len(self)
        try:
            return item in self._members
        except TypeError:  # unhashable: fall back to list semantics
            return list.__contains__(self, item)


def _index_as_sets(lookups: Any) -> None:
    if "lemma_index" not in lookups:
        return
    table = lookups.get_table("lemma_index")
    for key, value in list(table.items()):
        if type(value) is list:
            table[key] = _MemberList(value)


class _FastRuleLemmatize:
    """``Lemmatizer.__call__`` for mode "rule" with the per-token Python work cached away."""

    _fast_cache: dict[tuple[int, int, int], str] | None = None

    # Provided by the Lemmatizer base class.
    vocab: Any
    lookups: Any
    overwrite: bool
    mode: str
    name: str
    _validated: bool
    lemmatize: Callable[[Any], list[str]]
    _validate_tables: Callable[..., None]
    get_error_handler: Callable[[], Callable[..., Any]]

    def __call__(self, doc: Doc) -> Doc:
        if self.mode != "rule":
            return super().__call__(doc)  # type: ignore[misc]
        if not self._validated:
            self._validate_tables(Errors.E1004)
        error_handler = self.get_error_handler()
        try:
            self._set_lemmas(doc)
            return doc
        except Exception as e:
            # Same as spaCy: a non-raising error handler makes __call__ return None.
            error_handler(self.name, self, [doc], e)
        return None  # type: ignore[return-value]

    def _set_lemmas(self, doc: Doc) -> None:
        if not len(doc):
            return
        cache = self._fast_cache
        if cache is None:
            cache = self._fast_cache = {}
            _index_as_sets(self.lookups)
        table = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = table[:, 3].copy()
        strings = self.vocab.strings
        # Hashes are looked up per doc, not cached across docs: inside a memory zone a lemma
        # string added by one doc is transient and must be added again by the next, as spaCy does.
        hashes: dict[str, int] = {}
        overwrite = self.overwrite
        try:
            for i, (orth, pos, morph, lemma) in enumerate(table.tolist()):
                if not (overwrite or lemma == 0):
                    continue
                key = (orth, pos, morph)
                text = cache.get(key)
                if text is None:
                    # rule_lemmatize is a pure function of (orth, pos, morph); pos 0 is left
                    # uncached so spaCy's W108 warning fires exactly as often as before.
                    text = self.lemmatize(doc[i])[0]
                    if pos != 0:
                        cache[key] = text
                lemma_hash = hashes.get(text)
                if lemma_hash is None:
                    lemma_hash = hashes[text] = strings.add(text)
                lemmas[i] = lemma_hash
        finally:
            # Written even on error, matching spaCy's token-by-token assignment up to the failure.
            doc.from_array([LEMMA], lemmas.reshape(-1, 1).astype(numpy.uint64, copy=False))  # type: ignore[arg-type]


class FastLemmatizer(_FastRuleLemmatize, Lemmatizer):
    pass


class FastEnglishLemmatizer(_FastRuleLemmatize, EnglishLemmatizer):
    pass


_SWAPS: dict[type, type] = {
    AttributeRuler: FastAttributeRuler,
    Lemmatizer: FastLemmatizer,
    EnglishLemmatizer: FastEnglishLemmatizer,
}


def _swappable(component: Any) -> type | None:
    fast = _SWAPS.get(type(component))
    if fast is None:
        return None
    if isinstance(component, Lemmatizer):
        rule = getattr(component.lemmatize, "__func__", None) is Lemmatizer.rule_lemmatize
        if component.mode != "rule" or not rule:
            return None
    return fast


def install_fast_components(nlp: Language, names: Iterable[str] | None = None) -> list[str]:
    """Swap the stock attribute ruler / rule lemmatizer in ``nlp`` for the exact fast ones.

    Returns the names swapped. Components of any other class (custom subclasses, other modes)
    are left alone, as is everything when ``PRESSGRAPH_STOCK_SPACY=1``.
    """
    if os.environ.get(DISABLE_ENV, "").strip() not in ("", "0"):
        return []
    swapped = []
    for name, component in nlp.pipeline:
        if names is not None and name not in names:
            continue
        fast = _swappable(component)
        if fast is not None:
            # Same object and data, subclass code: config and serialisation are unchanged.
            component.__class__ = fast
            swapped.append(name)
    return swapped
