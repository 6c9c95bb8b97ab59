"""``mydia-tui`` with no command: the TUI in this terminal."""

from __future__ import annotations

from ..config import Config, secrets_of
from ..errors import EXIT_OK
from .main import Context, logging_to_file


def cmd_tui(ctx: Context) -> int:
    ctx.db()
    return run_tui(ctx.config, ctx.args.config)


def run_tui(config: Config, config_path: str | None, command: str = "tui") -> int:
    """Run the app in this terminal until the user quits; an uncaught error that ended it is
    raised again here, for :func:`main` to report. Meanwhile what is logged goes to
    ``<command>.log`` in the log folder, never to the terminal the app draws on."""
    from ..tui.launch import tui_app

    with logging_to_file(command, secrets_of(config)), tui_app(config, config_path) as app:
        app.run()
    if app.crash is not None:
        raise app.crash
    # 129 when the terminal went away (mydia_tui.tui.terminal), as a shell reports a hang-up
    return app.return_code or EXIT_OK
