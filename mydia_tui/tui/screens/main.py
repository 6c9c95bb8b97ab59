"""The main screen: library and details side by side, the downloads below, the status bar."""

from __future__ import annotations

from textual.app import ComposeResult, ScreenStackError
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen

from ..messages import ProgressRead
from ..widgets.details import DetailsPane
from ..widgets.downloads import DownloadsPane
from ..widgets.footer import KeysFooter
from ..widgets.library import LibraryList, LibraryPane
from ..widgets.rowview import RowView
from ..widgets.statusbar import StatusBar

#: what reaching the main screen's panes raises once the app is closing (its panes removed,
#: then its screens): a message or timer arriving then (a core event, the change poll's
#: reading or a queue's progress, read in a thread) has nothing left to show and is dropped
PANES_GONE = (NoMatches, ScreenStackError)


class MainScreen(Screen[None]):
    AUTO_FOCUS = "#library-list"

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield LibraryPane(id="library")
            yield DetailsPane(id="details")
        yield DownloadsPane(id="downloads")
        yield StatusBar(id="status")
        yield KeysFooter()

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
        # everything the first frame shows is set by now: the lists' first rows are read,
        # and the headings and the footer are drawn for the width the layout gives them; the
        # details of the first row are read here too (the cursor's message comes after)
        self.details.show_item(self.library.current_id())
        ready = getattr(self.app, "main_screen_ready", None)
        if ready is not None:
            ready()

    def on_progress_read(self, message: ProgressRead) -> None:
        """The downloads pane read the queue: the library shows the same progress."""
        try:
            self.library.show_progress(message.progress)
        except PANES_GONE:
            pass  # read while the app closed

    def on_row_view_highlighted(self, message: RowView.Highlighted) -> None:
        if isinstance(message.view, LibraryList):
            self.details.show_item(self.library.current_id())

    def on_row_view_chosen(self, message: RowView.Chosen) -> None:
        if isinstance(message.view, LibraryList):
            self.details.focus()

    def on_resize(self) -> None:
        # side by side when there is room, stacked on a narrow terminal
        self.set_class(self.size.width < 100, "-narrow")
