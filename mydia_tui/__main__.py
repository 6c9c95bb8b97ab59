"""``python -m mydia_tui`` and the ``mydia-tui`` command (``main``)."""

from __future__ import annotations

from typing import NoReturn

from . import startup


def main() -> NoReturn:
    """Run the command line; the garbage collector is held off while it starts
    (:mod:`mydia_tui.startup`)."""
    startup.hold()
    from .cli.main import run

    run()


if __name__ == "__main__":
    main()
