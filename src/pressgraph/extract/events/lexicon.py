"""The trigger lexicon and context cues, loaded once from this package's data files."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class Entry:
    pos: str  # VERB | NOUN
    lemma: str  # the head word
    extra: str | None  # VERB: particle/preposition ("call on"); NOUN: left modifier ("martial law")
    event_type: str
    mode: str | None
    flags: frozenset[str]
    weight: float


def _read(name: str) -> list[list[str]]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


@functools.cache
def lexicon() -> dict[tuple[str, str], tuple[Entry, ...]]:
    """(pos, head lemma) -> entries; entries with a particle/modifier come first."""
    table: dict[tuple[str, str], list[Entry]] = {}
    for cols in _read("lexicon.tsv"):
        pos, lemma, event_type = cols[0], cols[1], cols[2]
        mode = cols[3].strip() if len(cols) > 3 and cols[3].strip() else None
        flags: set[str] = set()
        weight = 1.0
        for col in cols[4:]:
            for item in col.split(","):
                item = item.strip()
                if item.startswith("weight="):
                    weight = float(item.removeprefix("weight="))
                elif item:
                    flags.add(item)
        if "+" in lemma:
            first, second = lemma.split("+", 1)
            head, extra = (first, second) if pos == "VERB" else (second, first)
        else:
            head, extra = lemma, None
        entry = Entry(pos, head, extra, event_type, mode, frozenset(flags), weight)
        table.setdefault((pos, head), []).append(entry)
    return {key: tuple(sorted(entries, key=lambda e: e.extra is None))
            for key, entries in table.items()}


@dataclass(frozen=True, slots=True)
class ModeCue:
    event_type: str
    mode: str
    words: frozenset[str]  # single lemmas
    pairs: tuple[tuple[str, str], ...]  # "tear_gas": both lemmas must occur
    replaces: frozenset[str]  # lexicon modes this cue may overwrite


@functools.cache
def mode_cues() -> dict[str, tuple[ModeCue, ...]]:
    """PLOVER type -> its mode cues, in priority order (modes.tsv)."""
    table: dict[str, list[ModeCue]] = {}
    for cols in _read("modes.tsv"):
        etype, mode, cues = cols[0], cols[1], cols[2].split()
        over = cols[3].removeprefix("over=") if len(cols) > 3 else ""
        words = frozenset(c for c in cues if "_" not in c)
        pairs = tuple((a, b) for a, _, b in (c.partition("_") for c in cues if "_" in c))
        table.setdefault(etype, []).append(ModeCue(
            etype, mode, words, pairs, frozenset(o for o in over.split(",") if o)))
    return {etype: tuple(cues) for etype, cues in table.items()}


@functools.cache
def contexts() -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((cols[0], frozenset(cols[1].split())) for cols in _read("contexts.tsv"))
