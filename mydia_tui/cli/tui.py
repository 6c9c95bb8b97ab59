"""``mydia-tui`` with no command: the TUI in this terminal."""

from __future__ import annotations

from ..config import Config
from ..errors import EXIT_OK
from .main import Context


def cmd_tui(ctx: Context) -> int:
    ctx.db()
    return run_tui(ctx.config, ctx.args.config)


def run_tui(config: Config, config_path: str | None) -> int:
    """Run the app in this terminal until the user quits; an uncaught error that ended it is
    raised again here, for :func:`main` to report."""
    from ..tui.launch import tui_app

    with tui_app(config, config_path) as app:
        app.run()
    if app.crash is not None:
        raise app.crash
    # 129 when the terminal went away (mydia_tui.tui.terminal), as a shell reports a hang-up
    return app.return_code or EXIT_OK
