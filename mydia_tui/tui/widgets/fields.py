"""Screens of fields (the forms, the settings) that take fast keys in the order typed.

A terminal hands a burst of fast keys over in one read, and Textual sends each key to the
widget focused when the app reads it; a key the widget does not take as text bubbles up to the
app, which runs the binding of the widget focused *by then*. So:

- a key that moves the focus moves it as the app reads it (:class:`FieldKeys`: tab and
  shift+tab, priority bindings). As the screen's ordinary binding, tab ran once it had bubbled
  up from the field, and the keys typed right behind it had gone to the old field (a title,
  tab, 1999 put the digits in the title);
- a field runs its own bindings as it takes the key from its queue (:class:`KeysInOrder`): a
  checkbox's space, reaching the app after tab had moved the focus, toggled nothing; an
  input's backspace ran after the characters typed behind it;
- a key that reads the fields (enter, ctrl+s) waits until each has taken the keys typed before
  it (:meth:`FieldKeys.after_typed`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual import events
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, TextArea


class KeysInOrder(Widget):
    """Mix in after the widget's class (Textual takes a widget's CSS type from its first
    base): its own bindings run as it takes the key, after the widget's own handler."""

    async def _on_key(self, event: events.Key) -> None:
        if self.check_consume_key(event.key, event.character):
            return  # text: the widget's own handler takes it
        focused = self.screen.focused
        if focused is not None and focused is not self and self in focused.ancestors:
            return  # bubbled up from a part that has the focus (a choice's open list)
        bindings = self._bindings.copy()
        bindings.apply_keymap(self.app._keymap)  # the user's [tui.keys], as Textual applies it
        for binding in bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return


class FieldInput(Input, KeysInOrder):
    """A form's text field: one line, whatever state Textual gives it. Textual's style of an
    invalid input (``.-invalid``: a validator refused the value, e.g. ``type="integer"`` when
    left empty) draws a border; on a field one line high that left two border lines and no
    line for the text."""

    DEFAULT_CSS = """
    FieldInput { height: 1 !important; border: none !important; }
    FieldInput.-invalid { background-tint: $error 20%; }
    """


class FieldCheckbox(Checkbox, KeysInOrder):
    """A form's tick box."""


class FieldTextArea(TextArea, KeysInOrder):
    """A form's text of several lines."""


class FieldSelect(Select[str], KeysInOrder):
    """A form's choice of a few values."""


ResultT = TypeVar("ResultT")


class FieldKeys(Screen[ResultT]):
    """A screen of fields typed into: tab and shift+tab move the focus as the app reads them,
    so that the keys typed right behind them go to the field they moved to."""

    BINDINGS = [
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    def after_typed(self, then: Callable[[], object]) -> None:
        """Call ``then`` once the keys already sent to the screen's widgets are handled: each
        widget that takes keys, then each node a key they do not take bubbles up to (up to
        the screen and the app), deepest first. A queue is taken in order, so a callback
        queued behind a key runs after it (and after what the key posted to the parent)."""
        nodes = {node: None for widget in self.focus_chain for node in widget.ancestors_with_self}
        order = sorted(nodes, key=lambda node: -len(node.ancestors))

        def step(rest: list[DOMNode]) -> None:
            while rest:
                head, rest = rest[0], rest[1:]
                if head.call_later(step, rest):
                    return
            then()

        step(order)
