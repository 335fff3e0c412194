"""Roles and titles read off the dependency parse around a name.

Three shapes cover most of news style:

* an apposition after the name: "James Jeffrey, Washington's special envoy for Syria, said";
  "Esther Mukendi, the director of the hospital" (leading determiner dropped);
* an apposition before it: "the group's leader, Abu Ali, said";
* a title or description in front of the name in the same noun phrase: "Interior Minister Lena
  Vos", "top U.S. State Department official James Jeffrey", "Islamic State leader Abu Bakr
  al-Baghdadi".
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from pressgraph.extract.entities.lexicon import lexicon

_DETERMINERS = {"the", "a", "an", "this", "that", "its", "his", "her", "their"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_MAX_ROLE_TOKENS = 14


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop determiners, punctuation and dangling prepositions at the edges of a token range."""
    while start < end and (doc[start].lower_ in _DETERMINERS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].pos_ in {"ADP", "CCONJ"}):
        end -= 1
    return start, end


def _is_title_word(token: Token) -> bool:
    lex = lexicon()
    return token.lower_ in lex.titles or (token.pos_ == "NOUN" and token.is_lower)


def appositive_roles(span: Span) -> list[tuple[int, int]]:
    """Token ranges of appositions attached to the name ``span``."""
    doc = span.doc
    out: list[tuple[int, int]] = []
    for token in span:
        for child in token.children:
            if child.dep_ != "appos" or child.i < span.end or child.ent_type_ == "PERSON":
                continue
            if child.pos_ not in {"NOUN", "PROPN"}:
                continue
            # Stop the role at a relative clause or a following quote: "..., who remains at large".
            end = child.i + 1
            for right in child.rights:
                if right.dep_ in {"relcl", "acl"} or right.is_punct:
                    break
                end = right.right_edge.i + 1
            start, end = _trim(doc, child.left_edge.i, end)
            if 0 < end - start <= _MAX_ROLE_TOKENS and any(
                t.pos_ == "NOUN" or _is_title_word(t) for t in doc[start:end]
            ):
                out.append((start, end))
    root = span.root
    head = root.head
    if (
        root.dep_ == "appos"
        and head.i < span.start
        and head.pos_ == "NOUN"
        and head.ent_type_ not in {"PERSON", "ORG", "GPE"}
    ):
        start, end = _trim(doc, head.left_edge.i, head.i + 1)
        if 0 < end - start <= _MAX_ROLE_TOKENS:
            out.append((start, end))
    return out


def title_before(span: Span) -> tuple[int, int] | None:
    """The title or description in front of a name ("Interior Minister" in "Interior Minister
    Lena Vos"), as a token range, or None."""
    doc = span.doc
    lex = lexicon()
    i = span.start - 1
    sent_start = span.sent.start
    first = span.start
    while i >= sent_start and span.start - i <= _MAX_ROLE_TOKENS:
        tok = doc[i]
        if tok.ent_type_ == "PERSON":
            break
        in_noun_phrase = (
            tok.pos_ in {"PROPN", "NOUN", "ADJ"}
            or tok.text in _POSSESSIVE
            or tok.tag_ == "POS"
            or (tok.text in {"-", "."} and i - 1 >= sent_start and not doc[i - 1].is_space)
            # "Minister of Defence Ali Musa": a preposition inside the title.
            or (tok.lower_ in {"of", "for"} and first < span.start)
        )
        if in_noun_phrase:
            first = i
        else:
            break
        i -= 1
    if first == span.start:
        return None
    last = doc[span.start - 1]
    # The word right before the name must be a title or a common noun ("leader", "official"):
    # "Turkey's Erdogan" carries no role.
    if last.lower_ in lex.honorifics or not _is_title_word(last):
        return None
    start, end = _trim(doc, first, span.start)
    while start < end and (doc[start].lower_ in {"of", "for"} or doc[start].text in _POSSESSIVE):
        start += 1
    if start >= end or all(t.lower_ in lex.honorifics for t in doc[start:end]):
        return None
    return start, end
