"""The base of every dialog: a modal screen with its own footer of key hints."""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.screen import ModalScreen

from ..widgets.footer import KeysFooter

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A dialog over the screen beneath (a question, a form, the help, the releases), with its
    own footer: the keys that work while it is open.

    A modal screen's keys stop at itself (Textual's ``Screen._modal_binding_chain``: neither
    the screen beneath nor the app's bindings run while it is open, but for the few bound
    with ``priority``, such as the palette's), and its ``active_bindings`` are those keys. The
    footer drawn under a dialog was the screen beneath's, offering keys that do nothing here
    (``/ Filter  s Sort  q Quit``); the dialog's own :class:`KeysFooter`, docked at the
    bottom, covers it. Subclasses compose their body in :meth:`compose_dialog`."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "compose" in vars(cls):  # it would leave the footer out
            raise TypeError(f"{cls.__name__}: a dialog composes its body in compose_dialog")

    def compose(self) -> ComposeResult:
        yield from self.compose_dialog()
        yield KeysFooter()

    def compose_dialog(self) -> ComposeResult:
        """The dialog's widgets (its footer is added after them)."""
        raise NotImplementedError
