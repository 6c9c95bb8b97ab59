"""A small modal form: labelled inputs, one line for the core's answer, enter to submit,
escape to cancel. The submission runs in a thread worker (it writes the database, or asks
TVmaze); a :class:`~mydia_tui.errors.MydiaError` is shown on the form's error line, literally,
and the form stays open to be corrected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from ...config import redact_text, secrets_of
from ...errors import MydiaError
from ..keys import with_keys
from ..text import clean
from ..widgets.fields import FieldInput
from ..workers import ReportsWorkerErrors
from .dialog import Dialog


class FormAnswered(Message):
    """The submission's outcome: ``error`` ("" when done) and what it returned."""

    def __init__(self, result: Any, error: str = "") -> None:
        super().__init__()
        self.result = result
        self.error = error


FORM_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 72; max-width: 100%; height: auto; max-height: 100%; border: round $primary;
    background: $surface; padding: 0 1;
}}
{name} .form-label {{ height: 1; margin-top: 1; color: $text-muted; }}
{name} Input {{ padding: 0 1; background: $boost; }}
{name} Input:focus {{ background: $primary 30%; }}
{name} .form-error {{ height: auto; color: $error; }}
{name} .form-hint {{ height: 1; color: $text-muted; margin-top: 1; }}
"""


class FormScreen(ReportsWorkerErrors, Dialog[Any]):
    """Subclasses give ``TITLE_TEXT``, ``HINT``, :meth:`fields` and :meth:`submit`."""

    TITLE_TEXT = ""
    #: the hint under the fields; ``{binding.id}`` names a key (:func:`..keys.with_keys`)
    HINT = "enter: submit · tab: next field · escape: cancel"

    def fields(self) -> list[tuple[str, Input]]:
        """(label, input) pairs, in order."""
        raise NotImplementedError

    def compose_dialog(self) -> ComposeResult:
        with Vertical(id="form") as box:
            box.border_title = self.TITLE_TEXT
            for label, field in self.fields():
                yield Label(label, classes="form-label", markup=False)
                if isinstance(field, FieldInput):
                    field.label = label  # named in its messages (a pasted line it refused)
                yield field
            yield from self.extra()
            yield Static("", classes="form-error", id="form-error")
            yield Static(
                with_keys(self.app, self.HINT), classes="form-hint", id="form-hint", markup=False
            )

    def extra(self) -> ComposeResult:
        """Widgets below the fields (a choice list)."""
        return iter(())

    def value(self, input_id: str) -> str:
        return self.query_one(f"#{input_id}", Input).value

    def show_error(self, text: str) -> None:
        text = redact_text(text, secrets_of(self.app.config)) if text else ""
        self.query_one("#form-error", Static).update(Text(clean(text)))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        self.show_error("")
        # keys typed after enter wait for the answer: the next screen (or this one, refused)
        # takes them, not the main screen beneath while the form is closing
        self.app.hold_keys(self)  # type: ignore[attr-defined]
        self.run_submit(self.submit_call())

    def submit_call(self) -> Callable[[], Any]:
        """What submitting does: a callable run in a thread worker."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="form", exit_on_error=False)
    def run_submit(self, call: Callable[[], Any]) -> None:
        try:
            result = call()
        except MydiaError as exc:
            self.post_message(FormAnswered(None, str(exc)))
            return
        self.post_message(FormAnswered(result))

    @on(FormAnswered)
    def _answered(self, message: FormAnswered) -> None:
        message.stop()
        if message.error:
            self.show_error(message.error)
            self.app.release_keys(self)  # type: ignore[attr-defined]
        else:
            self.answered(message.result)
            if self.is_current:  # still open (a choice to make): the keys come to it again
                self.app.release_keys(self)  # type: ignore[attr-defined]

    def on_unmount(self) -> None:
        # closed: the keys go on once the screen beneath has its focus back
        self.app.call_later(self.app.release_keys, self)  # type: ignore[attr-defined]

    def answered(self, result: Any) -> None:
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
