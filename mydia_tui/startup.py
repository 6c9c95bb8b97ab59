"""CPython's cyclic garbage collector while ``mydia-tui`` starts.

Nearly everything made while the program starts (modules, classes, the TUI's screens and
widgets, the first rows read) lives as long as the program, yet the collector walks it again
and again as it grows: about 150 collections and 80-90 ms before the TUI's first frame on a
library of 50,000 items (counted with ``gc.callbacks`` around ``bench/launch.py``'s launch).
The program's entry point (:mod:`mydia_tui.__main__`) holds collection off from its first
line with :func:`hold`; :func:`started` turns it back on once start-up is over: at once for a
command, after the first frame for the TUI. Only the entry point holds it: importing
``mydia_tui`` (a test, a script) never changes the collector.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Hold the cyclic collector off until :func:`started` (the entry point's first line)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def started() -> None:
    """Start-up is over: what was made so far moves to the permanent generation (later
    collections skip it, ``gc.freeze``) and the collector runs again. Does nothing unless
    :func:`hold` held it (a test running the app in-process, a second call)."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
