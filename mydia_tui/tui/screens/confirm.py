"""A question with a few answers, each on a key; escape always means "do nothing"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from .dialog import Dialog

T = TypeVar("T")


@dataclass(frozen=True)
class Choice(Generic[T]):
    """One answer: the key that gives it, its label, and what the screen returns."""

    key: str
    label: str
    value: T
    #: the button's look: "primary" (the default answer), "error" (destroys), "default"
    variant: str = "default"


class ConfirmScreen(Dialog[T | None]):
    """Asks ``question``; returns the chosen answer's value, or None on escape.

    Without ``choices`` it is a yes/no question returning True or False. ``enter`` gives the
    focused button's answer; the first choice has the focus, so it is the default."""

    BINDINGS = [Binding("escape", "dismiss_nothing", "Cancel", id="confirm.cancel")]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 80; max-width: 95%; height: auto; border: thick $error; background: $surface;
        padding: 1 2;
    }
    ConfirmScreen Label { width: 1fr; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmScreen Button { margin-left: 2; }
    ConfirmScreen.-stacked Horizontal { layout: vertical; }
    ConfirmScreen.-stacked Button { width: 100%; margin: 0; }
    """

    def __init__(self, question: str, choices: list[Choice] | None = None) -> None:
        super().__init__()
        self.question = question
        self.choices = choices or [
            Choice("n", "No (n)", False, "primary"),
            Choice("y", "Yes (y)", True, "error"),
        ]

    def compose_dialog(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)
            with Horizontal():
                for index, choice in enumerate(self.choices):
                    yield Button(Text(choice.label), id=f"choice-{index}", variant=choice.variant)

    def on_mount(self) -> None:
        self.query_one("#choice-0", Button).focus()

    def on_resize(self) -> None:
        # the answers side by side when they fit whole, else one under the other (never cut)
        box = self.query_one(Vertical)
        room = min(80, self.size.width * 95 // 100) - 2 - 4  # its border and padding
        need = sum(max(16, Text(c.label).cell_len + 4) + 2 for c in self.choices)
        self.set_class(need > room, "-stacked")
        box.refresh(layout=True)

    def on_key(self, event: events.Key) -> None:
        for index, choice in enumerate(self.choices):
            if event.key == choice.key:
                event.stop()
                self.action_answer(index)
                return

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(int((event.button.id or "choice-0").removeprefix("choice-")))

    def action_answer(self, index: int) -> None:
        self.dismiss(self.choices[index].value)

    def action_dismiss_nothing(self) -> None:
        self.dismiss(None)
