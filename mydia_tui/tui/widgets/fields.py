"""The text field of the forms and the settings."""

from __future__ import annotations

from textual import events
from textual.strip import Strip
from textual.widgets import Input

from ..text import clean, fit


class FieldInput(Input):
    """A form's text field: one line, whatever state Textual gives it. Textual's style of an
    invalid input (``.-invalid``: a validator refused the value, e.g. ``type="integer"`` when
    left empty) draws a border; on a field one line high that left two border lines and no
    line for the text. A value too wide for the field is shown cut with an ellipsis
    (:func:`~mydia_tui.tui.text.fit`) while the field does not hold the focus: Textual cut it
    at the field's edge with nothing to say more follows (a new user's report: the allowed
    qualities looked whole at 80 columns).

    A paste of several lines fills this field with the first, and the next fields of the
    screen (in focus order) with the next lines in turn, the last one taking what is left,
    joined by spaces; nothing is submitted. Textual's Input keeps the first line and drops the
    others silently (a new user pasted a title and its year, and the year was gone). A line a
    field refuses (a year field's letters) is said in a warning, never dropped silently."""

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

    #: what the form calls the field, for a message about it ("" : no label)
    label = ""

    def _on_paste(self, event: events.Paste) -> None:
        lines = event.text.splitlines()
        while lines and not lines[-1].strip():
            lines.pop()  # the newline a copied line ends with
        if len(lines) <= 1:
            return  # Input's own handler (Textual runs it after this one) takes one line
        event.prevent_default()  # Input's handler would insert the first line once more
        event.stop()
        chain = self.screen.focus_chain
        after = chain[chain.index(self) + 1 :] if self in chain else []
        fields = [self, *(w for w in after if isinstance(w, FieldInput))]
        if len(lines) > len(fields):
            keep = len(fields) - 1
            lines = [*lines[:keep], " ".join(lines[keep:])]
        refused: list[str] = []
        for number, (field, line) in enumerate(zip(fields, lines, strict=False), 1):
            if not field.take(line, at_cursor=field is self):
                what = "a line" if field.password else f'"{clean(line)}"'
                name = field.label or "the next field"
                refused.append(f"{name} did not take {what} (pasted line {number})")
        fields[len(lines) - 1].focus()
        if refused:
            self.app.notify("; ".join(refused), severity="warning", markup=False)

    def take(self, line: str, *, at_cursor: bool) -> bool:
        """Put ``line`` in: at the cursor (in place of the selection), or after the text;
        False when the field refuses it (its length, its type)."""
        before = self.value
        selection = self.selection
        if not at_cursor:
            self.insert(line, len(before))
        elif selection.is_empty:
            self.insert_text_at_cursor(line)
        else:
            self.replace(line, *selection)
        return not line or self.value != before
