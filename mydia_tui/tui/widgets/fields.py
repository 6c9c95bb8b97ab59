"""The text field of the forms and the settings."""

from __future__ import annotations

from textual.widgets import Input


class FieldInput(Input):
    """A form's text field: one line, whatever state Textual gives it. Textual's style of an
    invalid input (``.-invalid``: a validator refused the value, e.g. ``type="integer"`` when
    left empty) draws a border; on a field one line high that left two border lines and no
    line for the text."""

    DEFAULT_CSS = """
    FieldInput { height: 1 !important; border: none !important; }
    FieldInput.-invalid { background-tint: $error 20%; }
    """
