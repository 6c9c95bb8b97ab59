"""Text from outside (release titles, magnet names, file names, servers' error messages) made
safe to show or keep: one set of unsafe characters, two treatments.

The unsafe characters are the C0 and C1 control characters (ESC, BEL, CR, ...), DEL, and the
bidirectional overrides and isolates (U+200E/F, U+202A-202E, U+2066-2069), which can colour,
move or clear a terminal, or reverse the direction of what follows on a line.

- :func:`for_terminal`: every unsafe character made *visible* (``␛`` for ESC, ``␀`` for NUL,
  ``�`` for the rest); what every face prints (the command line's text output, the TUI's
  cells). JSON output does not use it: JSON's own escaping (``\\u001b``) is that contract.
- :func:`without_controls`: unsafe characters *removed* (tabs and line breaks become spaces);
  what is kept from an indexer's answer (release titles, categories).
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␀ for NUL, ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def for_terminal(value: object) -> str:
    """``str(value)`` with every unsafe character replaced by a visible symbol; the result is
    plain text (put it in ``rich.text.Text(...)``, never in markup)."""
    return UNSAFE.sub(_visible, str(value))


def for_terminal_lines(value: object) -> str:
    """:func:`for_terminal` line by line: the line breaks of ``str(value)`` are kept (a
    multi-line report stays one), every other unsafe character is made visible."""
    return "\n".join(for_terminal(line) for line in str(value).split("\n"))


def without_controls(text: str | None) -> str:
    """``text`` without unsafe characters (tabs and line breaks become spaces)."""
    return UNSAFE.sub(lambda m: " " if m.group() in "\t\n\r" else "", text or "")
