"""The main screen: the library pane above, the downloads pane below."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from ..widgets.downloads import DownloadsTable
from ..widgets.library import LibraryTable


class MainScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield LibraryTable(id="library")
        yield DownloadsTable(id="downloads")
        yield Footer()
