"""The library pane: films and shows with their status."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ...library import ItemRow, list_items

STATUS_STYLE = {
    "on_disk": "green",
    "complete": "green",
    "missing": "red",
    "partial": "yellow",
    "downloading": "cyan",
    "unmonitored": "dim",
    "upcoming": "dim",
}


def status_text(row: ItemRow) -> Text:
    label = row.status.replace("_", " ")
    if row.status == "on_disk" and row.quality:
        label += f" [{row.quality}]"
    if row.status == "downloading" and row.progress is not None:
        label += f" {row.progress * 100:.0f}%"
    if row.kind == "show":
        label += f" ({row.episodes_on_disk}/{row.aired})"
    return Text(label, style=STATUS_STYLE.get(row.status, ""))


class LibraryTable(DataTable):
    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("Title", "Year", "Kind", "Status")
        self.refresh_rows()

    def refresh_rows(self) -> None:
        rows = list_items()
        self.border_title = f"Library ({len(rows)})"
        self.clear()
        for row in rows:
            self.add_row(
                Text(row.title),
                str(row.year or ""),
                "film" if row.kind == "movie" else "show",
                status_text(row),
                key=str(row.id),
            )
