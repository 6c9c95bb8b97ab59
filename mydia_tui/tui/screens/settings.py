"""The settings screen: Deluge, the indexers, the library folders, the monitor's intervals and
the default quality profile, edited in place and saved into the configuration file.

The screen holds no rule of its own. What the fields hold becomes a set of changes
(:data:`mydia_tui.config.KeyPath` -> value, only the values that differ from the running
configuration), which :func:`mydia_tui.config.save_config` validates exactly as the file is
validated when it is read, then writes in one tomlkit round trip (comments and formatting
kept, mode 0600, through a symlink). An invalid value is shown beside its field, in the
validation's words, and nothing is written. A saved configuration is applied at once
(:meth:`mydia_tui.tui.app.MydiaApp.apply_config`), and the form is drawn again from it (the
file as written, with what another app saved meanwhile): what the next save changes and
what ``escape`` asks about are the edits made after it. Removing a quality profile is the core's
(:func:`mydia_tui.profiles.remove_profile`, which refuses one in use). "Test" runs the core's checks in a thread:
:func:`mydia_tui.deluge.daemon_version` and :func:`mydia_tui.item_search.probe_indexer`.

Secrets (the Deluge password, API keys) are never shown, not even their length: a secret's
field starts empty, its placeholder saying whether a secret is saved; left empty it keeps the
saved secret, what is typed (masked) replaces it, and ``ctrl+l`` clears it (saved empty, which
the configuration allows: no password, no API key). Every message shown passes
:func:`mydia_tui.config.redact_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from ...config import (
    Config,
    ConfigError,
    IndexerConfig,
    KeyPath,
    config_to_dict,
    preview_config,
    redact_text,
    save_config,
    secrets_of,
    unredact_parameters,
)
from ...releases.quality import all_profiles, check_quality
from ...scanning.folders import missing_folders
from ...short_text import quoted
from ..keys import with_keys
from ..text import shorten
from ..widgets.fields import FieldInput
from ..widgets.footer import KeysFooter
from ..workers import ReportsWorkerErrors
from .confirm import Choice, ConfirmScreen

#: "url": shown with its secret parameters (apikey=, passkey=, ...) masked, saved with them
FieldKind = Literal["text", "secret", "url", "int", "float", "bool", "lines", "mappings", "choice"]


@dataclass(frozen=True)
class Field:
    """One setting on the screen: its key in its section, its label, how it is edited."""

    key: str
    label: str
    kind: FieldKind = "text"
    placeholder: str = ""


DELUGE_FIELDS = (
    Field("host", "Host"),
    Field("port", "Port", "int"),
    Field("username", "Username"),
    Field("password", "Password", "secret"),
    Field("movies_location", "Films folder", placeholder="the daemon's default"),
    Field("shows_location", "Series folder", placeholder="the daemon's default"),
    Field("label", "Label", placeholder="none"),
    Field("path_mappings", "Path mappings", "mappings"),
)
INDEXER_FIELDS = (
    Field("name", "Name"),
    Field(
        "url", "URL", "url", placeholder="http://127.0.0.1:9117/api/v2.0/indexers/x/results/torznab"
    ),
    Field("api_key", "API key", "secret"),
    Field("enabled", "Enabled", "bool"),
    Field("priority", "Priority", "int"),
)
LIBRARY_FIELDS = (
    Field("movies", "Film folders", "lines"),
    Field("shows", "Series folders", "lines"),
)
MONITOR_FIELDS = (
    Field("search_interval", "Backlog search (s)", "float"),
    Field("rss_interval", "RSS sync (s)", "float"),
    Field("poll_interval", "Deluge poll (s)", "float"),
)
DEFAULT_PROFILE = Field("default_profile", "Default profile", "choice")
#: the default profile's cutoff and allowed qualities (a [[quality.profiles]] entry of its name)
PROFILE_FIELDS = (
    Field("cutoff", "Cutoff"),
    Field("qualities", "Allowed qualities", placeholder="worst first, separated by commas"),
)
#: the keys an indexer added on the screen always writes, whatever their value
_NEW_INDEXER_KEYS = ("name", "url")
_MAPPING_ARROW = "->"
_NOT_TESTED = "not tested: a value is refused"
#: how many refusals one change may show, each found once the one before is left out
_MORE_REFUSALS = 3
#: the Deluge fields whose edit makes the shown test's result stale
_DELUGE_TESTED = (("host",), ("port",), ("username",), ("password",))
#: a secret field's placeholder: a secret is saved (left empty, the field keeps it), none is,
#: or the saved one is to be cleared by the next save
_SECRET_KEPT = "(unchanged: saved secret)"
_SECRET_NONE = "(none saved)"
_SECRET_CLEARED = "(cleared: saved empty by {settings.save})"
#: the status line when nothing was saved or refused yet
#: named keys: :func:`~mydia_tui.tui.keys.with_keys`
_READY = "Settings · {settings.save} saves and applies · {settings.close} closes (asks if unsaved)"


class Tested(Message):
    """A test's answer for the Static ``target``: ``ok`` (green) or not (red)."""

    def __init__(self, target: str, text: str, ok: bool) -> None:
        super().__init__()
        self.target = target
        self.text = text
        self.ok = ok


class Saved(Message):
    """The configuration saved to ``path``; ``missing``: its library folders that do not exist
    on this machine (saved all the same: a disk may not be mounted yet); ``removed``: what the
    save removed ("the indexer 'x'"), when that is what it did, and ``focus``: the id of the
    field that takes the focus in the form drawn again after a removal (else the first
    indexer's; after any other save, the field that held it)."""

    def __init__(
        self, config: Config, path: Path, missing: list[str], removed: str = "", focus: str = ""
    ) -> None:
        super().__init__()
        self.config = config
        self.path = path
        self.missing = missing
        self.removed = removed
        self.focus = focus


class ProfileRemoval(Message):
    """Whether the quality profile ``name`` may be removed: ``refusal`` says why not ("" when
    it may: then the user is asked)."""

    def __init__(self, name: str, refusal: str) -> None:
        super().__init__()
        self.name = name
        self.refusal = refusal


class Refused(Message):
    """The validation refused values (``errors``, one per field at most): nothing was written
    (``during`` a save), or nothing was tried (``during`` a test)."""

    def __init__(self, errors: list[ConfigError], during: Literal["save", "test"] = "save") -> None:
        super().__init__()
        self.errors = errors
        self.during = during


class _Unreadable(ValueError):
    """What was typed cannot be read as its field holds it (a mapping without its arrow);
    the text says how to write it."""


def _dotted(path: KeyPath) -> str:
    """``("indexers", 1, "url")`` -> ``"indexers[1].url"`` (a :class:`ConfigError`'s key)."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _widget_id(path: KeyPath) -> str:
    return "-".join(str(p) for p in path)


def _key_path(dotted: str) -> KeyPath:
    """``"indexers[1].url"`` -> ``("indexers", 1, "url")``."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", dotted):
        out.append(int(index) if index else name)
    return tuple(out)


def _shown(kind: FieldKind, value: Any) -> str:
    """A value as its input shows it."""
    if kind == "lines":
        return "\n".join(value)
    if kind == "mappings":
        return "\n".join(f"{m['remote']} {_MAPPING_ARROW} {m['local']}" for m in value)
    if kind == "float" and float(value).is_integer():
        return str(int(value))
    if kind == "url":
        return redact_text(str(value))
    return str(value)


def _edit_widget(field: Field, widget_id: str, value: Any) -> Widget:
    if field.kind == "choice":
        choices, chosen = value
        return Select(
            [(c, c) for c in choices], value=chosen, allow_blank=False, id=widget_id, compact=True
        )
    if field.kind == "bool":
        return Checkbox("yes", bool(value), id=widget_id)
    if field.kind in ("lines", "mappings"):
        area = TextArea(_shown(field.kind, value), id=widget_id, soft_wrap=False)
        area.show_line_numbers = False
        return area
    if field.kind == "secret":  # never its value, nor its length (see the module)
        return FieldInput(
            "", id=widget_id, password=True, placeholder=_SECRET_KEPT if value else _SECRET_NONE
        )
    return FieldInput(_shown(field.kind, value), id=widget_id, placeholder=field.placeholder)


def _read(field: Field, widget: Widget) -> Any:
    """What the user entered, as the file will hold it. A number that does not parse stays
    text: the configuration's validation says what is wrong with it (one set of rules)."""
    if isinstance(widget, Checkbox | Select):
        return widget.value
    if isinstance(widget, TextArea):
        lines = [line.strip() for line in widget.text.splitlines() if line.strip()]
        if field.kind == "lines":
            return lines
        mappings = []
        for line in lines:
            remote, arrow, local = line.partition(_MAPPING_ARROW)
            if not arrow:
                raise _Unreadable(
                    f"use remote {_MAPPING_ARROW} local, one per line, not {quoted(line)}"
                )
            mappings.append({"remote": remote.strip(), "local": local.strip()})
        return mappings
    assert isinstance(widget, Input)
    text = widget.value
    if field.kind in ("int", "float"):
        for parse in (int, float) if field.kind == "float" else (int,):
            try:
                return parse(text.strip())
            except ValueError:
                pass
    return text


def _row(field: Field, path: KeyPath, value: Any) -> Vertical:
    widget_id = _widget_id(path)
    kind = f"-{field.kind}"
    return Vertical(
        Horizontal(
            Label(field.label, classes="field-label"),
            _edit_widget(field, widget_id, value),
            classes=f"field-row {kind}",
        ),
        Static("", id=f"{widget_id}-error", classes="field-error -empty"),
        classes="field",
    )


class SettingsScreen(ReportsWorkerErrors, Screen[None]):
    """Every setting the app needs, edited and saved without leaving it (see the module)."""

    BINDINGS = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            id="settings.save",
            tooltip="Validate and save the settings, and apply them without a restart",
        ),
        Binding(
            "ctrl+t",
            "test_deluge",
            "Test Deluge",
            id="settings.test_deluge",
            tooltip="Connect to Deluge with these settings: its version, or the exact error",
        ),
        Binding(
            "ctrl+n",
            "add_indexer",
            "Add indexer",
            id="settings.add_indexer",
            tooltip="Add an indexer (Torznab: Jackett, Prowlarr)",
        ),
        Binding(
            "ctrl+r",
            "test_indexer",
            "Test indexer",
            id="settings.test_indexer",
            tooltip="Ask the indexer holding the focus (else the first) for its capabilities",
        ),
        Binding(
            "ctrl+delete",
            "remove_indexer",
            "Remove indexer",
            id="settings.remove_indexer",
            tooltip="Remove the indexer holding the focus from the config file (asks first); "
            "one added and not saved yet leaves the form at once",
        ),
        Binding(
            "ctrl+delete",
            "remove_profile",
            "Remove profile",
            id="settings.remove_profile",
            tooltip="Remove the quality profile chosen in the Quality section from the config "
            "file (asks first; not the default, nor one films or shows use)",
        ),
        Binding(
            "ctrl+l",
            "clear_secret",
            "Clear secret",
            id="settings.clear_secret",
            tooltip="Clear the saved password or API key holding the focus when you save "
            "(again: keep it)",
        ),
        Binding("escape", "close", "Close", id="settings.close", tooltip="Close without saving"),
    ]
    DEFAULT_CSS = """
    SettingsScreen #settings-status { height: auto; padding: 0 1; background: $panel; }
    SettingsScreen #settings-form { height: 1fr; }
    SettingsScreen .section { height: auto; border: round $primary; padding: 0 1; }
    SettingsScreen .indexer { height: auto; margin-bottom: 1; }
    SettingsScreen .field { height: auto; }
    SettingsScreen .field-row { height: auto; }
    SettingsScreen .field-label { width: 19; }
    SettingsScreen .field-row Input { width: 1fr; padding: 0 1; background: $boost; }
    SettingsScreen .field-row Input:focus { background: $primary 25%; }
    SettingsScreen .field-row TextArea {
        width: 1fr; height: 3; border: none; padding: 0 1; background: $boost;
    }
    SettingsScreen .field-row TextArea:focus { background: $primary 25%; }
    SettingsScreen .field-row Checkbox {
        border: none; padding: 0 1; height: 1; width: auto; background: $boost;
    }
    SettingsScreen .field-row Select { width: 1fr; height: auto; }
    SettingsScreen .field-error { height: auto; color: $error; padding: 0 0 0 19; }
    SettingsScreen .field-error.-empty { display: none; }
    SettingsScreen .test-result { height: auto; padding: 0 0 0 19; }
    SettingsScreen .test-result.-empty { display: none; }
    SettingsScreen .hint { height: auto; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        #: key path -> (field, widget id), for reading the form and placing errors
        self._fields: dict[KeyPath, Field] = {}
        self._indexers = 0
        #: the secret fields whose saved secret the next save clears (ctrl+l)
        self._cleared: set[KeyPath] = set()

    # -- building ------------------------------------------------------------------------------

    def _current(self) -> dict[str, Any]:
        config: Config = self.app.config  # type: ignore[attr-defined]
        return config_to_dict(config, redact=False)

    def compose(self) -> ComposeResult:
        current = self._current()
        self._fields = {}
        self._indexers = 0
        self._cleared = set()
        yield Static(with_keys(self.app, _READY), id="settings-status", markup=False)
        with VerticalScroll(id="settings-form"):
            with Vertical(id="deluge-section", classes="section") as deluge:
                deluge.border_title = "Deluge"
                yield from self._rows("deluge", DELUGE_FIELDS, current["deluge"])
                yield Static(
                    with_keys(
                        self.app,
                        "mappings: one per line, remote -> local · "
                        "{settings.test_deluge} tests the connection",
                    ),
                    classes="hint",
                    markup=False,
                )
                yield Static("", id="deluge-test", classes="test-result -empty")
            with Vertical(id="indexers-section", classes="section") as indexers:
                indexers.border_title = "Indexers"
                for index, indexer in enumerate(current["indexers"]):
                    yield self._indexer_group(index, indexer)
                yield Static(
                    with_keys(
                        self.app,
                        "{settings.add_indexer} adds an indexer · "
                        "{settings.test_indexer} tests the one holding the focus · "
                        "{settings.remove_indexer} removes it",
                    ),
                    id="indexers-hint",
                    classes="hint",
                    markup=False,
                )
            with Vertical(id="library-section", classes="section") as library:
                library.border_title = "Library folders"
                yield from self._rows("library", LIBRARY_FIELDS, current["library"])
                yield Static("one folder per line", classes="hint")
            with Vertical(id="monitor-section", classes="section") as monitor:
                monitor.border_title = "Monitor intervals"
                yield from self._rows("monitor", MONITOR_FIELDS, current["monitor"])
            with Vertical(id="quality-section", classes="section") as quality:
                quality.border_title = "Quality"
                yield from self._quality_rows()
                yield Static(
                    with_keys(
                        self.app,
                        "the default profile's cutoff and allowed qualities (saved as a "
                        "[[quality.profiles]] entry of its name) · {settings.remove_profile} "
                        "removes the profile chosen, unless it is in use",
                    ),
                    classes="hint",
                    markup=False,
                )
        yield KeysFooter()

    def _quality_rows(self):
        config: Config = self.app.config  # type: ignore[attr-defined]
        profiles = all_profiles(config.quality)
        default = config.quality.default_profile
        names = list(profiles) if default in profiles else [default, *profiles]
        self._fields[("quality", "default_profile")] = DEFAULT_PROFILE
        yield _row(DEFAULT_PROFILE, ("quality", "default_profile"), (names, default))
        profile = profiles.get(default)
        for field in PROFILE_FIELDS:
            value = self._profile_value(profile, field.key) if profile else ""
            yield _row(field, ("quality", field.key), value)

    @staticmethod
    def _profile_value(profile: Any, key: str) -> str:
        return ", ".join(profile.qualities) if key == "qualities" else profile.cutoff

    @on(Select.Changed, "#quality-default_profile")
    def _profile_chosen(self, event: Select.Changed) -> None:
        """The cutoff and qualities shown are the chosen profile's."""
        config: Config = self.app.config  # type: ignore[attr-defined]
        profile = all_profiles(config.quality).get(str(event.value))
        if profile is None:
            return
        for field in PROFILE_FIELDS:
            self.query_one(f"#quality-{field.key}", Input).value = self._profile_value(
                profile, field.key
            )

    def _rows(self, section: str, fields: tuple[Field, ...], values: dict[str, Any]):
        for field in fields:
            path: KeyPath = (section, field.key)
            self._fields[path] = field
            yield _row(field, path, values[field.key])

    def _indexer_group(self, index: int, values: dict[str, Any]) -> Vertical:
        rows = []
        for field in INDEXER_FIELDS:
            path: KeyPath = ("indexers", index, field.key)
            self._fields[path] = field
            rows.append(_row(field, path, values[field.key]))
        self._indexers = max(self._indexers, index + 1)
        return Vertical(
            *rows,
            Static("", id=f"indexers-{index}-test", classes="test-result -empty"),
            id=f"indexer-{index}",
            classes="indexer",
        )

    def on_mount(self) -> None:
        self.query_one("#deluge-host", Input).focus()

    # -- reading the form ----------------------------------------------------------------------

    def changes(self, unreadable: list[ConfigError] | None = None) -> dict[KeyPath, Any]:
        """What the form changes in the running configuration, as :func:`save_config` takes
        it: only the values that differ, an added indexer as a whole table. Text that cannot
        be read as its field holds it (a path mapping without ``->``) raises
        :class:`ConfigError` (its key and problem), or, given a list ``unreadable``, is added
        to it and left out of the changes."""
        current = self._current()
        out: dict[KeyPath, Any] = {}
        added: dict[int, dict[str, Any]] = {}
        for path, field in self._fields.items():
            try:
                new = _read(field, self.query_one(f"#{_widget_id(path)}"))
            except _Unreadable as exc:
                key = _dotted(path)
                error = ConfigError(f"{key}: {exc}", key=key, problem=str(exc))
                if unreadable is None:
                    raise error from None
                unreadable.append(error)
                continue
            if path[0] == "indexers":
                index = path[1]
                assert isinstance(index, int)
                if index >= len(current["indexers"]):
                    added.setdefault(index, {})[field.key] = new
                    continue
                old = current["indexers"][index][field.key]
            else:
                old = current[str(path[0])][field.key]
            if field.kind == "url":
                new = unredact_parameters(new, str(old))
            if field.kind == "secret" and new == "" and path not in self._cleared:
                new = old  # left empty: the saved secret stays
            if new != old:
                out[path] = None if new == [] else new
        fresh = config_to_dict(Config(indexers=(IndexerConfig("", ""),)), redact=False)
        fresh = fresh["indexers"][0]
        for index in sorted(added):
            values = added[index]
            out[("indexers", index)] = {
                k: v for k, v in values.items() if k in _NEW_INDEXER_KEYS or v != fresh[k]
            }
        out.update(self._profile_changes())
        return out

    def _profile_changes(self) -> dict[KeyPath, Any]:
        """The chosen profile's cutoff and qualities, where they differ from what it is now:
        set in its ``[[quality.profiles]]`` entry, or a new entry of its name (which replaces
        the built-in profile of that name)."""
        config: Config = self.app.config  # type: ignore[attr-defined]
        name = str(self.query_one("#quality-default_profile", Select).value)
        profile = all_profiles(config.quality).get(name)
        if profile is None:
            return {}
        text = self.query_one("#quality-qualities", Input).value
        new = {
            "qualities": [q.strip() for q in text.split(",") if q.strip()],
            "cutoff": self.query_one("#quality-cutoff", Input).value.strip(),
        }
        old = {"qualities": list(profile.qualities), "cutoff": profile.cutoff}
        if new == old:
            return {}
        entries = [p.name for p in config.quality.profiles]
        if name in entries:
            index = entries.index(name)
            return {("quality", "profiles", index, k): v for k, v in new.items() if v != old[k]}
        return {("quality", "profiles", len(entries)): {"name": name, **new}}

    # -- errors --------------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.add_class("-empty")
            assert isinstance(error, Static)
            error.update("")

    def _secrets(self) -> list[str]:
        """The running configuration's secrets and those typed into the form, for
        :func:`redact_text`."""
        typed = [
            self.query_one(f"#{_widget_id(path)}", Input).value
            for path, field in self._fields.items()
            if field.kind == "secret"
        ]
        return secrets_of(self.app.config) + [t for t in typed if t]  # type: ignore[attr-defined]

    def _field_of(self, error: ConfigError) -> tuple[KeyPath, str] | None:
        """The form's field a refusal names (its key path, and its label as the screen shows
        it), or None when it names none of them (a file that cannot be read)."""
        path = _key_path(error.key or "")
        if path[:2] == ("quality", "profiles") and path[-1] in ("cutoff", "qualities"):
            path = ("quality", str(path[-1]))  # the default profile's fields
        while path:
            if path[:1] == ("quality",) and len(path) == 2 and path not in self._fields:
                labels = {f.key: f.label for f in PROFILE_FIELDS}
                return path, labels.get(str(path[1]), str(path[1]))
            if path in self._fields:
                label = self._fields[path].label
                if path[0] == "indexers":
                    label = f"{label} of indexer {int(path[1]) + 1}"
                return path, label
            path = path[:-1]
        return None

    def _show_errors(
        self, errors: list[ConfigError], during: Literal["save", "test"] = "save"
    ) -> None:
        """The refusals beside the fields they name, and in the status line after what was
        asked ("not saved: Port: must be ... · RSS sync (s): must be ..."): each field by its
        label on the screen; a refusal that names no field, in the validation's words."""
        secrets = self._secrets()
        outcome = "not saved" if during == "save" else "not tested"
        said: list[str] = []
        hints: list[str] = []  # what the user may do, once however many fields it concerns
        first = True
        for error, found in self._in_screen_order(errors):
            message = redact_text(str(error), secrets)
            if found is None:
                said.append(message)
                continue
            path, label = found
            problem = redact_text(error.problem or message, secrets)
            said.append(f"{label}: {problem}")
            if error.hint and error.hint not in hints:
                hints.append(error.hint)
            line = self.query_one(f"#{_widget_id(path)}-error", Static)
            line.update(Text(problem))
            line.remove_class("-empty")
            if first:
                line.scroll_visible()
                first = False
        self._status(Text(f"{outcome}: " + " · ".join(said + hints), style="bold red"))

    def _in_screen_order(
        self, errors: list[ConfigError]
    ) -> list[tuple[ConfigError, tuple[KeyPath, str] | None]]:
        """``errors`` with the field each names (:meth:`_field_of`), in the order the fields
        stand on the screen, top to bottom (the order of the form's error lines); a refusal
        that names no field first. The one order of every list of refusals shown."""
        place = {line.id: n for n, line in enumerate(self.query(".field-error"))}

        def where(found: tuple[KeyPath, str] | None) -> int:
            return -1 if found is None else place.get(f"{_widget_id(found[0])}-error", -1)

        named = [(error, self._field_of(error)) for error in errors]
        return sorted(named, key=lambda pair: where(pair[1]))

    @staticmethod
    def _problems(path: Path, changes: dict[KeyPath, Any]) -> list[ConfigError]:
        """Every refusal of ``changes`` (validated as saving validates; nothing written): the
        whole first (a rule across fields), then each change alone, so that one save names
        every wrong field rather than the first. Reads the file: called in a thread worker."""
        errors: list[ConfigError] = []
        try:
            preview_config(path, changes, check_quality)
        except ConfigError as exc:
            errors.append(exc)
            if exc.key is None:
                return errors  # the file itself cannot be read: nothing more to learn
        for keypath, value in changes.items():
            trial: dict[KeyPath, Any] = {keypath: value}
            for _ in range(_MORE_REFUSALS):
                try:
                    preview_config(path, trial, check_quality)
                except ConfigError as exc:
                    if exc.key is None:
                        break
                    if all(exc.key != known.key for known in errors):
                        errors.append(exc)
                    # again without the value refused (its default, when it has one): what
                    # the rule checked first hid what comes after it (a new user's report: a
                    # wrong cutoff hid the unknown qualities until it was fixed)
                    trial = {**trial, _key_path(exc.key): None}
                    continue
                break
        return errors

    def _status(self, text: Text | str) -> None:
        """Show ``text`` in the banner, beginning with a capital."""
        if isinstance(text, str):
            text = text[:1].upper() + text[1:]
        else:
            text = text.copy()
            text.plain = text.plain[:1].upper() + text.plain[1:]  # same length: styles kept
        self.query_one("#settings-status", Static).update(text)

    def _fitted_path(self, path: Path, around: str) -> str:
        """``path`` shortened in its middle so that ``around`` (holding ``{path}``) fits the
        banner's one line, where it can."""
        room = self.size.width - 2 - cell_len(around.replace("{path}", ""))
        return shorten(str(path), max(room, 20))

    def _candidate(self, changes: dict[KeyPath, Any]) -> Config | None:
        """The configuration the form's ``changes`` describe, validated as saving validates
        (nothing written); None when a value is refused (a :class:`Refused` is posted, shown
        beside its field). Called in a test's thread worker: it reads the file."""
        path = self.app.settings_file()  # type: ignore[attr-defined]
        try:
            return preview_config(path, changes, check_quality)
        except ConfigError:
            self.post_message(Refused(self._problems(path, changes), during="test"))
            return None

    # -- saving --------------------------------------------------------------------------------

    def _read_form(self, during: Literal["save", "test"]) -> dict[KeyPath, Any] | None:
        """:meth:`changes`, or None when some of the form cannot be read (shown as
        refusals)."""
        unreadable: list[ConfigError] = []
        changes = self.changes(unreadable)
        if unreadable:
            self._show_errors(unreadable, during)
            return None
        return changes

    def action_save(self) -> None:
        self._clear_errors()
        unreadable: list[ConfigError] = []
        changes = self.changes(unreadable)
        if not changes and not unreadable:
            self._status("nothing changed")
            return
        self._status("saving…")
        self._save(self.app.settings_file(), changes, unreadable=unreadable)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="settings-save", exit_on_error=False)
    def _save(
        self,
        path: Path,
        changes: dict[KeyPath, Any],
        removed: str = "",
        unreadable: list[ConfigError] | None = None,
    ) -> None:
        """Save ``changes`` unless a value is refused: then every refusal is posted at once,
        the ``unreadable`` fields' (text the form could not read) with the validation's."""
        if unreadable:
            self.post_message(Refused(unreadable + self._problems(path, changes)))
            return
        try:
            config = save_config(path, changes, check_quality)
        except ConfigError as exc:
            self.post_message(Refused(self._problems(path, changes) or [exc]))
            return
        self._post_saved(config, path, removed)

    def _post_saved(self, config: Config, path: Path, removed: str = "", focus: str = "") -> None:
        """Post :class:`Saved` for ``config`` just written (its library folders looked at:
        called in a thread worker)."""
        library = config.library
        missing = missing_folders(library.movies + library.shows)
        self.post_message(Saved(config, path, missing, removed, focus))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._show_errors(message.errors, message.during)

    @on(Saved)
    async def _saved(self, message: Saved) -> None:
        app: Any = self.app
        previous, app.config = app.config, message.config  # the form compares with it now
        app.run_worker(
            app.apply_config(message.config, previous), group="settings-apply", exit_on_error=False
        )
        # the form starts again from the file as written (what is left after a removal,
        # numbered as the file is; what another app saved since, kept): escape and the next
        # save compare with it. A new user's report: a value another app had saved stayed old
        # in the form, looked edited, and the next save wrote it back over the other app's.
        focused = self.focused.id if self.focused is not None else None
        await self.recompose()
        self._refocus(message.focus if message.removed else focused)
        saved = "saved to {path} and applied"
        if message.removed:
            saved = f"removed {message.removed} from " + "{path} and applied"
        saved = saved.replace("{path}", self._fitted_path(message.path, saved))
        if not message.missing:
            self._status(Text(saved, style="green"))
            return
        folders = ", ".join(message.missing)
        exist = "does not exist" if len(message.missing) == 1 else "do not exist"
        self._status(Text(f"{saved}; {folders} {exist} yet (not mounted?)", style="bold yellow"))

    def _refocus(self, widget_id: str | None) -> None:
        """After the form is drawn again: the focus on the field ``widget_id`` where it is
        still there, else on the first indexer's, else on the Deluge host."""
        found = self.query(f"#{widget_id}") if widget_id else None
        left = self.query(".indexer Input")
        if found:
            found.first().focus()
        else:
            (left.first() if left else self.query_one("#deluge-host", Input)).focus()

    # -- testing -------------------------------------------------------------------------------

    def _start_test(self) -> None:
        """A test starts: the refusals of an earlier save or test leave the form (this test's
        own, if any, come back with its answer)."""
        self._clear_errors()
        self._status(with_keys(self.app, _READY))

    def action_test_deluge(self) -> None:
        self._start_test()
        changes = self._read_form("test")
        if changes is None:
            self._show_test("deluge-test", _NOT_TESTED, False)
            return
        self._show_test("deluge-test", "connecting…", None)
        self._test_deluge(changes)

    @work(thread=True, exclusive=True, group="settings-test", exit_on_error=False)
    def _test_deluge(self, changes: dict[KeyPath, Any]) -> None:
        from ...deluge import DelugeError, daemon_version

        candidate = self._candidate(changes)
        if candidate is None:
            self.post_message(Tested("deluge-test", _NOT_TESTED, False))
            return
        deluge = candidate.deluge
        secrets = secrets_of(candidate)
        try:
            version = daemon_version(deluge, check="check {keys} above")
        except DelugeError as exc:
            self.post_message(Tested("deluge-test", redact_text(str(exc), secrets), False))
            return
        where = f"{deluge.host}:{deluge.port}"
        self.post_message(Tested("deluge-test", f"Deluge {version} at {where}", True))

    async def action_add_indexer(self) -> None:
        index = self._indexers
        fresh = config_to_dict(Config(indexers=(IndexerConfig("", ""),)), redact=False)
        group = self._indexer_group(index, fresh["indexers"][0])
        section = self.query_one("#indexers-section")
        await section.mount(group, before=self.query_one("#indexers-hint"))
        group.query_one(Input).focus()
        group.scroll_visible()

    def _focused_indexer(self, strict: bool = False) -> int | None:
        """The index of the indexer whose group holds the focus; else the first one (None
        when there is none, or with ``strict``)."""
        node = self.focused
        while node is not None:
            if node.id and node.id.startswith("indexer-"):
                return int(node.id.removeprefix("indexer-"))
            node = node.parent  # type: ignore[assignment]
        return 0 if self._indexers and not strict else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_indexer":
            return self._focused_indexer(strict=True) is not None
        if action == "remove_profile":
            return self._in_quality_section()
        if action == "clear_secret":
            return self._focused_secret() is not None
        return True

    def _saved_secret(self, path: KeyPath) -> str:
        """The secret saved for the secret field ``path`` ("" for none, or a new indexer)."""
        current = self._current()
        if path[0] == "indexers":
            index = int(path[1])
            indexers = current["indexers"]
            return str(indexers[index][path[-1]]) if index < len(indexers) else ""
        return str(current[str(path[0])][path[-1]])

    def _focused_secret(self) -> KeyPath | None:
        """The secret field holding the focus, when a secret is saved for it."""
        focused = self.focused
        for path, field in self._fields.items():
            if field.kind == "secret" and focused is not None and focused.id == _widget_id(path):
                return path if self._saved_secret(path) else None
        return None

    def action_clear_secret(self) -> None:
        """The saved secret of the focused field is cleared by the next save (pressed again:
        kept). What was typed there goes; typing afterwards replaces the secret instead."""
        path = self._focused_secret()
        if path is None:
            return
        field = self.query_one(f"#{_widget_id(path)}", Input)
        label = (
            "Deluge password" if path[0] == "deluge" else f"API key of indexer {int(path[1]) + 1}"
        )
        if path in self._cleared:
            self._cleared.discard(path)
            field.placeholder = _SECRET_KEPT
            self._status(f"the saved {label} is kept")
            return
        self._cleared.add(path)
        field.value = ""
        field.placeholder = with_keys(self.app, _SECRET_CLEARED)
        self._status(
            with_keys(
                self.app,
                f"the saved {label} is cleared when you save ({{settings.clear_secret}} "
                "again keeps it)",
            )
        )

    def _in_quality_section(self) -> bool:
        """Whether the focus is in the Quality section (the profile chosen there is the one
        ctrl+delete removes)."""
        node = self.focused
        while node is not None:
            if node.id == "quality-section":
                return True
            node = node.parent  # type: ignore[assignment]
        return False

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        # "Remove indexer" is offered inside an indexer's fields only, "Remove profile" in
        # the Quality section only
        self.refresh_bindings()
        if isinstance(event.widget.parent, Select):  # a Select's menu opened
            self.call_after_refresh(self._room_for_menu, event.widget)

    def _room_for_menu(self, menu: Widget) -> None:
        """Scroll the form so that a Select's open menu fits below its field. Textual draws
        the menu over the screen, kept inside it: with the field near the form's bottom (where
        tabbing to it leaves it at 80x24) the menu was moved up over the field, the section
        above and the footer (a new user's report)."""
        field = menu.parent
        form = self.query_one("#settings-form", VerticalScroll)
        if not isinstance(field, Widget) or not menu.display:
            return
        short = field.region.bottom + menu.outer_size.height - form.region.bottom
        if short > 0:
            form.scroll_relative(y=short, animate=False, immediate=True)

    async def action_remove_indexer(self) -> None:
        """Remove the focused indexer's ``[[indexers]]`` table from the file, once the user
        says yes. The removal is saved at once, so a form with other unsaved changes is
        refused first (they would be lost or saved unasked). An indexer added on the screen
        and not saved yet is dropped from the form at once (:meth:`_drop_new_indexer`)."""
        index = self._focused_indexer(strict=True)
        if index is None:
            return
        self._clear_errors()
        config: Config = self.app.config  # type: ignore[attr-defined]
        if index >= len(config.indexers):
            await self._drop_new_indexer(index)
            return
        if not self._nothing_unsaved("an indexer"):
            return
        name = config.indexers[index].name
        self._status(with_keys(self.app, _READY))  # no refusal left over from before

        def answered(remove: bool | None) -> None:
            if remove:
                self._status("removing…")
                path = self.app.settings_file()  # type: ignore[attr-defined]
                self._save(path, {("indexers", index): None}, f"the indexer {name!r}")

        self.app.push_screen(
            ConfirmScreen(
                f"Remove the indexer {name!r} from {self.app.settings_file()}?"  # type: ignore[attr-defined]
                " Its searches stop; the library and the history stay."
            ),
            answered,
        )

    def _nothing_unsaved(self, what: str, but: KeyPath | None = None) -> bool:
        """Whether the form holds no unsaved change (``but`` that one): a removal writes the
        file at once, so other changes would be lost or saved unasked. When it holds some,
        the status line says to save them first or close without them."""
        changes = self._read_form("save")
        if changes is None:
            return False  # shown as refusals
        if any(path != but for path in changes):
            self._status(
                with_keys(
                    self.app,
                    f"save your edits first ({{settings.save}}): removing {what} writes the "
                    "file at once",
                )
            )
            return False
        return True

    def action_remove_profile(self) -> None:
        """Remove the quality profile chosen in the Quality section from the file, once the
        core allows it (:func:`mydia_tui.profiles.removal_refusal`: not the default profile,
        nor one films or shows use) and the user says yes; saved at once. Choosing the
        profile to remove is not an unsaved change here (the default stays what it was)."""
        if not self._in_quality_section():
            return
        self._clear_errors()
        if not self._nothing_unsaved("a profile", but=("quality", "default_profile")):
            return
        name = str(self.query_one("#quality-default_profile", Select).value)
        self._status(with_keys(self.app, _READY))
        self._check_profile_removal(name)

    @work(thread=True, exclusive=True, group="settings-profile", exit_on_error=False)
    def _check_profile_removal(self, name: str) -> None:
        from ...profiles import removal_refusal

        quality = self.app.config.quality  # type: ignore[attr-defined]
        self.post_message(ProfileRemoval(name, removal_refusal(name, quality) or ""))

    @on(ProfileRemoval)
    def _profile_removal(self, message: ProfileRemoval) -> None:
        name = message.name
        if message.refusal:
            self._status(Text(f"not removed: {message.refusal}", style="bold red"))
            return
        path = self.app.settings_file()  # type: ignore[attr-defined]

        def answered(remove: bool | None) -> None:
            if remove:
                self._status("removing…")
                self._remove_profile(path, name)

        self.app.push_screen(
            ConfirmScreen(
                f"Remove the quality profile {name!r} from {path}? No film or show uses it."
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="settings-save", exit_on_error=False)
    def _remove_profile(self, path: Path, name: str) -> None:
        """Remove it through the core, which checks again (an item may have taken it since
        the question)."""
        from ...errors import UsageError
        from ...profiles import remove_profile

        try:
            config = remove_profile(path, name, self.app.config.quality)  # type: ignore[attr-defined]
        except UsageError as exc:
            self.post_message(ProfileRemoval(name, str(exc)))
            return
        except ConfigError as exc:
            self.post_message(Refused([exc]))
            return
        self._post_saved(config, path, f"the quality profile {name!r}", "quality-default_profile")

    async def _drop_new_indexer(self, index: int) -> None:
        """Drop the indexer at ``index``, added on the screen and not saved yet: nothing was
        written for it, so nothing is asked or written, and every other unsaved edit stays.
        The indexers added after it move up one (what was typed in each, and its test's
        answer, moves into the group above, so groups stay numbered as the file will be) and
        the last group goes; the focus stays in the same field, now of the indexer that took
        its place, else goes to the indexer above."""
        focused = (self.focused.id if self.focused is not None else None) or ""
        key = focused.removeprefix(f"indexers-{index}-")
        name = self.query_one(f"#indexers-{index}-name", Input).value.strip()
        last = self._indexers - 1
        for n in range(index, last):
            for field in INDEXER_FIELDS:
                source = self.query_one(f"#indexers-{n + 1}-{field.key}", Input | Checkbox)
                self.query_one(f"#indexers-{n}-{field.key}", Input | Checkbox).value = (
                    source.value  # type: ignore[assignment]
                )
            source_test = self.query_one(f"#indexers-{n + 1}-test", Static)
            test = self.query_one(f"#indexers-{n}-test", Static)
            test.update(source_test.content)
            test.set_class(source_test.has_class("-empty"), "-empty")
        await self.query_one(f"#indexer-{last}").remove()
        for field in INDEXER_FIELDS:
            del self._fields[("indexers", last, field.key)]
        self._indexers = last
        place = index if index < last else index - 1
        if place >= 0:
            keys = [f.key for f in INDEXER_FIELDS]
            self.query_one(f"#indexers-{place}-{key if key in keys else 'name'}").focus()
        else:
            self.query_one("#deluge-host", Input).focus()
        what = f"the new indexer {name!r}" if name else "the new indexer"
        self._status(f"dropped {what} (never saved: the file is unchanged)")

    def action_test_indexer(self) -> None:
        index = self._focused_indexer()
        if index is None:
            self._status(with_keys(self.app, "no indexer to test: {settings.add_indexer} adds one"))
            return
        self._start_test()
        target = f"indexers-{index}-test"
        changes = self._read_form("test")
        if changes is None:
            self._show_test(target, _NOT_TESTED, False)
            return
        self._show_test(target, "asking for its capabilities…", None)
        self._test_indexer(changes, index, target)

    @work(thread=True, group="settings-test", exit_on_error=False)
    def _test_indexer(self, changes: dict[KeyPath, Any], index: int, target: str) -> None:
        from ...indexers.health import IndexerError
        from ...item_search import probe_indexer

        candidate = self._candidate(changes)
        if candidate is None:
            self.post_message(Tested(target, _NOT_TESTED, False))
            return
        secrets = secrets_of(candidate)
        try:
            text, ok = probe_indexer(candidate.indexers[index]), True
        except IndexerError as exc:
            text, ok = str(exc), False
        self.post_message(Tested(target, redact_text(text, secrets), ok))

    @on(Tested)
    def _tested(self, message: Tested) -> None:
        self._show_test(message.target, message.text, message.ok)

    @on(Input.Changed)
    def _tested_value_edited(self, event: Input.Changed) -> None:
        """A test's result leaves once a value it tested is edited (Deluge's host, port, user,
        password; an indexer's URL, API key): a new user's report found `cannot connect to
        http://` still under an indexer whose URL was already another."""
        found_path = [p for p in self._fields if _widget_id(p) == event.input.id]
        if not found_path:
            return
        path = found_path[0]
        if path[:1] == ("deluge",) and path[-1:] in _DELUGE_TESTED:
            target = "deluge-test"
        elif path[:1] == ("indexers",) and path[-1:] in (("url",), ("api_key",)):
            target = f"indexers-{path[1]}-test"
        else:
            return
        found = self.query(f"#{target}")
        if found and not found.first().has_class("-empty"):
            found.first(Static).update("")
            found.first().add_class("-empty")

    def _show_test(self, target: str, text: str, ok: bool | None) -> None:
        style = {True: "green", False: "bold red", None: "dim"}[ok]
        found = self.query(f"#{target}")
        if not found:
            return  # a new indexer dropped while its test ran
        line = found.first(Static)
        line.update(Text(text, style=style))
        line.remove_class("-empty")

    def action_close(self) -> None:
        """Close the settings; with edits not saved, ask first: one escape (or an Alt key,
        which the terminal sends as escape and a letter) lost a whole filled-in section (a
        new user's report)."""
        unreadable: list[ConfigError] = []
        if not self.changes(unreadable) and not unreadable:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Close the settings without saving? Your edits are lost.",
                [
                    Choice("n", "Keep editing (n)", False, "primary"),
                    Choice("y", "Discard them (y)", True, "error"),
                ],
            ),
            answered,
        )
