"""The main screen: library and details side by side, the downloads below, the status bar."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from ..widgets.details import DetailsPane
from ..widgets.downloads import DownloadsPane
from ..widgets.footer import KeysFooter
from ..widgets.library import LibraryList, LibraryPane
from ..widgets.rowview import RowView
from ..widgets.statusbar import StatusBar


class MainScreen(Screen[None]):
    AUTO_FOCUS = "#library-list"
    DEFAULT_CSS = """
    MainScreen { layers: base curtain; }
    MainScreen #curtain {
        layer: curtain; dock: top; width: 100%; height: 100%; background: $background;
    }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield LibraryPane(id="library")
            yield DetailsPane(id="details")
        yield DownloadsPane(id="downloads")
        yield StatusBar(id="status")
        yield KeysFooter()
        yield Static(id="curtain")

    @property
    def library(self) -> LibraryPane:
        return self.query_one(LibraryPane)

    @property
    def details(self) -> DetailsPane:
        return self.query_one(DetailsPane)

    @property
    def downloads(self) -> DownloadsPane:
        return self.query_one(DownloadsPane)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    def on_mount(self) -> None:
        ready = getattr(self.app, "main_screen_ready", None)
        if ready is not None:
            ready()
        self.call_after_refresh(self._lift_curtain)

    def _lift_curtain(self, tries: int = 0) -> None:
        """Show the screen once it is whole: the lists laid out (their headings drawn for
        their width, not for 0) and the key hints composed. Until then a blank curtain covers
        it, so the first frame the terminal shows is complete (bench/launch.py counts the
        frames drawn before; a slow start shows the screen as it is after 50 frames)."""
        lists = (self.library.list, self.downloads.list)
        ready = all(view.scrollable_content_region.width > 0 for view in lists) and bool(
            self.query(FooterKey)
        )
        if not ready and tries < 50:
            self.call_after_refresh(self._lift_curtain, tries + 1)
            return
        self.library.update_header()
        self.downloads.update_bars()
        self.call_after_refresh(self._remove_curtain)

    def _remove_curtain(self) -> None:
        for curtain in self.query("#curtain"):
            curtain.remove()

    def on_row_view_highlighted(self, message: RowView.Highlighted) -> None:
        if isinstance(message.view, LibraryList):
            self.details.show_item(self.library.current_id())

    def on_row_view_chosen(self, message: RowView.Chosen) -> None:
        if isinstance(message.view, LibraryList):
            self.details.focus()

    def on_resize(self) -> None:
        # side by side when there is room, stacked on a narrow terminal
        self.set_class(self.size.width < 100, "-narrow")
