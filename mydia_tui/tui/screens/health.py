"""The health screen: exactly what ``mydia-tui doctor`` finds (:func:`mydia_tui.doctor.run_checks`
on the open library): Deluge reachable, each indexer healthy or why not, the library folders
readable and writable, downloads and library on one file system (hardlinks) or not, free
space. The checks run in a thread worker (they reach Deluge and the indexers, each bounded by
its timeout); ``r`` runs them again. Findings are coloured by level and shown literally."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from ..keys import with_keys
from ..text import clean, counted
from ..widgets.footer import KeysFooter
from ..workers import ReportsWorkerErrors

#: a finding's level: its mark and colour
LEVELS = {"ok": ("ok", "green"), "warn": ("warn", "yellow"), "fail": ("FAIL", "bold red")}


def level(finding: Any) -> str:
    """ "ok", "warn" or "fail", as doctor marks a finding."""
    if finding.warning:
        return "warn"
    return "ok" if finding.ok else "fail"


class Checked(Message):
    def __init__(self, findings: list[Any]) -> None:
        super().__init__()
        self.findings = findings


class HealthScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("r", "run", "Run again", id="health.run", tooltip="Run every check again"),
        Binding("escape", "close", "Close", id="health.close", tooltip="Close the health checks"),
    ]
    DEFAULT_CSS = """
    HealthScreen #health-state { height: 1; padding: 0 1; background: $panel; }
    HealthScreen #health-scroll { height: 1fr; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[Any] | None = None

    def compose(self) -> ComposeResult:
        yield Static("checking…", id="health-state")
        with VerticalScroll(id="health-scroll"):
            yield Static("", id="health-findings")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        self.query_one("#health-state", Static).update("checking…")
        self.check()

    @work(thread=True, exclusive=True, group="health-read", exit_on_error=False)
    def check(self) -> None:
        from ...doctor import OpenLibrary, run_checks

        findings = run_checks(OpenLibrary(self.app.config))  # type: ignore[attr-defined]
        if not get_current_worker().is_cancelled:
            self.post_message(Checked(findings))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        self.findings = message.findings
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        counts = {"ok": 0, "warn": 0, "fail": 0}
        for finding in message.findings:
            kind = level(finding)
            counts[kind] += 1
            mark, style = LEVELS[kind]
            table.add_row(
                Text(f"[{mark:<4}]", style=style),
                Text(clean(finding.area)),
                Text(clean(finding.message), style="" if kind == "ok" else style),
            )
        self.query_one("#health-findings", Static).update(table)
        summary = Text()
        summary.append(f"{counts['ok']} ok", style="green")
        summary.append(
            f" · {counted(counts['warn'], 'warning')}", style="yellow" if counts["warn"] else ""
        )
        summary.append(f" · {counts['fail']} failing", style="bold red" if counts["fail"] else "")
        summary.append(with_keys(self.app, " · {health.run} runs again · {health.close} closes"))
        self.query_one("#health-state", Static).update(summary)

    def action_close(self) -> None:
        self.dismiss(None)
