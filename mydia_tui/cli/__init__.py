"""The command line: one entry point for the TUI, the headless monitor and scripting.

Exit status: 0 success, 1 failure, 2 usage or configuration error, 3 refused by the dedup
guard. Every error is one line on stderr, never a traceback: an unexpected one (a bug, in a
command or in the TUI) also says which log file in the log folder holds its traceback.
``--json`` output is built in :mod:`.output` only, documented in the README, and stable.

- :mod:`.main`: :func:`main`, the one place errors become a line and an exit status;
- :mod:`.parser`: the commands and their options;
- one module per family of commands (:mod:`.library`, :mod:`.downloads`, :mod:`.search`,
  :mod:`.scan`, :mod:`.monitor`, :mod:`.doctor`, :mod:`.demo`, :mod:`.config`, :mod:`.tui`),
  each imported only when one of its commands runs;
- :mod:`.output`: every ``--json`` document.

Nothing outside this package imports it but ``python -m mydia_tui`` (``__main__``); it never
imports Textual unless the TUI opens.
"""

from __future__ import annotations

from .main import main, run

__all__ = ["main", "run"]
