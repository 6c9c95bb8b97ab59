"""Scanning the library folders: what is already on disk.

- :func:`scan_library` (in :mod:`.service`): the scan the CLI, the TUI and the monitor call;
- :mod:`.names`: the fast parser of library file and folder names;
- :mod:`.match`: matching a path to a film or to episodes;
- :mod:`.walk`: walking a folder without ever failing on one bad entry.
"""

from __future__ import annotations

from .service import RootSummary, ScanIssue, ScanReport, UnmatchedFile, scan_library

__all__ = [
    "RootSummary",
    "ScanIssue",
    "ScanReport",
    "UnmatchedFile",
    "scan_library",
]
