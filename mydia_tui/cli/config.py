"""``config show [--json]`` and ``config path``."""

from __future__ import annotations

from ..errors import EXIT_OK
from .main import Context, say
from .output import config_json, emit_json


def cmd_config_show(ctx: Context) -> int:
    from ..config import dumps

    source = ctx.config.source or "(defaults: no config file)"
    if ctx.json:
        emit_json(config_json(ctx.config, str(source)))
    else:
        say(f"# {source}")
        say(dumps(ctx.config), end="")
    return EXIT_OK


def cmd_config_path(ctx: Context) -> int:
    from ..paths import config_path

    say(config_path(ctx.args.config))
    return EXIT_OK
