"""Add a show: looked up on TVmaze (the client ``mydia-tui add show`` uses,
:mod:`mydia_tui.metadata`) with a list of the matches to choose from, or made by hand from a
seasons spec (``1:10,2:8``, :func:`mydia_tui.library.parse_seasons`) when TVmaze cannot be
reached. Returns the new :class:`~mydia_tui.library.ItemInfo`, or None when cancelled."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from ... import library
from ...errors import MydiaError, UsageError
from ..text import cells, clean
from ..widgets.fields import FieldInput
from ..widgets.rowview import RowView
from .form import FORM_CSS, FormScreen


def optional_year(text: str) -> int | None:
    """The year typed, None when empty, or :class:`UsageError`."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise UsageError(f"not a year: {text!r}")
    library.check_year(int(text))
    return int(text)


class CandidateList(RowView):
    """TVmaze's matches: name, first-aired year, network and country, TVmaze id."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.candidates: list[Any] = []

    def row_count(self) -> int:
        return len(self.candidates)

    def row_value(self, index: int) -> Hashable:
        return self.candidates[index]

    def render_row(self, index: int, width: int) -> Text:
        c = self.candidates[index]
        where = " / ".join(p for p in (c.network, c.country) if p)
        return cells(
            [
                (Text(clean(c.name)), max(8, width - 36)),
                (str(c.premiered_year or "").rjust(4), 4),
                (Text(clean(where)), 20),
                (str(c.tvmaze_id).rjust(8), 8),
            ]
        )


class AddShowScreen(FormScreen):
    TITLE_TEXT = "Add a show"
    HINT = "{add_show.add}: look up, or add by hand with seasons · {add_show.cancel}: cancel"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="add_show.cancel", tooltip="Close without adding"),
        Binding(
            "enter",
            "submit",
            "Look up / add",
            id="add_show.add",
            tooltip="Look the title up on TVmaze; on a match, add it; with seasons, add by hand",
            priority=True,
        ),
    ]
    DEFAULT_CSS = (
        FORM_CSS.format(name="AddShowScreen")
        + """
    AddShowScreen CandidateList { height: auto; max-height: 8; display: none; margin-top: 1; }
    AddShowScreen CandidateList.-visible { display: block; }
    """
    )

    def fields(self) -> list[tuple[str, Input]]:
        return [
            ("Title", FieldInput(id="show-title", placeholder="The Expanse")),
            ("Year (optional)", FieldInput(id="show-year", placeholder="2015")),
            (
                "Seasons, to add by hand without TVmaze (SEASON:EPISODES,...)",
                FieldInput(id="show-seasons", placeholder="1:10,2:8"),
            ),
        ]

    def extra(self) -> ComposeResult:
        yield CandidateList(id="show-matches")
        yield Static("", id="show-state")

    @property
    def matches(self) -> CandidateList:
        return self.query_one(CandidateList)

    def submit_call(self) -> Callable[[], Any]:
        from ... import metadata

        config = self.app.config
        title = self.value("show-title")
        year_text, seasons = self.value("show-year"), self.value("show-seasons").strip()
        matches = self.matches
        if matches.has_focus and matches.candidates:
            chosen = matches.candidates[matches.cursor]

            def add_chosen() -> library.ItemInfo:
                return metadata.add_show_from_tvmaze(config, title, tvmaze_id=chosen.tvmaze_id)

            return add_chosen
        if seasons:

            def add_by_hand() -> library.ItemInfo:
                episodes = library.manual_episodes(library.parse_seasons(seasons))
                return library.add_show(title, episodes, year=optional_year(year_text))

            return add_by_hand

        def look_up() -> list[Any]:
            year = optional_year(year_text)
            try:
                found = metadata.search_shows(config, title)
            except metadata.MetadataError as exc:
                raise MydiaError(
                    f"{exc.reason} · fill in the seasons (e.g. 1:10,2:8) to add it by hand"
                ) from None
            if not found:
                raise MydiaError(
                    f"TVmaze knows no show called {title.strip()!r}: check the spelling, or "
                    "fill in the seasons to add it by hand"
                )
            return metadata.choices_for(found, title, year) if year else found[:20]

        return look_up

    def answered(self, result: Any) -> None:
        if isinstance(result, list):
            matches = self.matches
            matches.candidates = result
            matches.add_class("-visible")
            matches.rows_changed(keep_cursor=0)
            matches.focus()
            count = len(result)
            self.query_one("#show-state", Static).update(
                f"{count} match{'es' if count != 1 else ''} on TVmaze · j/k moves · enter adds"
            )
            return
        self.dismiss(result)
