"""Readers: every input format in, one :class:`pressgraph.model.Article` type out.

``read_inputs(paths)`` expands directories and globs, picks a reader by file type, and yields
``Article`` objects (text = the decoded story text, before cleaning) or ``InputError`` objects
(one line naming the input and the problem).  A bad input never raises: the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InputError:
    """An input that could not be read: ``str()`` is the one-line message users see."""

    input: str
    problem: str

    def __str__(self) -> str:
        return f"{self.input}: {self.problem}"
