"""Turning values into cells: untrusted text made safe, sizes, rates and times made short."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.text import Text

from ..models import to_local
from ..short_text import shorten as shorten  # the one middle cut, for the panes too
from ..units import counted as counted  # the one way to count things, for the panes
from ..units import human_rate as human_rate  # the one size and rate format, for the panes
from ..units import human_size as human_size
from ..untrusted import for_terminal


def clean(value: object) -> str:
    """Outside text (titles, file names, error messages) made safe for the terminal:
    :func:`mydia_tui.untrusted.for_terminal`. Put the result in ``Text(...)``, never markup."""
    return for_terminal(value)


def plain(value: object, style: str = "") -> Text:
    """A Text holding outside text literally (no markup, no escapes)."""
    return Text(clean(value), style=style, no_wrap=True)


def fit(value: Text | str, width: int, *, pad: bool = True) -> Text:
    """``value`` in ``width`` cells: whole, or cut with an ellipsis right after the last
    glyph that fits (its style kept), then padded with spaces to ``width`` (unless ``pad`` is
    False). The one way text is cut to a width: Rich's ``Text.truncate`` puts the cell a wide
    (2-cell) glyph leaves free before the ellipsis (``日本  …``); here it comes after it."""
    text = value.copy() if isinstance(value, Text) else Text(value, no_wrap=True)
    if width <= 0:
        return text[:0]
    if text.cell_len > width:
        room, used, end = width - 1, 0, 0
        for end, char in enumerate(text.plain):  # noqa: B007 (end is read after the loop)
            size = cell_len(char)
            if used + size > room:
                break
            used += size
        else:
            end = len(text.plain)
        # as Text.truncate does: a style running on past the cut covers the ellipsis
        text.plain = text.plain[:end] + "…"
    if pad and text.cell_len < width:
        text.append(" " * (width - text.cell_len))
    return text


def fit_message(text: str, width: int, lines: int | None = None) -> str:
    """``text`` (plain, lines split by newlines) for a box ``width`` cells wide: each word
    wider than its line's room (the box less the line's indent) shortened in its middle
    (:func:`shorten`), so wrapping at words never splits one (a release name, an info-hash, a
    path); with ``lines``, at most that many lines once wrapped, the last ending in ``…``.
    For toasts and dialogs that name releases."""
    if width <= 1:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        room = max(1, width - indent)
        words = [shorten(word, room) for word in line[indent:].split(" ")]
        out.append(" " * indent + " ".join(words))
    if lines is None:
        return "\n".join(out)
    kept: list[str] = []
    for line in out:
        used, row = 0, [""]  # the words wrapped greedily, as the box will
        for word in line.split(" "):
            size = cell_len(word)
            if used and used + 1 + size > width:
                row.append("")
                used = 0
            row[-1] += (" " if used else "") + word
            used += size + (1 if used else 0)
        kept.extend(row)
    if len(kept) <= lines:
        return "\n".join(out)
    last = fit(kept[lines - 1] + "…", width, pad=False).plain
    return "\n".join([*kept[: lines - 1], last])


def cells(parts: list[tuple[Text | str, int]], gap: int = 1) -> Text:
    """Fixed-width columns in one line: each part is cut with an ellipsis or padded."""
    line = Text(no_wrap=True, end="")
    for index, (value, width) in enumerate(parts):
        if width <= 0:
            continue
        cell = fit(value, width)
        if index:
            line.append(" " * gap)
        line.append_text(cell)
    return line


def widen_columns(
    width: int,
    columns: Mapping[str, int],
    widening: Sequence[tuple[str, str, int]],
    *,
    narrows: tuple[str, int],
    rest: str,
    waiting: str | None = None,
) -> dict[str, int]:
    """The widths of a list's columns in rows ``width`` cells wide, a cell between two
    columns: the one rule of the lists whose columns share the room (the downloads, the
    releases). ``columns`` holds every column in row order at its width in the narrowest row
    (0: not shown yet). Below that, the column ``narrows`` names gives up its cells down to
    the least it names (its heading). Above it, ``widening`` says what more room gives, in
    order: ``("add", column, cells)`` a column back (its cells and a gap), ``("grow", column,
    cells)`` cells to a column up to that width. A column comes back with the cells that
    were spare, never with another's, so no column narrows as the row widens; a column that
    does not fit yet stops the widening, its cells then go to ``waiting`` (when one is named,
    else they stay blank). Once every step is done, what is left goes to ``rest``."""
    cols = dict(columns)
    spare = width - sum(cols.values()) - (sum(1 for w in cols.values() if w) - 1)
    if spare < 0:
        column, least = narrows
        cols[column] = max(least, cols[column] + spare)
        return cols
    for step, key, size in widening:
        if step == "grow":
            more = min(spare, max(0, size - cols[key]))
            cols[key] += more
            spare -= more
        elif spare > size:
            cols[key] = size
            spare -= size + 1
        else:
            break
        if not spare:
            break
    else:
        cols[rest] += spare
        spare = 0
    if waiting is not None:
        cols[waiting] += spare
    return cols


def right(value: str, width: int) -> str:
    return value[-width:].rjust(width) if width > 0 else ""


def human_eta(seconds: int | None) -> str:
    if seconds is None or seconds <= 0:
        return "-"
    if seconds >= 100 * 86400:
        return "∞"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s"


def bar(progress: float, width: int) -> Text:
    """A progress bar with the percentage, ``███▌····  45%``."""
    progress = min(max(progress, 0.0), 1.0)
    label = f"{progress * 100:3.0f}%"
    room = width - len(label) - 1
    if room < 3:
        return Text(label.rjust(width))
    eighths = round(progress * room * 8)
    full, part = divmod(eighths, 8)
    blocks = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
    text = Text(no_wrap=True)
    text.append(blocks, style="green")
    text.append("·" * (room - len(blocks)), style="dim")
    text.append(" " + label)
    return text


def mmss(seconds: float) -> str:
    seconds = max(0, int(seconds))
    minutes, secs = divmod(seconds, 60)
    if minutes >= 60:
        return f"{minutes // 60}h{minutes % 60:02d}m"
    return f"{minutes:02d}:{secs:02d}"


def local_hhmm(moment: dt.datetime) -> str:
    """A timestamp (aware, or naive UTC as the database stores it) as local hh:mm."""
    return to_local(moment).strftime("%H:%M")


def local_minute(moment: dt.datetime | str) -> str:
    """A timestamp (naive UTC, or its ISO text) as local "YYYY-MM-DD hh:mm"."""
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def fit_parts(parts: list[str], width: int, sep: str = " · ") -> str:
    """``parts`` joined by ``sep``, as many whole parts as fit in ``width`` cells (the first
    always), measured in cells (a wide glyph takes two): a border's title loses its last
    details rather than being cut mid-word."""
    out = parts[0] if parts else ""
    for part in parts[1:]:
        if width > 0 and cell_len(out + sep + part) > width:
            break
        out += sep + part
    return out


def fit_forms(
    parts: Sequence[Sequence[Text]], width: int, sep: Text, importance: Sequence[int]
) -> Text:
    """One line of ``parts`` joined by ``sep`` in ``width`` cells. Each part is its forms,
    longest first, each a whole phrase (``Deluge offline since 10:00``, ``Deluge offline``);
    ``importance`` lists the parts' indexes, most important first. When the line does not
    fit, the least important part takes its shorter forms first, then the next one; when
    every part is at its shortest, the least important are left out; then the parts shown,
    most important first, take back the longest form that fits. The most important part alone
    too wide is cut by :func:`fit` (an ellipsis): a phrase is never cut by the terminal. The
    status bar."""
    chosen = [0] * len(parts)
    shown = [i for i in range(len(parts)) if parts[i]]

    def length(form: dict[int, int]) -> int:
        widths = [parts[i][form.get(i, chosen[i])].cell_len for i in shown]
        return sum(widths) + sep.cell_len * max(0, len(widths) - 1)

    order = [i for i in importance if i in shown]
    for i in reversed(order):
        while length({}) > width and chosen[i] < len(parts[i]) - 1:
            chosen[i] += 1
    for i in reversed(order[1:]):
        if length({}) <= width:
            break
        shown.remove(i)
    for i in (i for i in order if i in shown):
        chosen[i] = next(
            k for k in range(chosen[i] + 1) if length({i: k}) <= width or k == chosen[i]
        )
    line = sep.join(parts[i][chosen[i]] for i in shown)
    line.no_wrap, line.end = True, ""
    return fit(line, width, pad=False)


def filter_tabs(
    groups: Sequence[str],
    counts: Mapping[str, int],
    current: str,
    width: int,
    *,
    hide_empty: bool = False,
) -> Text:
    """A filter's tabs with their counts (``all 12  grabbed 4 ...``) in ``width`` cells, the
    current one reversed, never a label cut: roomy when they fit, tight when not, then
    without the empty groups (``all`` and the current one stay); ``hide_empty`` leaves those
    out from the start. When they still do not fit, the first tab (``all``, the total) stays
    and the others scroll so the current one is shown, those out of sight counted at either
    end (``‹ 2 more``, ``3 more ›``): a tab is never dropped without a word. The downloads'
    state filter and the activity's kinds."""
    shown = [g for g in groups if not hide_empty or counts.get(g, 0) or g in ("all", current)]
    for pad, sep in ((" ", " "), ("", "  ")):
        labels = [f"{pad}{g} {counts.get(g, 0):,}{pad}" for g in shown]
        if cell_len(sep.join(labels)) <= width:
            return _tabs(list(zip(shown, labels, strict=True)), current, sep)
    shown = [g for g in shown if counts.get(g, 0) or g in ("all", current)]
    tabs = [(g, f"{g} {counts.get(g, 0):,}") for g in shown]
    if cell_len(sep.join(label for _, label in tabs)) <= width:
        return _tabs(tabs, current, sep)
    first, rest = tabs[:1], tabs[1:]
    here = next((i for i, (g, _) in enumerate(rest) if g == current), 0)
    fits: list[tuple[str, str]] = first
    for start in range(len(rest)):
        before = first + ([("", f"‹ {start} more")] if start else [])
        seen = start  # the tabs rest[start:seen] fit, with the count of those after them
        for end in range(start, len(rest) + 1):
            after = [("", f"{len(rest) - end} more ›")] if end < len(rest) else []
            line = before + rest[start:end] + after
            if cell_len(sep.join(label for _, label in line)) > width:
                break
            fits, seen = line, end
        if here < seen or start >= here:  # the current tab is in sight (or nothing more fits)
            break
    return _tabs(fits, current, sep)


def _tabs(tabs: list[tuple[str, str]], current: str, sep: str) -> Text:
    line = Text(no_wrap=True, end="")
    for group, label in tabs:
        if len(line):
            line.append(sep)
        style = "reverse bold" if group == current else ("dim" if not group else "")
        line.append(label, style=style)
    return line
