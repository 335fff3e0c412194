"""Text from inputs made safe to print on a terminal.

Titles, file names and messages come from the inputs, and an input can hold escape sequences
(``ESC [2J`` clears the screen, ``ESC ]`` retitles the window) or bidirectional overrides
that make a name read backwards.  Every such character is shown as a visible escape instead,
and line breaks become spaces so a message stays on one line.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the bidirectional embedding/override/isolate marks
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029\x85\x0b\x0c]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def safe_text(value: object) -> str:
    """``value`` as one printable line: breaks become spaces, control characters ``\\xNN``.

    Lone surrogates (from undecodable file names) are shown as ``\\udcNN`` so printing
    never raises ``UnicodeEncodeError``.
    """
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _UNSAFE.sub(_visible, text)
    return _SURROGATE.sub(_visible, text)


__all__ = ["safe_text"]
