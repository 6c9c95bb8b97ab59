"""Add a film: title, year and an optional IMDb id, checked by the core as ``mydia-tui add
movie`` checks them (:func:`mydia_tui.library.add_movie`); returns the new
:class:`~mydia_tui.library.ItemInfo`, or None when cancelled."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.widgets import Input

from ... import library
from ...errors import UsageError
from ..widgets.fields import FieldInput
from .form import FORM_CSS, FormScreen


def parse_year(text: str) -> int:
    """The year typed, or :class:`UsageError` (a film needs one, as ``add movie --year``)."""
    text = text.strip()
    if not text.isdigit():
        raise UsageError(
            f"a film needs its year, e.g. 2008 (got {text!r})"
            if text
            else "a film needs its year, e.g. 2008"
        )
    return int(text)


class AddFilmScreen(FormScreen):
    TITLE_TEXT = "Add a film"
    HINT = "{add_film.add}: submit · tab: next field · {add_film.cancel}: cancel"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="add_film.cancel", tooltip="Close without adding"),
        Binding("enter", "submit", "Add", id="add_film.add", tooltip="Add the film", priority=True),
    ]
    DEFAULT_CSS = FORM_CSS.format(name="AddFilmScreen")

    def fields(self) -> list[tuple[str, Input]]:
        return [
            ("Title", FieldInput(id="film-title", placeholder="Big Buck Bunny")),
            ("Year", FieldInput(id="film-year", placeholder="2008", type="integer")),
            ("IMDb id (optional)", FieldInput(id="film-imdb", placeholder="tt1254207")),
        ]

    def submit_call(self) -> Callable[[], library.ItemInfo]:
        title, year, imdb = (
            self.value("film-title"),
            self.value("film-year"),
            self.value("film-imdb"),
        )

        def add() -> library.ItemInfo:
            return library.add_movie(title, parse_year(year), imdb_id=imdb.strip() or None)

        return add
