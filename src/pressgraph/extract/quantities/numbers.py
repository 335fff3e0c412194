"""Numbers written in digits or words, as news writes them.

Own rules rather than text2num / number-parser / word2number: those parse a clean number
phrase, but a news count needs the *span* found inside running text together with its
qualifier ("some", "more than", "tens of"), vague plurals ("thousands") and British
abbreviations ("1.5bn", "£3m"), which none of them handles; the grammar of English cardinals
is small enough to write down here.
"""

from __future__ import annotations

import re

UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES: dict[str, float] = {
    "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "m": 1_000_000, "mn": 1_000_000,
    "k": 1_000, "tn": 1_000_000_000_000,
}
# Scale abbreviations only count glued to digits ("1.5bn"), never as words of their own.
WORD_SCALES = ("hundred", "thousand", "million", "billion", "trillion")

DIGITS_RE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
DIGITS_SCALE_RE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(bn|mn|m|k|tn)$", re.I)


def digit_value(text: str) -> float | None:
    """'10,000' -> 10000.0, '1.5' -> 1.5, '1.5bn' -> 1.5e9; None when not a plain number."""
    m = DIGITS_RE.match(text)
    if m:
        return float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
    m = DIGITS_SCALE_RE.match(text)
    if m:
        base = float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
        return base * SCALES[m.group(3).lower()]
    return None


def is_number_word(word: str) -> bool:
    w = word.lower()
    return w in UNITS or w in WORD_SCALES or w == "dozen"


def words_value(words: list[str]) -> float | None:
    """Value of a cardinal phrase: ['two', 'dozen'] -> 24, ['1.5', 'million'] -> 1.5e6,
    ['a', 'hundred'] -> 100, ['one', 'hundred', 'and', 'fifty'] -> 150."""
    total = 0.0
    current = 0.0
    seen = False
    for raw in words:
        w = raw.lower()
        if w in ("and", "-", ","):
            continue
        if w in ("a", "an"):
            current += 1
            seen = True
            continue
        dv = digit_value(w)
        if dv is not None:
            current += dv
            seen = True
        elif w in UNITS:
            current += UNITS[w]
            seen = True
        elif w == "dozen":
            current = (current or 1) * 12
            seen = True
        elif w == "hundred":
            current = (current or 1) * 100
            seen = True
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None
