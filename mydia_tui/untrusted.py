"""Text from outside (release titles, magnet names, file names, servers' error messages) made
safe to show or keep: one set of unsafe characters, two treatments.

The unsafe characters are the C0 and C1 control characters (ESC, BEL, CR, LF, ...), DEL, the
line and paragraph separators (U+2028/9), and the bidirectional overrides and isolates
(U+200E/F, U+202A-202E, U+2066-2069), which can colour, move or clear a terminal, start a new
line (a forged row in a listing), or reverse the direction of what follows on a line. They
hold every line break Python's ``str.splitlines`` knows.

- :func:`for_terminal`: every unsafe character made *visible* (``␛`` for ESC, ``␊`` for LF,
  ``␤`` for the line breaks outside C0: NEL, U+2028, U+2029; ``�`` for the rest): the one
  rule of what every face prints (the command line's text output and log lines, the TUI's
  cells), so one value is always one line. JSON output does not use it: JSON's own escaping
  (``\\u001b``, ``\\n``) is that contract.
- :func:`without_controls`: unsafe characters *removed* (tabs and line breaks become spaces);
  what is kept from an indexer's answer (release titles, categories).
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

#: the line breaks among them (``str.splitlines``'s), and the tab: a space in what is kept
_SPACED = frozenset("\t\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␀ for NUL, ...
    if code == 0x7F:
        return "\u2421"  # ␡
    if code in (0x85, 0x2028, 0x2029):
        return "\u2424"  # ␤: a line break, shown on the line
    return "\ufffd"


def for_terminal(value: object) -> str:
    """``str(value)`` with every unsafe character replaced by a visible symbol; the result is
    plain text (put it in ``rich.text.Text(...)``, never in markup)."""
    return UNSAFE.sub(_visible, str(value))


def without_controls(text: str | None) -> str:
    """``text`` without unsafe characters (tabs and line breaks become spaces)."""
    return UNSAFE.sub(lambda m: " " if m.group() in _SPACED else "", text or "")
