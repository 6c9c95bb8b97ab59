"""The help screen: every key, by pane, with the user's remaps applied."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..keys import catalog, display_keys, keys_for, with_keys
from .dialog import Dialog

EXTRA = [
    ("Everywhere", "tab / shift+tab", "Next / previous pane"),
    ("Everywhere", "ctrl+p", "Command palette (every action, themes)"),
]


class HelpScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        # the lists' keys scroll the keys too (the arrows, page keys, home and end already do)
        Binding("j", "scroll('down')", "Scroll down", id="help.down", show=False),
        Binding("k", "scroll('up')", "Scroll up", id="help.up", show=False),
        Binding("g", "scroll('home')", "Scroll to the top", id="help.top", show=False),
        Binding("G", "scroll('end')", "Scroll to the end", id="help.end", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 100%; height: 90%; border: round $primary; background: $surface;
        padding: 0 1;
    }
    """

    def compose_dialog(self) -> ComposeResult:
        keymap = getattr(self.app, "keymap", {})
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(no_wrap=True, style="cyan")
        table.add_column()
        rows: dict[str, list[tuple[str, Text]]] = {}
        for entry in catalog(self.app):
            b = entry.binding
            description = Text(b.tooltip or b.description)
            if b.id:  # the name to remap it by, in [tui.keys]
                description.append(f"  {b.id}", style="dim")
            rows.setdefault(entry.section, []).append(
                (display_keys(keys_for(b, keymap)), description)
            )
        for section, key, extra in EXTRA:
            rows.setdefault(section, []).append((key, Text(extra)))
        for section, items in rows.items():
            first = True
            for key, text in items:
                table.add_row(section if first else "", key, text)
                first = False
            table.add_row("", "", "")
        with VerticalScroll() as scroll:
            scroll.border_title = with_keys(self.app, "Keys ({help.close} to close)")
            yield Static(table)

    def action_scroll(self, where: str) -> None:
        """``where``: "down" or "up" (a line), "home" or "end"."""
        scroll = self.query_one(VerticalScroll)
        {
            "down": scroll.scroll_down,
            "up": scroll.scroll_up,
            "home": scroll.scroll_home,
            "end": scroll.scroll_end,
        }[where](animate=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
