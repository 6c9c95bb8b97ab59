"""``config show [--json]``, ``config path``, and ``profiles [remove NAME]``."""

from __future__ import annotations

from ..errors import EXIT_OK
from ..units import counted
from .main import Context, say, say_lines
from .output import config_json, emit_json, profile_json


def cmd_config_show(ctx: Context) -> int:
    from ..config import dumps

    source = ctx.config.source or "(defaults: no config file)"
    if ctx.json:
        emit_json(config_json(ctx.config, str(source)))
    else:
        say(f"# {source}")
        text = dumps(ctx.config)  # TOML escapes the line breaks of its values
        say_lines(text.removesuffix("\n").split("\n") if text else [])
    return EXIT_OK


def cmd_config_path(ctx: Context) -> int:
    from ..paths import config_path

    say(config_path(ctx.args.config))
    return EXIT_OK


def cmd_profiles(ctx: Context) -> int:
    from ..profiles import item_counts
    from ..releases.quality import all_profiles

    ctx.db()
    quality = ctx.config.quality
    profiles = sorted(all_profiles(quality).values(), key=lambda p: p.name.casefold())
    counts = item_counts(quality)
    used = {p.name: counts.get(p.name, 0) for p in profiles}
    default = quality.default_profile
    if ctx.json:
        emit_json([profile_json(p, p.name == default, used[p.name]) for p in profiles])
        return EXIT_OK
    for p in profiles:
        mark = " (default)" if p.name == default else ""
        upgrades = (
            f"upgrades up to {p.cutoff}" if p.cutoff and p.upgrades_allowed else "no upgrades"
        )
        say(
            f"{p.name}{mark}: {', '.join(p.qualities)}; {upgrades}; "
            f"{counted(used[p.name], 'item')} with it"
        )
    return EXIT_OK


def cmd_profiles_remove(ctx: Context) -> int:
    """Remove a profile through :func:`mydia_tui.profiles.remove_profile` (the settings
    screen's way): refused, with nothing written, while it is the default or an item uses it."""
    from ..paths import settings_file
    from ..profiles import remove_profile

    ctx.db()
    name = ctx.args.name
    path = settings_file(ctx.args.config, ctx.config.source)
    remove_profile(path, name, ctx.config.quality)
    if ctx.json:
        emit_json({"removed": name, "config": str(path)})
    else:
        say(f"removed the quality profile {name!r} from {path}")
    return EXIT_OK
