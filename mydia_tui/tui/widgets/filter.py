"""The live filter box of a list (the library's, the activity's): typed text narrows the list."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterInput(Input):
    """An Input whose keys the footer shows while it has the focus (Textual's Input shows
    none, and the printable keys of the list's bindings type text): enter keeps the filter
    (``Input.Submitted``), escape empties the box and posts :class:`FilterInput.Cleared`.
    The owner hides the box and gives the list the focus again on either."""

    BINDINGS = [
        Binding(
            "escape",
            "clear",
            "Clear filter",
            tooltip="Clear the filter and go back to the list",
        ),
        Binding(
            "enter",
            "submit",
            "Keep filter",
            tooltip="Keep the filter and go back to the list",
        ),
    ]

    class Cleared(Message):
        """Escape emptied the filter box (its Input.Changed came first)."""

        def __init__(self, box: FilterInput) -> None:
            super().__init__()
            self.box = box

        @property
        def control(self) -> FilterInput:
            return self.box

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Cleared(self))
