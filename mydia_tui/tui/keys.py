"""Every binding of the app in one catalog: for the help screen and the command palette."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding


@dataclass(frozen=True)
class KeyEntry:
    section: str
    #: CSS selector of the widget the action runs on ("" for the app, "*focused" for lists,
    #: MODAL for a key of a modal screen: listed in the help, not run from the palette)
    target: str
    binding: Binding


MODAL = "modal"


def catalog(app: App) -> list[KeyEntry]:
    """Every binding of the app (``app``'s own, first) and of its panes, by section."""
    from .screens.add_film import AddFilmScreen
    from .screens.add_show import AddShowScreen
    from .screens.edit_item import EditItemScreen, ProfileChoice
    from .widgets.details import DetailsPane
    from .widgets.downloads import DownloadsList, DownloadsPane
    from .widgets.library import LibraryList, LibraryPane
    from .widgets.rowview import RowView

    sections = [
        ("Everywhere", "", type(app).BINDINGS),
        ("Lists", "*focused", RowView.BINDINGS),
        ("Library", "#library", LibraryPane.BINDINGS),
        ("Library", "#library-list", LibraryList.BINDINGS),
        ("Details", "#details", DetailsPane.BINDINGS),
        ("Downloads", "#downloads", DownloadsPane.BINDINGS),
        ("Downloads", "#downloads-list", DownloadsList.BINDINGS),
        ("Add a film", MODAL, AddFilmScreen.BINDINGS),
        ("Add a show", MODAL, AddShowScreen.BINDINGS),
        ("Edit an item", MODAL, EditItemScreen.BINDINGS),
        ("Edit an item", MODAL, ProfileChoice.BINDINGS),
    ]
    out = []
    for section, target, bindings in sections:
        for binding in bindings:
            if isinstance(binding, Binding):
                out.append(KeyEntry(section, target, binding))
    return out


def keys_for(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys a binding answers to, after the user's remaps."""
    if binding.id and binding.id in keymap:
        return keymap[binding.id]
    return binding.key
