"""Every binding of the app in one catalog: for the help screen and the command palette."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from textual.app import App
from textual.binding import Binding


@dataclass(frozen=True)
class KeyEntry:
    section: str
    #: CSS selector of the widget the action runs on ("" for the app, "*focused" for lists,
    #: "*screen" for the screen itself, MODAL for a key of a modal screen: listed in the help,
    #: not run from the palette)
    target: str
    binding: Binding
    #: the screen the binding belongs to: its action runs only while that screen is open
    #: (None: the app's, which run everywhere)
    screen: type | None = None


MODAL = "modal"


def catalog(app: App) -> list[KeyEntry]:
    """Every binding of the app (``app``'s own, first) and of its panes, by section."""
    from .screens.activity import ActivityList, ActivityScreen
    from .screens.add_film import AddFilmScreen
    from .screens.add_show import AddShowScreen
    from .screens.blocklist import BlocklistScreen
    from .screens.edit_item import EditItemScreen, ProfileChoice
    from .screens.health import HealthScreen
    from .screens.help import HelpScreen
    from .screens.main import MainScreen
    from .screens.releases import ReleaseList, ReleasesScreen
    from .screens.settings import SettingsScreen
    from .widgets.details import DetailsPane
    from .widgets.downloads import DownloadsList, DownloadsPane
    from .widgets.library import LibraryList, LibraryPane
    from .widgets.rowview import RowView

    sections: list[tuple[str, str, list, type | None]] = [
        ("Everywhere", "", type(app).BINDINGS, None),
        ("Lists", "*focused", RowView.BINDINGS, None),
        ("Library", "#library", LibraryPane.BINDINGS, MainScreen),
        ("Library", "#library-list", LibraryList.BINDINGS, MainScreen),
        ("Details", "#details", DetailsPane.BINDINGS, MainScreen),
        ("Downloads", "#downloads", DownloadsPane.BINDINGS, MainScreen),
        ("Downloads", "#downloads-list", DownloadsList.BINDINGS, MainScreen),
        ("Activity", "*screen", ActivityScreen.BINDINGS, ActivityScreen),
        ("Activity", "#activity-list", ActivityList.BINDINGS, ActivityScreen),
        ("Blocklist", "*screen", BlocklistScreen.BINDINGS, BlocklistScreen),
        ("Settings", "*screen", SettingsScreen.BINDINGS, SettingsScreen),
        ("Health", "*screen", HealthScreen.BINDINGS, HealthScreen),
        ("Add a film", MODAL, AddFilmScreen.BINDINGS, AddFilmScreen),
        ("Add a show", MODAL, AddShowScreen.BINDINGS, AddShowScreen),
        ("Edit an item", MODAL, EditItemScreen.BINDINGS, EditItemScreen),
        ("Edit an item", MODAL, ProfileChoice.BINDINGS, ProfileChoice),
        ("Releases", MODAL, ReleasesScreen.BINDINGS, ReleasesScreen),
        ("Releases", MODAL, ReleaseList.BINDINGS, ReleasesScreen),
        ("Keys", MODAL, HelpScreen.BINDINGS, HelpScreen),
    ]
    out = []
    for section, target, bindings, screen in sections:
        for binding in bindings:
            if isinstance(binding, Binding):
                out.append(KeyEntry(section, target, binding, screen))
    return out


def keys_for(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys a binding answers to, after the user's remaps."""
    if binding.id and binding.id in keymap:
        return keymap[binding.id]
    return binding.key


#: the modifiers Textual puts before a key's name (``ctrl+shift+up``)
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def _key_name(key: str) -> str | None:
    """``key`` (one of a remap's keys) as Textual names the key, or None when it names no key
    a terminal can send: a character is taken by its name (``/`` is ``slash``, as Textual
    names it in a binding; its keymap takes names only)."""
    from textual.keys import REPLACED_KEYS, Keys, _character_to_key, key_to_character

    *modifiers, base = key.split("+")
    if not base or any(m not in _MODIFIERS for m in modifiers) or not base.isprintable():
        return None
    if len(base) == 1:
        return "+".join([*modifiers, _character_to_key(base)])
    named = base in {k.value for k in Keys} and not base.startswith("<")
    if named or key_to_character(REPLACED_KEYS.get(base, base)) is not None:
        return key
    return None


def usable_keymap(keymap: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """``[tui.keys]`` as the app applies it: each remap's keys as Textual names them, what is
    no key left out (a remap left with none is dropped: its binding keeps its own keys); and
    what was left out, as ``"library.filter = '[bold]'"``. A new user's report:
    ``"[bold]"`` was taken, the footer showed ``[bold] Filter`` and ``/`` no longer filtered."""
    usable: dict[str, str] = {}
    refused: list[str] = []
    for binding_id, keys in keymap.items():
        kept = []
        for key in (k.strip() for k in str(keys).split(",")):
            name = _key_name(key)
            if name is None:
                refused.append(f"{binding_id} = {key!r}")
            else:
                kept.append(name)
        if kept:
            usable[binding_id] = ",".join(kept)
    return usable, refused


#: key names as people read them
KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
}


def display_keys(keys: str) -> str:
    """A binding's keys ("slash,ctrl+f") as people read them ("/ ctrl+f")."""
    return " ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


def shown_key(app: App, binding_id: str) -> str:
    """The key the binding ``binding_id`` answers to now, as the footer shows it (``^s``,
    ``f2``, ``del``, ``esc``): its first key after the user's remaps ([tui.keys], read from
    ``app.keymap``), formatted by ``App.get_key_display``; "" when no binding has that id.
    For every text that names a key ("f2 saves", "press f1 for the ids")."""
    binding = find_binding(app, binding_id)
    if binding is not None:
        keys = keys_for(binding, getattr(app, "keymap", {}))
        first = keys.split(",")[0].strip()
        if keys != binding.key:  # remapped: the binding's own key_display no longer applies
            binding = replace(binding, key=first, key_display=None)
        else:
            binding = replace(binding, key=first)
        return app.get_key_display(binding)
    return ""


def find_binding(app: App, binding_id: str) -> Binding | None:
    """The binding whose id is ``binding_id``, or None. Looked for first in the classes of the
    app and of what is mounted on its open screens, and only then in :func:`catalog`, which
    imports every screen: the empty library's hint names its keys in the first frame, and
    loading the settings, activity and other screens for it (about 100 ms, the text area's
    modules among them) made the empty library the slowest launch (issue 18)."""
    seen: set[type] = set()
    nodes: list[object] = [app]
    for screen in app.screen_stack:
        nodes.append(screen)
        nodes.extend(screen.walk_children(with_self=False))
    for node in nodes:
        cls = type(node)
        if cls in seen:
            continue
        seen.add(cls)
        for binding in getattr(cls, "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id == binding_id:
                return binding
    for entry in catalog(app):
        if entry.binding.id == binding_id:
            return entry.binding
    return None


_NAMED_KEY = re.compile(r"\{([a-z_]+\.[a-z_]+)\}")


def with_keys(app: App, text: str) -> str:
    """``text`` with each ``{binding.id}`` replaced by that binding's key as shown now
    (:func:`shown_key`): ``"{settings.save} saves"`` -> ``"^s saves"``, or ``"f2 saves"``
    once [tui.keys] remaps it. The one way a text names a key."""
    return _NAMED_KEY.sub(lambda m: shown_key(app, m.group(1)) or m.group(0), text)
