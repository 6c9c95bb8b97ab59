"""Counts, sizes, rates and durations for people: one unit family (binary, as the quality profiles' MiB
limits and Deluge's own UIs count) for every face, the TUI and the command line alike."""

from __future__ import annotations

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


def counted(n: int, noun: str) -> str:
    """``n`` with its noun, in the plural unless it is one: ``"1 film"``, ``"1,234 films"``
    (nouns whose plural takes an ``s``); for every count a person reads, in place of the
    ``file(s)`` idiom, in the TUI, the command line, logs and history messages alike."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def human_size(size: int | float | None, unknown: str = "-") -> str:
    """``size`` in bytes as ``"8.4 MiB"`` or ``"812 MiB"`` (powers of 1024; one decimal below
    100 of a unit, whole numbers from 100 and for bytes, so at most 8 cells); ``unknown`` for
    None, zero or a negative size (Deluge reports -1 for "not known")."""
    if size is None or size <= 0:
        return unknown
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            whole = unit == "B" or round(value, 1) >= 100
            return f"{value:.0f} {unit}" if whole else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # the loop returns at the last unit


def human_rate(rate: int | float | None) -> str:
    """A transfer rate in bytes per second as ``"1.2 MiB/s"``; ``"-"`` when nothing moves."""
    if rate is None or rate <= 0:
        return "-"
    return human_size(rate) + "/s"


#: (seconds in the unit, its name for one, for several), largest first
_DURATIONS = ((86400, "day", "days"), (3600, "hour", "hours"), (60, "min", "min"))


def human_duration(seconds: float) -> str:
    """A length of time in seconds as a person says it: ``"30 days"``, ``"1 hour"``,
    ``"5 min"``, ``"90 s"``, ``"1.5 s"`` (the largest unit that holds it a whole number of
    times; seconds otherwise). For limits and settings, not for counting down."""
    for size, one, several in _DURATIONS:
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {one if count == 1 else several}"
    return f"{seconds:g} s"
