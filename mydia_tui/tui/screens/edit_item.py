"""Edit an item: monitored (:func:`mydia_tui.library.set_monitored`, as ``mydia-tui
monitored``), its quality profile (:func:`mydia_tui.profiles.set_item_profile`, from the
built-in and configured profiles) and its folder (:func:`mydia_tui.library.set_folder`,
inside a library folder). Returns :class:`Saved` when something was saved, else None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, Label, Static

from ... import library, profiles
from ..keys import with_keys
from ..text import clean, counted
from ..widgets.fields import FieldInput
from .form import FORM_CSS, FormScreen

#: the profile choice meaning "the configured default"
DEFAULT = None


class ProfileChoice(Static, can_focus=True):
    """One of a few values, cycled with space here, and left/right (or h/l) anywhere in the
    form but in a text field (:class:`EditItemScreen`'s keys)."""

    BINDINGS = [
        Binding(
            "space",
            "step(1)",
            "Next profile",
            id="edit_item.profile_step",
            show=False,
            tooltip="The next quality profile",
        ),
    ]
    DEFAULT_CSS = """
    ProfileChoice { height: 1; padding: 0 1; background: $boost; }
    ProfileChoice:focus { background: $primary 30%; }
    """

    def __init__(self, values: list[str | None], current: str | None, default: str, **kw) -> None:
        super().__init__(**kw)
        self.values = values
        self.index = values.index(current) if current in values else 0
        self.default = default

    @property
    def value(self) -> str | None:
        return self.values[self.index]

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        value = self.value
        name = f"the default ({self.default})" if value is None else value
        self.update(Text(f"◀ {clean(name)} ▶"))

    def action_step(self, by: int) -> None:
        self.index = (self.index + by) % len(self.values)
        self.show()


@dataclass(frozen=True)
class EditStart:
    """What the screen opens with (read by the caller in a thread worker)."""

    settings: library.ItemSettings
    profile: str | None
    profiles: list[str]
    default_profile: str


class EditItemScreen(FormScreen):
    HINT = (
        "{edit_item.save}: save · {edit_item.profile_previous}/{edit_item.profile_next}: profile"
        " · space: tick · {edit_item.cancel}: cancel"
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="edit_item.cancel", tooltip="Close unsaved"),
        Binding(
            "enter",
            "submit",
            "Save",
            id="edit_item.save",
            tooltip="Save monitored, quality profile and folder",
            priority=True,
        ),
        # the screen's, not the profile's: the form opens on Monitored, and its hint names
        # them (a new user's report: they did nothing there); the folder field's own left and
        # right move its cursor
        Binding(
            "left,h",
            "profile(-1)",
            "Previous profile",
            id="edit_item.profile_previous",
            show=False,
            tooltip="The previous quality profile",
        ),
        Binding(
            "right,l",
            "profile(1)",
            "Next profile",
            id="edit_item.profile_next",
            show=False,
            tooltip="The next quality profile",
        ),
    ]
    DEFAULT_CSS = (
        FORM_CSS.format(name="EditItemScreen")
        + """
    EditItemScreen Checkbox { height: 1; border: none; padding: 0 1; margin-top: 1; }
    EditItemScreen Checkbox:focus { border: none; background: $primary 30%; }
    EditItemScreen #edit-folder-label { height: auto; }
    """
    )

    def __init__(self, start: EditStart) -> None:
        super().__init__()
        self.start = start

    def compose_dialog(self) -> ComposeResult:
        s = self.start.settings
        kind = "film" if s.kind == "movie" else "show"
        with Vertical(id="form") as box:
            box.border_title = Text(f"Edit the {kind} {clean(s.title)}")
            yield Checkbox("Monitored", s.monitored, id="edit-monitored")
            yield Label("Quality profile", classes="form-label")
            yield ProfileChoice(
                [DEFAULT, *self.start.profiles],
                self.start.profile,
                self.start.default_profile,
                id="edit-profile",
            )
            # the folder a relative one goes inside is the core's (library.folder_base)
            if s.base:
                label = f"Folder, relative to {clean(s.base)}"
                placeholder = f"a folder inside {clean(s.base)}, or a full path"
            else:
                label = with_keys(
                    self.app, f"Folder: no library folder for {kind}s ({{app.settings}} sets one)"
                )
                placeholder = ""
            yield Label(label, classes="form-label", id="edit-folder-label", markup=False)
            yield FieldInput(s.typed_folder, id="edit-folder", placeholder=placeholder)
            yield Static("", classes="form-error", id="form-error")
            yield Static(
                with_keys(self.app, self.HINT), classes="form-hint", id="form-hint", markup=False
            )

    def action_profile(self, by: int) -> None:
        self.query_one(ProfileChoice).action_step(by)

    def submit_call(self) -> Callable[[], Saved | None]:
        s = self.start.settings
        monitored = self.query_one("#edit-monitored", Checkbox).value
        profile = self.query_one(ProfileChoice).value
        folder = self.value("edit-folder").strip()
        quality = self.app.config.quality
        old_profile = self.start.profile

        def save() -> Saved | None:
            changed, note = False, ""
            if folder != s.typed_folder:
                library.set_folder(s.id, folder)
                changed = True
                note = moved_words(library.files_elsewhere(s.id))
            if profile != old_profile:
                changed |= profiles.set_item_profile(s.id, profile, quality)
            if monitored != s.monitored:
                library.set_monitored(s.id, monitored)
                changed = True
            return Saved(s.id, note) if changed else None

        return save


@dataclass(frozen=True)
class Saved:
    """What the form saved: the item, and what a new folder leaves where it is ("" when
    nothing)."""

    item_id: int
    note: str = ""

    def words(self) -> str:
        return f"Saved: {self.note}" if self.note else "Saved"


def moved_words(moved: library.FilesElsewhere) -> str:
    """What a new folder does when the item has files outside it: they are not moved, the
    next import goes into the new folder ("" when no recorded file is outside it)."""
    if not moved.files:
        return ""
    count = counted(len(moved.files), "file")
    verb = "stays" if len(moved.files) == 1 else "stay"
    where = f"in {clean(moved.folders[0])}" if len(moved.folders) == 1 else "where they are"
    return (
        f"the next import goes into {clean(moved.folder)}; its {count} {verb} {where}"
        " (files are not moved)"
    )


def read_start(item_id: int, quality) -> EditStart:
    """What :class:`EditItemScreen` opens with (database reads: call it in a thread)."""
    from ...releases.quality import resolve_profile

    return EditStart(
        settings=library.item_settings(item_id),
        profile=profiles.item_profile_name(item_id),
        profiles=profiles.profile_names(quality),
        default_profile=resolve_profile(None, quality).name,
    )
