"""Every binding of the app in one catalog: for the help screen and the command palette."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen


@dataclass(frozen=True)
class KeyEntry:
    section: str
    #: CSS selector of the widget the action runs on ("" for the app, "*focused" for lists,
    #: "*screen" for the screen of type ``screen``)
    target: str
    binding: Binding
    #: the screen whose binding it is (its actions run only while that screen is open)
    screen: type[Screen] | None = None


def catalog(app: App) -> list[KeyEntry]:
    """Every binding of the app (``app``'s own, first) and of its panes, by section."""
    from .screens.health import HealthScreen
    from .screens.settings import SettingsScreen
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
    ]
    out = []
    for section, target, bindings in sections:
        for binding in bindings:
            if isinstance(binding, Binding):
                out.append(KeyEntry(section, target, binding))
    screens: list[tuple[str, type[Screen]]] = [
        ("Settings", SettingsScreen),
        ("Health", HealthScreen),
    ]
    for section, screen in screens:
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding):
                out.append(KeyEntry(section, "*screen", binding, screen))
    return out


def keys_for(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys a binding answers to, after the user's remaps."""
    if binding.id and binding.id in keymap:
        return keymap[binding.id]
    return binding.key
