"""``search ITEM_ID [--season N] [--episode N]``: ask the indexers, show the ranked releases.
Exit status 1 when no indexer answered (each one's failure is in the output)."""

from __future__ import annotations

import sys

from ..config import no_indexers
from ..errors import EXIT_FAILURE, EXIT_OK, UsageError
from ..units import counted, human_size
from .main import Context, say, say_lines
from .output import emit_json, search_json


def cmd_search(ctx: Context) -> int:
    from ..item_search import search, target_for

    ctx.db()
    args = ctx.args
    if not ctx.config.indexers:
        raise UsageError(no_indexers())
    target = target_for(args.item_id, args.season, args.episode)
    outcome = search(ctx.config, target, manual=True)
    if ctx.json:
        emit_json(search_json(outcome))
    else:
        say_lines(format_outcome(outcome))
    if outcome.indexers and not any(r.ok for r in outcome.indexers):
        # "nothing found" and "could not ask" are told apart by the status, as doctor does
        say("mydia-tui: no indexer answered: nothing was searched", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def format_outcome(outcome, *, rejected: bool = True, width: int = 70) -> list[str]:
    """A plain-text table for the terminal, line by line (titles shown as given: each line is
    made safe when printed, :func:`~mydia_tui.cli.main.say_lines`)."""
    lines = [f"Search for {outcome.target.label()}"]
    for r in outcome.indexers:
        state = counted(r.results, "result") if r.ok else f"FAILED ({r.error_code}): {r.message}"
        extra = f", {r.dropped} items dropped" if r.dropped else ""
        lines.append(f"  {r.name}: {state}{extra}")
    lines.append("")
    have = outcome.upgrade_from
    if have:
        lines.append(f"On disk: {have}; candidates are upgrades from it (from -> to)")
        lines.append(f"{counted(len(outcome.candidates), 'upgrade candidate')} (best first):")
    else:
        lines.append(f"{counted(len(outcome.candidates), 'candidate')} (best first):")
    column = "from -> to" if have else "quality"
    wide = 30 if have else 13
    lines.append(f"  {'#':>3}  {column:<{wide}} {'seed':>5} {'size':>10}  {'indexer':<12} title")
    for i, d in enumerate(outcome.candidates, 1):
        r = d.release
        seed = "?" if r.seeders is None else str(r.seeders)
        quality = f"{have} -> {d.quality}" if have else d.quality
        size = human_size(r.size, "?")
        lines.append(
            f"  {i:>3}  {quality:<{wide}} {seed:>5} {size:>10}  {r.indexer[:12]:<12} {r.title[:width]}"
        )
    if rejected and outcome.rejected:
        lines.append("")
        lines.append(f"{len(outcome.rejected)} rejected:")
        for d in outcome.rejected:
            lines.append(f"  {d.reason_code:<19} {d.release.title[:width]}  ({d.message})")
    return lines
