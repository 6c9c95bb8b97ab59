"""The downloads pane: the queue as the download monitor last recorded it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ...downloads import list_downloads


class DownloadsTable(DataTable):
    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("Name", "Target", "State", "Progress")
        self.refresh_rows()

    def refresh_rows(self) -> None:
        rows = list_downloads()
        self.border_title = f"Downloads ({len(rows)})"
        self.clear()
        for d in rows:
            self.add_row(
                Text(d.title),
                Text(d.target),
                d.state,
                f"{d.progress * 100:.0f}%",
                key=d.info_hash,
            )
