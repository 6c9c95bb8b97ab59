"""Long text made short for a line or a message: a name's start and end around an ellipsis
(:func:`shorten`), and a value a person typed quoted in a message (:func:`quoted`).

Part of the core (the configuration's refusals quote what was typed) and of the TUI
(:mod:`mydia_tui.tui.text` hands :func:`shorten` to the panes). Widths are terminal cells:
``rich.cells`` is loaded on the first call, not when the command line starts.
"""

from __future__ import annotations


def _cells(text: str) -> int:
    from rich.cells import cell_len  # loaded when a text is cut: not at the command line's start

    return cell_len(text)


#: how many cells a quoted value may take in a message (:func:`quoted`)
QUOTED_CELLS = 40


def quoted(value: object, width: int = QUOTED_CELLS) -> str:
    """``value`` as a message quotes it (``repr``: ``'127.0.0.1'``), its middle cut by
    :func:`shorten` when it is wider than ``width`` cells, its quotes kept, then with its
    length: ``'aaaaaaaaaaaa…aaaaaaaaaaaaaaaaa.example' (308 characters)``. The one way a refusal
    quotes what the user typed: a value of 600 characters took ten lines of a banner, twice (a
    new user's report)."""
    text = repr(value)
    if _cells(text) <= width:
        return text
    if not isinstance(value, str):
        return shorten(text, width)
    # the middle of what is between the quotes is cut, never a quote (a value with one long
    # part lost its closing quote when its start alone was shown)
    quote = text[0]
    inner = shorten(text[1:-1], max(width - 2, 1))
    return f"{quote}{inner}{quote} ({len(value):,} characters)"


#: what separates the parts of a release or file name (``Film.2016.1080p.BluRay.x264-GRP``)
_SEPARATORS = frozenset("._- /")


def shorten(value: str, width: int) -> str:
    """``value`` in at most ``width`` cells: whole, or its start and its end around an
    ellipsis (``The.Expanse.S01…x264-GRP``), measured in cells. For release and file names in
    lists and messages: two releases often differ only at their end (the group, the source),
    which a cut at the end would hide, so the end has up to two thirds of the room. The cut
    falls between the name's parts (``.``, ``-``, ``_``, spaces, ``/``) when that keeps at
    least half of each side's room: a part such as ``1080p`` is shown whole or not at all
    (``Stalled.Film…1080p.BluRay.x264-A``, never ``Stalled.Film.2016…0p.BluRay.x264-A``); a
    part too long for that is cut where the room ends. A last part wider than the end's room
    (``x264-LLLL…`` of 300 cells) would show only its filler: the name's start is shown then,
    cut at its end (``Big.Buck.Bunny.2008.1080p.WEB-DL…``). Text cut at the end is the TUI's
    :func:`mydia_tui.tui.text.fit`."""
    if _cells(value) <= width:
        return value
    if width <= 1:
        return "…" if width == 1 else ""
    room = width - 1
    least = room // 3
    tail_room = room - least  # the end tells releases apart: it may have two thirds
    last = len(value) - next(
        (i for i, char in enumerate(reversed(value)) if char in _SEPARATORS), len(value)
    )
    if _cells(value[last:]) > tail_room:
        return _head(value, room)[0] + "…"
    first: tuple[str, str] | None = None
    while True:
        tail, _ = _tail(value, tail_room)
        head, whole = _head(value[: len(value) - len(tail)], room - _cells(tail))
        if whole and (first is None or _cells(tail) >= least):
            break
        first = first or (head, tail)
        if _cells(tail) <= least:  # no end long enough lets the start end between parts
            head, tail = first
            break
        tail_room = _cells(tail) - 1  # the end's first part gives the start its room
    tail, _ = _tail(value[len(head) :], room - _cells(head))  # the room the start left
    return head + "…" + tail


def _head(value: str, room: int) -> tuple[str, bool]:
    """The longest start of ``value`` in ``room`` cells, ending before a separator when that
    keeps half the room; and whether it ends between two parts."""
    head, used = "", 0
    for char in value:
        if used + _cells(char) > room:
            break
        head += char
        used += _cells(char)
    if len(head) == len(value) or value[len(head)] in _SEPARATORS:
        return head, True
    whole = head
    while whole and whole[-1] not in _SEPARATORS:
        whole = whole[:-1]
    whole = whole.rstrip("".join(_SEPARATORS))
    return (whole, True) if whole and 2 * _cells(whole) >= room else (head, False)


def _tail(value: str, room: int) -> tuple[str, bool]:
    """The longest end of ``value`` in ``room`` cells, as :func:`_head` from the end."""
    tail, whole = _head(value[::-1], room)
    return tail[::-1], whole
