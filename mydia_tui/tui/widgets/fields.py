"""The text field of the forms and the settings."""

from __future__ import annotations

from textual.strip import Strip
from textual.widgets import Input

from ..text import fit


class FieldInput(Input):
    """A form's text field: one line, whatever state Textual gives it. Textual's style of an
    invalid input (``.-invalid``: a validator refused the value, e.g. ``type="integer"`` when
    left empty) draws a border; on a field one line high that left two border lines and no
    line for the text. A value too wide for the field is shown cut with an ellipsis
    (:func:`~mydia_tui.tui.text.fit`) while the field does not hold the focus: Textual cut it
    at the field's edge with nothing to say more follows (a new user's report: the allowed
    qualities looked whole at 80 columns)."""

    DEFAULT_CSS = """
    FieldInput { height: 1 !important; border: none !important; }
    FieldInput.-invalid { background-tint: $error 20%; }
    """

    def render_line(self, y: int) -> Strip:
        room = self.scrollable_content_region.width
        if y or self.has_focus or not self.value or self._value.cell_len <= room:
            return super().render_line(y)
        text = fit(self._value, room)
        strip = Strip(self.app.console.render(text, self.app.console_options.update_width(room)))
        return strip.extend_cell_length(room).apply_style(self.rich_style)
