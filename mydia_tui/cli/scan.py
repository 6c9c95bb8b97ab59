"""``scan [--json] [--allow-mass-removal]``: find the files already in the library folders."""

from __future__ import annotations

import sys

from ..errors import EXIT_FAILURE, EXIT_OK
from ..events import Event, ScanProgress
from ..units import counted
from .main import Context, say
from .output import emit_json, scan_json

#: unmatched files listed by the text report (--json lists them all)
UNMATCHED_SHOWN = 100


class _TerminalProgress:
    """One rewritten line on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.active = sys.stderr.isatty()

    def __call__(self, event: Event) -> None:
        if not self.active or not isinstance(event, ScanProgress):
            return
        if event.done:
            sys.stderr.write(f"\r\x1b[K{event.root}: {event.files_seen} files\n")
        else:
            total = f"/{event.files_total}" if event.files_total else ""
            sys.stderr.write(f"\r\x1b[Kscanning {event.root}: {event.files_seen}{total} files")
        sys.stderr.flush()


def cmd_scan(ctx: Context) -> int:
    from ..scanning.service import ScanIssue, ScanReport, scan_library

    ctx.db()
    config = ctx.config
    if not config.library.movies and not config.library.shows:
        message = (
            "no library folders configured: set [library] movies and shows in the config file "
            "(mydia-tui config path)"
        )
        if ctx.json:
            emit_json(scan_json(ScanReport(warnings=(ScanIssue("", "", "no_roots", message),))))
        else:
            say(f"mydia-tui: {message}", file=sys.stderr)
        return EXIT_FAILURE
    report = scan_library(
        config,
        on_event=_TerminalProgress(),
        allow_mass_removal=bool(getattr(ctx.args, "allow_mass_removal", False)),
    )
    if ctx.json:
        emit_json(scan_json(report))
    else:
        _print_report(report)
    return EXIT_OK if report.clean else EXIT_FAILURE


def _print_report(report) -> None:
    for r in report.roots:
        line = (
            f"{r.path} ({r.kind}): {counted(r.files_seen, 'file')}, {r.added:,} added, "
            f"{r.updated:,} updated, {r.unchanged:,} unchanged, {r.removed:,} removed"
        )
        if r.held_back:
            line += f", {r.held_back:,} vanished but kept"
        if r.unmatched:
            line += f", {r.unmatched:,} unmatched"
        if r.status != "ok":
            line += f" [{r.status}]"
        say(line)
    if report.unmatched:
        say()
        n = len(report.unmatched)
        say(f"{counted(n, 'file')} {'matches' if n == 1 else 'match'} nothing in the library:")
        for u in report.unmatched[:UNMATCHED_SHOWN]:
            say(f"  {u.root}/{u.path}: {u.reason}")
        if len(report.unmatched) > UNMATCHED_SHOWN:
            say(
                f"  ... and {len(report.unmatched) - UNMATCHED_SHOWN:,} more (scan --json lists all)"
            )
    for w in report.warnings:
        where = f"{w.root}/{w.path}" if w.path else w.root
        say(f"mydia-tui: warning: {where}: {w.message}", file=sys.stderr)
    for e in report.errors:
        where = f"{e.root}/{e.path}" if e.path else e.root
        say(f"mydia-tui: error: {where}: {e.message}", file=sys.stderr)
    say(f"scanned in {report.duration:.1f}s")
