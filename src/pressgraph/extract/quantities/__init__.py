"""Counts and amounts: the number phrase, its interval, hedge and what it counts.

Candidates come from the tokens (digits, number words, vague plurals such as "thousands"),
grown left over a qualifier ("more than", "some", "the low") and right over a unit ("%",
"dollars"); spaCy's DATE/TIME/ORDINAL/QUANTITY entities and a few shape rules (years, ages,
phone numbers, addresses, identifiers such as "Resolution 2254") veto candidates that are not
counts.  The parse then gives what is counted (the noun the number modifies, or X in "the
number of X") and the predicate it attaches to, which sets the count type.

Interval rules (``low``/``high`` with inclusivity) — see ``vocab.QUALIFIERS``:
  "more than/over N" (N, None)           "at least N" [N, None)
  "nearly/almost N"  [0.9N, N) approx    "fewer than/under N" [0, N)
  "up to/as many as N" [0, N]            "some/about/around/roughly N" [0.9N, 1.1N] approx
  "between A and B", "A to B", "A-B" [A, B]
  vague: dozens [24, 99], hundreds [200, 999], thousands [2000, 9999],
  tens of thousands [20000, 99999], the low hundreds [100, 399], a few dozen [24, 60].
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from pressgraph.extract import ParsedDocument
from pressgraph.extract.quantities.numbers import (
    UNITS,
    digit_value,
    is_number_word,
    words_value,
)
from pressgraph.extract.quantities.vocab import (
    ADJ_CURRENCY,
    AGE_PREV,
    BAND,
    BAND_UNIT,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    FEW,
    GDELT_COUNT_TYPE,
    HEDGE_LEMMAS,
    IDENTIFIER_WORDS,
    MAX_QUALIFIER_LEN,
    MONTH_WORDS,
    NON_PREDICATES,
    NUMBER_NOUNS,
    OBJECT_TYPES,
    PERCENT_WORDS,
    PREDICATE_TYPES,
    QUALIFIERS,
    SCALE_PLURAL,
    STREET_WORDS,
    TIME_WORDS,
    VAGUE_MULT,
    VAGUE_PLURALS,
)
from pressgraph.model import Quantity, Record, stable_id
from pressgraph.nlp.columns import words as doc_words

EXTRACTOR = "quantities@2"
__all__ = ["COUNT_TYPE_TO_GDELT", "EXTRACTOR", "extract", "extract_from_doc"]
COUNT_TYPE_TO_GDELT = GDELT_COUNT_TYPE

MEASURE_UNITS = frozenset(
    ("hectares", "hectare", "acres", "acre", "km", "kilometres", "kilometers", "kilometre",
     "kilometer", "miles", "mile", "metres", "meters", "metre", "meter", "tonnes", "tons",
     "tonne", "ton", "kg", "kilograms", "kilogrammes", "pounds-weight", "litres", "liters",
     "barrels", "square", "sq", "mph", "kph", "km/h", "degrees", "feet", "foot", "ft",
     "inches", "inch", "mm", "cm", "celsius", "fahrenheit", "megawatts", "mw", "gw", "kwh",
     "gigawatts", "grams", "g", "lbs", "lb", "ounces", "oz", "cubic", "gallons", "knots",
     "millimetres", "centimetres", "millimeters", "centimeters", "kilometres-long")
)
MEASURE_VERBS = frozenset(
    ("be", "rise", "fall", "grow", "reach", "stand", "total", "climb", "drop", "increase",
     "decrease", "jump", "surge", "hit", "exceed", "estimate", "put", "number", "top", "slow",
     "shrink", "decline", "soar", "plunge", "ease", "accelerate", "expand", "contract", "edge",
     "slip", "dip", "tumble", "slump", "double", "triple", "swell", "near", "approach",
     "remain", "hover", "average", "amount")
)
HEDGE_VERBS: dict[str, str] = {
    "believe": "believed", "estimate": "estimated", "allege": "alleged", "claim": "claimed",
    "accuse": "alleged", "think": "believed",
}
SCALE_NEXT = frozenset(("few", "couple", "hundred", "thousand", "million", "billion", "dozen"))
START_WORDS = frozenset(
    (*UNITS, "hundred", "thousand", "million", "billion", "trillion", "dozen", "a", "an", "half",
     "several", *VAGUE_MULT, *VAGUE_PLURALS, *BAND)
)
# start words that only start a number before one of these
FOLLOWED_START: dict[str, frozenset[str]] = {
    "a": SCALE_NEXT, "an": SCALE_NEXT, "half": frozenset(("a", "an")),
    **{band: frozenset((*BAND_UNIT, "-")) for band in BAND},
}
PHONE_RE = re.compile(r"(?<![\w.])\+?\(?\d{2,4}\)?(?:[ .-]\d{2,4}){2,4}(?![\w])")
# QUANTITY is not among them: spaCy gives it to counts too ("more than 2.6 million");
# measures are caught by their unit word (MEASURE_UNITS) instead
VETO_LABELS = frozenset(("DATE", "TIME", "ORDINAL"))
MONTHS = frozenset(w for w in MONTH_WORDS if not w.endswith("day"))


@dataclass(slots=True)
class _Cand:
    start: int  # token index, inclusive
    end: int  # token index, exclusive
    num_end: int  # last token of the number itself (exclusive), before any unit
    value: float | None
    low: float | None
    high: float | None
    low_inclusive: bool = True
    high_inclusive: bool = True
    approximate: bool = False
    kind: str = "count"
    unit: str | None = None
    qualifier: str | None = None
    vague: bool = False


def _low(tok: Token) -> str:
    return tok.lower_


def _is_num_token(tok: Token) -> bool:
    return digit_value(tok.text) is not None or is_number_word(tok.text)


UNIT_WORDS = frozenset(w for w in ("zero", "one", "two", "three", "four", "five", "six", "seven",
                                  "eight", "nine", "ten", "eleven", "twelve", "thirteen",
                                  "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                                  "nineteen", "twenty", "thirty", "forty", "fifty", "sixty",
                                  "seventy", "eighty", "ninety"))


def _number_run(doc: Doc, i: int) -> tuple[int, float] | None:
    """A run of digits / number words starting at i: (end, value)."""
    n = len(doc)
    j = i
    words: list[str] = []
    if _low(doc[i]) in ("a", "an") and i + 1 < n and _low(doc[i + 1]) in (
        "hundred", "thousand", "million", "billion", "dozen",
    ):
        words.append("a")
        j = i + 1
    while j < n:
        tok = doc[j]
        if _is_num_token(tok):
            # two digit tokens in a row are two numbers ("2019 100"), not one, and so are a
            # digit number and a word one ("400,000 five years ago") unless it is a scale
            if words and digit_value(words[-1]) is not None and (
                digit_value(tok.text) is not None or _low(tok) in UNIT_WORDS
            ):
                break
            words.append(tok.text)
            j += 1
            continue
        # "twenty-five", "one hundred and fifty": joiners only between number words
        if (
            words and _low(tok) in ("-", "and") and j + 1 < n
            and is_number_word(doc[j + 1].text) and tok.whitespace_ != "\n"
            and (_low(tok) == "-" or _low(doc[j + 1]) not in ("hundred", "thousand", "million"))
            and digit_value(words[-1]) is None
        ):
            words.append(tok.text)
            j += 1
            continue
        break
    if not words or words == ["a"]:
        return None
    # "£3m", "1.5bn": the tokenizer splits the scale abbreviation off the digits
    if (
        j < n and _low(doc[j]) in ("m", "bn", "mn", "k", "tn") and not doc[j - 1].whitespace_
        and digit_value(words[-1]) is not None
    ):
        words[-1] = words[-1] + _low(doc[j])
        j += 1
    value = words_value(words)
    if value is None:
        return None
    return j, value


def _core(doc: Doc, i: int) -> _Cand | None:
    """The number itself at token i (no qualifier yet)."""
    n = len(doc)
    w = _low(doc[i])
    nxt = _low(doc[i + 1]) if i + 1 < n else ""
    nxt2 = _low(doc[i + 2]) if i + 2 < n else ""
    # tens of thousands, hundreds of thousands
    if w in VAGUE_MULT and nxt == "of" and nxt2 in SCALE_PLURAL:
        lo, hi = VAGUE_MULT[w]
        scale = SCALE_PLURAL[nxt2]
        return _Cand(i, i + 3, i + 3, None, lo * scale, round(hi * scale), approximate=True,
                     vague=True)
    # the low hundreds, the mid thousands
    if w in BAND and nxt in BAND_UNIT and nxt != "tens":
        lo, hi = BAND[w]
        unit = BAND_UNIT[nxt]
        return _Cand(i, i + 2, i + 2, None, lo * unit, (hi + 1) * unit - 1, approximate=True,
                     vague=True)
    if w in BAND and nxt == "-" and nxt2 in BAND_UNIT:
        lo, hi = BAND[w]
        unit = BAND_UNIT[nxt2]
        return _Cand(i, i + 3, i + 3, None, lo * unit, (hi + 1) * unit - 1, approximate=True,
                     vague=True)
    # a few dozen, several hundred
    for few, (flo, fhi) in FEW.items():
        k = len(few)
        if tuple(_low(t) for t in doc[i:i + k]) == few and i + k < n:
            unit_word = _low(doc[i + k])
            few_scale: float | None = {"dozen": 12, "hundred": 100, "thousand": 1e3,
                                      "million": 1e6, "billion": 1e9}.get(unit_word)
            if few_scale:
                lo = max(flo, 2) * few_scale if unit_word == "dozen" else flo * few_scale
                return _Cand(i, i + k + 1, i + k + 1, None, lo, fhi * few_scale,
                             approximate=True,
                             vague=True)
    if w in VAGUE_PLURALS and doc[i].pos_ in ("NOUN", "NUM", "PRON", "ADJ"):
        if w == "scores" and nxt != "of" and not (i > 0 and doc[i - 1].pos_ == "VERB"):
            return None
        if w == "hundreds" and nxt in ("of",) and nxt2 in SCALE_PLURAL:
            return None
        lo, hi = VAGUE_PLURALS[w]
        return _Cand(i, i + 1, i + 1, None, lo, hi, approximate=True, vague=True)
    if w == "half" and nxt in ("a", "an") and nxt2 in ("dozen", "hundred", "thousand", "million",
                                                        "billion"):
        v = 0.5 * (words_value([nxt2]) or 0)
        return _Cand(i, i + 3, i + 3, v, v, v)
    run = _number_run(doc, i)
    if run is None:
        return None
    end, value = run
    return _Cand(i, end, end, value, value, value)


def _match_before(doc: Doc, start: int, phrases: dict[tuple[str, ...], str]) -> tuple[int, str]:
    """The longest phrase ending right before token ``start``: (its first token, rule)."""
    for k in range(MAX_QUALIFIER_LEN, 0, -1):
        if start - k < 0:
            continue
        words = tuple(_low(t) for t in doc[start - k:start])
        if words in phrases:
            return start - k, phrases[words]
    return start, ""


def _apply_qualifier(c: _Cand, rule: str) -> None:
    v = c.value if c.value is not None else c.low
    if v is None:
        return
    c.qualifier = rule
    if rule == "gt":
        c.low, c.high, c.low_inclusive = v, None, False
    elif rule == "ge":
        c.low, c.high = v, None
    elif rule == "lt":
        c.low, c.high, c.high_inclusive = 0, v, False
    elif rule == "le":
        c.low, c.high = 0, v
    elif rule == "near":
        c.low, c.high, c.high_inclusive, c.approximate = round(0.9 * v, 6), v, False, True
    elif rule == "approx":
        if c.vague:
            c.approximate = True
        else:
            c.low, c.high, c.approximate = round(0.9 * v, 6), round(1.1 * v, 6), True


def _grow(doc: Doc, c: _Cand) -> None:
    """Qualifier to the left, ranges and units around the number."""
    n = len(doc)
    # currency symbol before: "$40 billion", "US$ 40"
    if c.start > 0 and _low(doc[c.start - 1]) in CURRENCY_SYMBOLS:
        c.unit = CURRENCY_SYMBOLS[_low(doc[c.start - 1])]
        c.kind = "money"
        c.start -= 1
    # range: "between 5 and 10", "5 to 10", "5-10", "from 5 to 10"
    j = c.end
    if c.value is not None and j + 1 < n and _low(doc[j]) in ("to", "-", "–", "and") and not (
        doc[j].text == "-" and doc[j].whitespace_
    ):
        k = j + 1
        if k < n and _low(doc[k]) in CURRENCY_SYMBOLS:
            k += 1
        second = _number_run(doc, k) if k < n else None
        first_word = _low(doc[c.start - 1]) if c.start > 0 else ""
        joiner = _low(doc[j])
        ok = joiner != "and" or first_word == "between"
        if second is not None and ok:
            end2, v2 = second
            v1 = c.value
            # "5 to 10 million": the scale of the second number applies to the first
            if v2 >= 1000 and v1 < 1000 and v2 / 1000 >= v1 and words_value(
                [doc[end2 - 1].text]
            ) in (1e3, 1e6, 1e9) and end2 - k > 1:
                v1 = v1 * (words_value([doc[end2 - 1].text]) or 1)
            if v1 <= v2:
                c.low, c.high, c.value = v1, v2, None
                c.end = c.num_end = end2
                if first_word in ("between", "from"):
                    c.start -= 1
    # qualifier
    q_start, rule = _match_before(doc, c.start, QUALIFIERS)
    if (rule and c.low == c.high) or (rule == "approx" and c.vague):
        _apply_qualifier(c, rule)
        c.start = q_start
    # suffixes
    j = c.end
    if j < n:
        for words in PERCENT_WORDS:
            if tuple(_low(t) for t in doc[j:j + len(words)]) == words:
                c.kind, c.end = "percent", j + len(words)
                break
        else:
            pair = (_low(doc[j]), _low(doc[j + 1])) if j + 1 < n else ("", "")
            if pair in ADJ_CURRENCY:
                c.kind, c.unit, c.end = "money", ADJ_CURRENCY[pair], j + 2
            elif (
                _low(doc[j]) == "of" and j + 1 < n and _low(doc[j + 1]) in CURRENCY_WORDS
                and c.vague
            ):
                c.kind, c.unit, c.end = "money", CURRENCY_WORDS[_low(doc[j + 1])], j + 2
            elif _low(doc[j]) in CURRENCY_WORDS and not (
                _low(doc[j]) in ("pound", "pounds") and j + 1 < n and _low(doc[j + 1]) == "of"
            ):
                c.kind, c.unit, c.end = "money", CURRENCY_WORDS[_low(doc[j])], j + 1
            elif _low(doc[j]) in CURRENCY_SYMBOLS and len(doc[j].text) > 1 and doc[j].is_upper:
                c.kind, c.unit, c.end = "money", CURRENCY_SYMBOLS[_low(doc[j])], j + 1
    # "100 or more"
    if (
        c.end + 1 < n and _low(doc[c.end]) == "or" and _low(doc[c.end + 1]) in ("more", "over")
        and c.value is not None and c.low == c.high
    ):
        c.low, c.high = c.value, None
        c.end += 2
        c.qualifier = "ge"


_TALLY_NOUNS = frozenset({"toll", "tally", "number", "figure", "count"})


def _temporal_number(doc: Doc, c: _Cand, ent_start: int, ent_end: int) -> bool:
    """Whether a number inside a DATE/TIME entity is part of the date ("March 3", "three
    days", "2019") rather than a count that spaCy's entity swallowed ("some 400,000 five
    years ago")."""
    nxt = doc[c.num_end] if c.num_end < len(doc) else None
    prev = doc[c.start - 1] if c.start > 0 else None
    if nxt is not None and nxt.idx < ent_end and (
        _low(nxt) in TIME_WORDS or _low(nxt) in MONTH_WORDS
        or (_low(nxt) == "-" and c.num_end + 1 < len(doc)
            and _low(doc[c.num_end + 1]) in TIME_WORDS)
    ):
        return True
    if prev is not None and _low(prev) in MONTH_WORDS:
        return True
    last = doc[c.num_end - 1]
    if last.dep_ == "pobj" and _low(last.head) in ("at", "to") and any(
            _low(t) in _TALLY_NOUNS for t in last.head.head.children):
        return False  # "put the death toll at 52" (which spaCy may tag DATE): a count
    if c.qualifier is None and c.kind == "count" and not c.vague and not (
        last.dep_ == "nummod" and _low(last.head) not in TIME_WORDS
    ):
        return True
    return bool(re.fullmatch(r"1[89]\d\d|20\d\d", last.text))


def _has_newline(doc: Doc, i: int, j: int) -> bool:
    """Whether a line break separates tokens i and j (a headline from its dateline)."""
    return any("\n" in doc[k].text_with_ws for k in range(min(i, j), max(i, j)))


def _vetoed(doc: Doc, c: _Cand, veto_chars: list[tuple[int, int, str]], text: str) -> bool:
    span = doc[c.start:c.num_end]
    s_char, e_char = span.start_char, span.end_char
    for a, b, label in veto_chars:
        if not (a < e_char and s_char < b):
            continue
        if label in ("QUANTITY", "PHONE", "ORDINAL"):
            if label != "QUANTITY" or c.kind == "count":
                return True
            continue
        if _temporal_number(doc, c, a, b):
            return True
    num_tokens = [t for t in doc[c.start:c.num_end] if _is_num_token(t)]
    if not num_tokens:
        return bool(not c.vague)
    first = num_tokens[0]
    last = num_tokens[-1]
    prev = doc[c.start - 1] if c.start > 0 else None
    nxt = doc[c.end] if c.end < len(doc) else None
    after = " ".join(_low(t) for t in doc[c.end:c.end + 3])
    # rates and prices are measures, not counts: "25 basis points", "49 to the dollar"
    if after.startswith(("basis point", "bps", "points", "to the dollar", "to the euro",
                         "to the pound", "per dollar", "against the dollar")) or (
        nxt is not None and (_low(nxt) in MEASURE_UNITS or _low(nxt) == "magnitude")
    ) or (prev is not None and _low(prev) in ("magnitude", "richter")):
        return True
    # dates the entity recogniser missed: "Feb 10", "Jan. 8 and 9", "Jan. 8-9"
    if c.qualifier is None and prev is not None and first.is_digit and (
        _low(prev) in MONTHS
        or ((_low(prev) in ("and", "to") or (_low(prev) in ("-", "–") and not prev.whitespace_))
            and c.start >= 3 and _low(doc[c.start - 3]) in MONTHS)
    ):
        return True
    # ages: "children under five"
    if c.qualifier in ("lt", "gt", "le") and (c.value or c.high or 0) <= 18 and (
        c.start > 0 and _low(doc[c.start - 1]) in ("children", "kids", "aged", "age", "those",
                                                   "people", "girls", "boys")
    ):
        return True
    # glued to letters: "F-16", "COVID-19", "A320"
    if first.idx > 0 and text[first.idx - 1] in "-/" and first.idx > 1 and (
        text[first.idx - 2].isalpha()
    ) and c.qualifier is None:
        return True
    # "one of the", "one another", "no one"; a bare "one" is kept only when it counts
    # something that happened (decided once the count type is known)
    if len(num_tokens) == 1 and _low(first) == "one" and c.qualifier is None and c.kind == "count":
        if nxt is not None and _low(nxt) in ("of", "another", "'s", "’s", "who", "that"):
            return True
        if prev is not None and _low(prev) in ("no", "the", "this", "that", "which", "every",
                                               "any", "each", "another", "little"):
            return True
    if c.qualifier is None and c.kind == "count" and not c.vague and c.low == c.high:
        v = c.value or 0
        # years: 4 digits, no comma, not counting a noun ("2,000 fighters" has a comma)
        if (
            len(num_tokens) == 1 and re.fullmatch(r"1[89]\d\d|20\d\d|21\d\d", first.text)
            and not (last.dep_ == "nummod" and last.head.tag_ == "NNS")
        ):
            return True
        # ages: "aged 25", "25-year-old", "Ahmed, 25,"
        if prev is not None and _low(prev) in AGE_PREV:
            return True
        after = text[last.idx + len(last.text):last.idx + len(last.text) + 12].lower()
        if re.match(r"[- ]years?[- ]old|-year-old|-years-old", after):
            return True
        if (
            prev is not None and prev.text == "," and c.start >= 2
            and doc[c.start - 2].ent_type_ == "PERSON" and nxt is not None
            and nxt.text in (",", ")", ".")
        ):
            return True
        # identifiers: "Resolution 2254", "No. 10", "Boeing 737", "Article 5"
        if prev is not None and (
            _low(prev) in IDENTIFIER_WORDS
            or (prev.tag_ == "NNP" and last.dep_ != "nummod" and prev.ent_type_ != "MONEY")
        ):
            return True
        # addresses: "10 Downing Street"
        k = c.end
        while k < len(doc) and k < c.end + 3 and doc[k].is_title:
            if _low(doc[k]) in STREET_WORDS:
                return True
            k += 1
        if v and prev is not None and prev.text == "#":
            return True
    return False


def _object_noun(doc: Doc, c: _Cand) -> tuple[Token | None, Token | None]:
    """(the counted noun, the 'number' noun when the count is the value of 'the number')."""
    noun, number = _object_noun_any(doc, c)
    tok = doc[c.num_end - 1]
    for t in (noun, number):
        if t is not None and _has_newline(doc, t.i, tok.i):
            return None, None  # a headline's number does not count the dateline's city
    return noun, number


def _object_noun_any(doc: Doc, c: _Cand) -> tuple[Token | None, Token | None]:
    nums = [t for t in doc[c.start:c.num_end] if t.dep_ != "quantmod"]
    tok = nums[-1] if nums else doc[c.num_end - 1]
    # climb out of the number phrase itself ("2 million": '2' hangs on 'million')
    for _ in range(4):
        if c.start <= tok.head.i < c.end and tok.head is not tok:
            tok = tok.head
        else:
            break
    # "tens of thousands of women": the noun is the object of the number's "of"
    for child in tok.rights:
        if _low(child) == "of" and child.i >= c.end - 1:
            pobj = [g for g in child.children if g.dep_ == "pobj"]
            if pobj and pobj[0].pos_ in ("NOUN", "PROPN", "ADJ"):
                return pobj[0], None
    if c.end < len(doc) and _low(doc[c.end]) == "of" and c.vague:
        pobj = [g for g in doc[c.end].children if g.dep_ == "pobj"]
        if pobj:
            return pobj[0], None
    head = tok.head
    if tok.dep_ == "pobj" and _low(head) in ("of", "for", "worth") and head.head.pos_ == (
        "NOUN"
    ) and _low(head.head) not in NUMBER_NOUNS and c.kind != "count":
        return head.head, None
    if tok.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod") and head.pos_ in (
        "NOUN", "PROPN"
    ) and head.i >= tok.i and _low(head) not in NUMBER_NOUNS and not _has_newline(
        doc, tok.i, head.i
    ):
        return head, None
    # "the number (of X) is/was (in) N", "the death toll rose to N"
    h = tok
    for _ in range(3):
        if h.dep_ in ("pobj", "attr", "acomp", "dobj", "npadvmod", "advmod", "prep", "nsubj",
                      "oprd", "appos", "conj", "ccomp", "dep", "nummod") or h.head.pos_ in (
            "ADP", "AUX", "VERB"
        ):
            h = h.head
        else:
            break
        subjects = [g for g in h.children if g.dep_ in ("nsubj", "nsubjpass")]
        if subjects and _low(subjects[0]) in NUMBER_NOUNS:
            number = subjects[0]
            for child in number.children:
                if _low(child) == "of":
                    pobj = [g for g in child.children if g.dep_ == "pobj"]
                    if pobj:
                        return pobj[0], None
            return None, number
        # "inflation rose to 28 percent", "the crowd was estimated at 18,000": what is
        # measured is the subject of a verb of measure
        objects = [g for g in h.children if g.dep_ == "dobj" and g.i != tok.i
                   and g.pos_ in ("NOUN", "PROPN")]
        measured = objects[0] if objects else (subjects[0] if subjects else None)
        if measured is not None and measured.pos_ in ("NOUN", "PROPN") and (
            h.lemma_.lower() in MEASURE_VERBS
        ) and measured.ent_type_ not in ("PERSON", "ORG", "GPE", "NORP") and (
            not _has_newline(doc, measured.i, tok.i)
        ):
            if _low(measured) in NUMBER_NOUNS:
                return None, measured
            return measured, None
        if h.pos_ in ("VERB", "AUX"):
            break
    if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") and tok.pos_ == "NUM":
        return None, None
    return None, None


def _object_text(doc: Doc, c: _Cand, noun: Token) -> str:
    start = noun.i
    for t in reversed(list(noun.lefts)):
        if t.dep_ in ("det", "predet", "nummod", "quantmod", "punct", "case", "poss") and (
            t.i < c.end or t.dep_ != "punct"
        ):
            break
        start = min(start, t.left_edge.i)
    if noun.i >= c.end:
        start = max(start, c.end)
    while (start < noun.i and doc[start].dep_ in ("det", "prep", "punct", "cc")) or (
        start < noun.i and _low(doc[start]) == "of"
    ):
        start += 1
    end = noun.i + 1
    for conj in noun.conjuncts:
        if conj.i > noun.i and conj.i - noun.i <= 4:
            end = max(end, conj.i + 1)
    return doc[start:end].text


COMPLEMENT_DEPS = ("xcomp", "oprd", "acomp", "attr", "ccomp", "advcl")


def _typed_child(verb: Token) -> str | None:
    """A dependent that says what happened when the verb does not: "left 12 dead",
    "took 20 hostage", "forced to flee", "joined the protests", "lost their jobs"."""
    for child in verb.children:
        lemma = child.lemma_.lower()
        if child.dep_ in COMPLEMENT_DEPS and lemma in PREDICATE_TYPES:
            return lemma
    for child in verb.children:
        lemma = child.lemma_.lower()
        if child.dep_ == "dobj" and (lemma in PREDICATE_TYPES or lemma in OBJECT_TYPES):
            return lemma
        if child.dep_ in ("prep", "agent"):
            for g in child.children:
                if g.dep_ == "pobj" and g.lemma_.lower() in PREDICATE_TYPES:
                    return g.lemma_.lower()
    return None


def _complement_type(verb: Token | None) -> str | None:
    if verb is None:
        return None
    for child in verb.children:
        if child.dep_ in COMPLEMENT_DEPS and child.lemma_.lower() in PREDICATE_TYPES:
            return PREDICATE_TYPES[child.lemma_.lower()]
    return None


def _predicate(noun: Token | None, tok: Token) -> tuple[str | None, str | None]:
    """(predicate lemma, the lemma of a dependent of it that has a count type)."""
    start = noun if noun is not None else tok
    h = start
    for _ in range(6):
        if h.dep_ == "ROOT" or h.head is h:
            break
        came_by = h
        h = h.head
        lemma = h.lemma_.lower()
        if h.pos_ == "VERB" and lemma not in NON_PREDICATES:
            if lemma in PREDICATE_TYPES:
                return lemma, None
            complement = _complement_type(h)
            if complement is not None:
                # "was shot dead": the complement says what happened, before the noun does
                return lemma, "!" + complement
            return lemma, _typed_child(h)
        # "the release of two commanders", "the deaths of 12 people"
        if h.pos_ == "NOUN" and lemma in PREDICATE_TYPES and _low(came_by) == "of":
            return lemma, None
        if h.pos_ == "AUX" or lemma in NON_PREDICATES:
            for child in h.children:
                if child.dep_ in ("acomp", "oprd", "xcomp") and (
                    child.lemma_.lower() in PREDICATE_TYPES
                ):
                    return child.lemma_.lower(), None
    if noun is not None:
        # "100 people dead", "the dead": a modifier or the noun itself tells what happened
        for child in noun.children:
            if child.dep_ in ("amod", "acl") and child.lemma_.lower() in PREDICATE_TYPES:
                return child.lemma_.lower(), None
        lemma = noun.lemma_.lower()
        if lemma in PREDICATE_TYPES:
            return lemma, None
    return None, None


# Every word _hedge can take as a cue has one of these forms or lemmas.
_CUE_WORDS = frozenset({"according", "may", "might", *HEDGE_LEMMAS})
_CUE_LEMMAS = frozenset({"verify", "confirm", *HEDGE_VERBS})


def _hedge(sent: Span, c: _Cand, doc: Doc) -> str | None:
    """The hedge on this number: a cue in its own clause (an ancestor of the number, or a
    dependent of one: "are believed to be holding", "reportedly", "according to"), else its
    qualifier.  Plain attribution ("rights groups said") is not a hedge: it is how news
    sources every figure."""
    tok = doc[c.num_end - 1]
    ancestors = {tok.i}
    for a in tok.ancestors:
        ancestors.add(a.i)
    best: tuple[int, str] | None = None
    cols = doc_words(doc)
    lowers, lemmas = cols.lower, cols.lemma_lower
    for i in range(sent.start, sent.end):
        # a word that cannot be a cue is not built as a token (the tests below need one)
        if not (lowers[i] in _CUE_WORDS or lemmas[i] in _CUE_LEMMAS):
            continue
        t = doc[i]
        in_scope = c.start <= t.i < c.end or t.i in ancestors or (
            t.dep_ != "conj" and (t.head.i in ancestors or (
                t.head.dep_ != "conj" and t.head.head.i in ancestors)))
        if not in_scope:
            continue
        w = _low(t)
        lemma = t.lemma_.lower()
        cue = None
        if w == "according" and t.i + 1 < len(doc) and _low(doc[t.i + 1]) == "to":
            cue = "according_to"
        elif w in HEDGE_LEMMAS:
            cue = HEDGE_LEMMAS[w]
        elif t.pos_ == "VERB" and lemma in HEDGE_VERBS:
            cue = HEDGE_VERBS[lemma]
        elif (
            lemma in ("verify", "confirm") and any(ch.dep_ == "neg" for ch in t.children)
        ) or (t.dep_ == "aux" and w in ("may", "might") and t.head.i in ancestors and any(
            _low(ch) == "have" for ch in t.head.children
        )):
            cue = "unconfirmed"
        if cue:
            dist = abs(t.i - c.start)
            if best is None or dist < best[0]:
                best = (dist, cue)
    if best is not None:
        return best[1]
    if c.qualifier == "ge":
        return "at_least"
    if c.qualifier == "approx":
        return "approximately"
    return None


def _sentence(starts: list[int], sents: list[Span], i: int) -> Span:
    # Token.sent walks the document each call: look the sentence up instead
    return sents[bisect.bisect_right(starts, i) - 1]


def extract_from_doc(doc: Doc, article_id: str, text: str | None = None) -> list[Quantity]:
    """``text`` is ``doc.text`` when the caller has it already (spaCy rebuilds it per read)."""
    cols = doc_words(doc, text)
    text = cols.text
    veto_chars = [(e.start_char, e.end_char, e.label_) for e in cols.ents
                  if e.label_ in VETO_LABELS]
    veto_chars += [(m.start(), m.end(), "PHONE") for m in PHONE_RE.finditer(text)
                   if sum(ch.isdigit() for ch in m.group()) >= 7]
    cands: list[_Cand] = []
    i = 0
    n = len(doc)
    # from the LOWER column: building a Token per word cost more than the scan itself
    lowers = cols.lower
    while i < n:
        w = lowers[i]
        nxt = lowers[i + 1] if i + 1 < n else ""
        # most tokens cannot start a number: skip them before any parse lookups
        if not (w[:1].isdigit() or (w in START_WORDS and (
            w not in FOLLOWED_START or nxt in FOLLOWED_START[w]
        ))):
            i += 1
            continue
        c = _core(doc, i)
        if c is None:
            i += 1
            continue
        _grow(doc, c)
        if not _vetoed(doc, c, veto_chars, text):
            cands.append(c)
        i = max(c.end, i + 1)
    sents = list(doc.sents)
    sent_starts = [sent.start for sent in sents]
    out: list[Quantity] = []
    by_sent_prev: list[Quantity] = []
    for c in cands:
        span = doc[c.start:c.end]
        # the span starts at the qualifier; drop a leading "the" ("the low hundreds")
        while len(span) > 1 and _low(span[0]) in ("the",):
            span = doc[span.start + 1:span.end]
        noun, number_noun = _object_noun(doc, c)
        last_num = doc[c.num_end - 1]
        predicate, typed_child = _predicate(noun, last_num)
        if noun is None and number_noun is not None:
            predicate = number_noun.head.lemma_.lower() if number_noun.head.pos_ in (
                "VERB", "AUX") else predicate
            noun = number_noun
        object_text = _object_text(doc, c, noun) if noun is not None else None
        object_head = noun.text if noun is not None else None
        ctype: str | None = None
        if c.kind == "count":
            ctype = PREDICATE_TYPES.get(predicate or "", None)
            if ctype is None and typed_child is not None and typed_child.startswith("!"):
                ctype = typed_child[1:]
            if ctype is None and noun is not None:
                ctype = PREDICATE_TYPES.get(noun.lemma_.lower())
            if ctype is None and number_noun is not None:
                for child in number_noun.children:
                    if child.lemma_.lower() in PREDICATE_TYPES:
                        ctype = PREDICATE_TYPES[child.lemma_.lower()]
            if ctype is None and typed_child is not None and not typed_child.startswith("!") and (
                noun is None or typed_child != noun.lemma_.lower()
            ):
                ctype = PREDICATE_TYPES.get(typed_child) or OBJECT_TYPES.get(typed_child)
            # prisoners who flee escape; everyone else who flees is displaced
            if ctype == "DISPLACE" and noun is not None and noun.lemma_.lower() in (
                "prisoner", "inmate", "detainee", "convict"
            ):
                ctype = "ESCAPE"
            ctype = ctype or "OTHER"
        refers_to = None
        if number_noun is not None and by_sent_prev and not any(
            ch.dep_ in ("compound", "amod") for ch in number_noun.children
        ) and _low(number_noun) in ("number", "figure", "total", "tally", "count"):
            # "the number is 'now over 100'": the count the article just gave
            ref = next((q for q in reversed(by_sent_prev) if q.object_head), by_sent_prev[-1])
            refers_to = ref.id
            if ctype in (None, "OTHER"):
                ctype = ref.count_type
        q = Quantity(
            id=stable_id(article_id, "quantity", span.start_char, span.end_char),
            article_id=article_id,
            start=span.start_char,
            end=span.end_char,
            extractor=EXTRACTOR,
            text=span.text,
            kind=c.kind,
            value=c.value if c.value is not None else c.low,
            low=c.low,
            high=c.high,
            low_inclusive=c.low_inclusive if c.low is not None else True,
            high_inclusive=c.high_inclusive if c.high is not None else True,
            approximate=c.approximate,
            hedge=_hedge(_sentence(sent_starts, sents, last_num.i), c, doc),
            unit=c.unit,
            object_text=object_text,
            object_head=object_head,
            predicate=predicate,
            count_type=ctype,
            refers_to=refers_to,
        )
        if c.kind == "percent":
            q = replace(q, count_type=None)
        if q.text.lower() == "one" and q.count_type in (None, "OTHER"):
            continue
        out.append(q)
        if c.kind == "count":
            by_sent_prev.append(q)
    return out


def extract(parsed: ParsedDocument) -> dict[str, Sequence[Record]]:
    return {"quantities": extract_from_doc(parsed.doc, parsed.article.id, parsed.text)}
