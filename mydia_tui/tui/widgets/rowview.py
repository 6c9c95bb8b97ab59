"""A list that renders only the rows on screen (Textual's Line API), with a row cursor.

The stock DataTable builds every row up front (seconds at 50,000 rows). A RowView knows only
how many rows there are; :meth:`render_row` is asked for the few that are visible, and the
rendered lines are cached by the row's value, so a row that did not change is never
re-rendered and a row that did is re-rendered because its value (the cache key) changed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from ..text import fit


class RowView(ScrollView, can_focus=True):
    """Subclasses implement :meth:`row_count`, :meth:`row_value` and :meth:`render_row`."""

    #: prefix of the binding ids, e.g. "library" -> "library.down"
    BINDING_GROUP = "list"
    ALLOW_MAXIMIZE = False

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down", tooltip="Next row"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up", tooltip="Previous row"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home,g", "first", "First", show=False, id="list.first", tooltip="First row"),
        Binding("end,G", "last", "Last", show=False, id="list.last", tooltip="Last row"),
    ]

    COMPONENT_CLASSES = {"rowview--cursor", "rowview--cursor-blurred"}

    DEFAULT_CSS = """
    RowView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        & > .rowview--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
        & > .rowview--cursor-blurred { background: $block-cursor-blurred-background; }
    }
    """

    class _RowMessage(Message):
        """Something happened to one row of a view."""

        def __init__(self, view: RowView, index: int) -> None:
            super().__init__()
            self.view = view
            self.index = index

        @property
        def control(self) -> RowView:
            return self.view

    class Highlighted(_RowMessage):
        """The cursor moved to another row."""

    class Chosen(_RowMessage):
        """Enter on a row."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cursor = 0
        self._lines: LRUCache[tuple, Strip] = LRUCache(1024)
        self._styles: tuple[Style, Style, Style] | None = None
        self._hint_lines: tuple[str, int, list[Text]] = ("", 0, [])
        #: the headings drawn for this view's width (see :class:`ListHeading`)
        self.headings: list[ListHeading] = []

    @property
    def row_width(self) -> int:
        """The width of a row in cells (the view's width less its scrollbar; 0 before the
        first layout)."""
        return self.scrollable_content_region.width

    # -- what subclasses provide ---------------------------------------------------------------

    def row_count(self) -> int:
        return 0

    def row_value(self, index: int) -> Hashable:
        """A hashable value that changes whenever the row's rendering would change."""
        return index

    def render_row(self, index: int, width: int) -> Text:
        return Text()

    # -- data changes --------------------------------------------------------------------------

    def rows_changed(self, keep_cursor: int | None = None) -> None:
        """The number or order of rows changed: resize and repaint what is visible."""
        count = self.row_count()
        self.virtual_size = Size(0, count)
        cursor = self.cursor if keep_cursor is None else keep_cursor
        cursor = max(0, min(cursor, count - 1))
        moved = cursor != self.cursor
        self.cursor = cursor
        self._scroll_cursor_into_view()
        self.refresh()
        for heading in self.headings:  # a scrollbar may have come or gone
            heading.refresh()
        if moved or keep_cursor is not None:
            # posted from this widget's own context: a message created while a parent's
            # handler runs has that parent as sender and would stop bubbling there
            self.call_next(self._post_highlighted)

    def _post_highlighted(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor))

    def refresh_row(self, index: int) -> None:
        top = int(self.scroll_offset.y)
        if top <= index < top + self.size.height:
            self.refresh_line(index)

    def visible_range(self) -> range:
        top = int(self.scroll_offset.y)
        return range(top, min(self.row_count(), top + self.size.height))

    # -- cursor --------------------------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        count = self.row_count()
        if count == 0:
            return
        index = max(0, min(index, count - 1))
        if index == self.cursor:
            return
        old, self.cursor = self.cursor, index
        if not self._scroll_cursor_into_view():
            self.refresh_row(old)
            self.refresh_row(index)
        self.post_message(self.Highlighted(self, index))

    def _scroll_cursor_into_view(self) -> bool:
        """Scroll so the cursor is visible; True when it scrolled (everything repaints)."""
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
            return True
        if self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)
            return True
        return False

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self._page())

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self._page())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.row_count() - 1)

    def action_choose(self) -> None:
        if self.row_count():
            self.post_message(self.Chosen(self, self.cursor))

    def _on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < self.row_count():
            self.move_cursor(index)
            if event.chain == 2:
                self.action_choose()

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh_row(self.cursor)

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh_row(self.cursor)

    def on_resize(self) -> None:
        self._lines.clear()
        self._scroll_cursor_into_view()
        for heading in self.headings:
            heading.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self._styles = None

    def _row_styles(self) -> tuple[Style, Style, Style]:
        """(base, cursor, cursor without focus), computed once per style change: reading
        ``rich_style`` walks the DOM and costs more than drawing a cached line."""
        if self._styles is None:
            base = self.rich_style
            self._styles = (
                base,
                base + self.get_component_rich_style("rowview--cursor"),
                base + self.get_component_rich_style("rowview--cursor-blurred"),
            )
        return self._styles

    def empty_hint(self) -> str:
        """A line of help shown when there are no rows (plain text, never markup)."""
        return ""

    # -- rendering -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        base, cursor_style, blurred_style = self._row_styles()
        if index >= self.row_count() or width <= 0:
            hint = self.empty_hint() if y >= 1 and self.row_count() == 0 and width > 1 else ""
            if hint:
                # wrapped at words over the lines below the first, never cut; wrapped once
                # per hint and width, not once per line drawn
                if self._hint_lines[:2] != (hint, width):
                    wrapped = Text(hint, style="dim").wrap(self.app.console, width - 1)
                    self._hint_lines = (hint, width, list(wrapped))
                lines = self._hint_lines[2]
                if y - 1 < len(lines):
                    text = fit(Text(" ") + lines[y - 1], width)
                    segments = [s for s in text.render(self.app.console) if s.text != "\n"]
                    return Strip(segments, width).crop_extend(0, width, base)
            return Strip.blank(width, base)
        selected = index == self.cursor
        focused = self.has_focus
        key = (self.row_value(index), width, selected, selected and focused)
        strip = self._lines.get(key)
        if strip is None:
            text = fit(self.render_row(index, width), width)
            style = base
            if selected:
                style = cursor_style if focused else blurred_style
            text.style = style
            text.end = ""
            segments = [s for s in text.render(self.app.console) if s.text != "\n"]
            strip = Strip(segments, width).crop_extend(0, width, base)
            self._lines[key] = strip
        return strip.apply_offsets(0, index)


class ListHeading(Widget):
    """A line above a :class:`RowView` (its column headings, its filter's tabs) made for the
    width of the view's rows when it is drawn: ``make(width)`` returns the line for ``width``
    cells. Drawn from the sizes of the layout being drawn, the first frame has it right (a
    heading set from a resize handler is one frame late, and that frame shows it made for a
    width of 0). Call :meth:`refresh` when what ``make`` returns changed."""

    DEFAULT_CSS = "ListHeading { height: 1; }"

    def __init__(
        self,
        view: RowView,
        make: Callable[[int], str | Text],
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.view = view
        self.make = make
        view.headings.append(self)

    def render(self) -> Text:
        # the view's width less its scrollbar; before the view is laid out, this line's own
        # width less the scrollbar's column
        width = self.view.row_width or max(0, self.size.width - 1)
        line = self.make(width)
        text = Text(line) if isinstance(line, str) else line
        text.no_wrap = True
        text.overflow = "crop"
        text.end = ""
        return text
