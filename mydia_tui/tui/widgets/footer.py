"""The footer of key hints: one line drawn for the width it has, never a hint cut mid-word."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import ActiveBinding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True)
class Hint:
    """One key hint: the key as bound (``question_mark``), as shown (``?``), what it does, the
    tooltip, and whether the action can run now (a disabled one is drawn dim)."""

    key: str
    display: str
    description: str
    tooltip: str
    enabled: bool


def in_binding_order(active: Iterable[ActiveBinding]) -> list[ActiveBinding]:
    """``active`` (a screen's active bindings, node by node from the focused widget to the
    app) with each node's bindings in the order the node declares them.

    Textual applies the user's remaps ([tui.keys], ``App.set_keymap``) to a copy of each
    node's bindings as it builds the binding chain (``Screen._binding_chain`` ->
    ``BindingsMap.apply_keymap``), deleting a remapped binding's keys and adding the new ones
    at the end: read as they come, a remapped key's hint moved after all others of its node
    (``x Quit  f1 Keys`` after ``z Zoom  M Monitor``, then left out first when the footer is
    narrow). The place is the binding's (by id, else action) in the node's own bindings."""
    entries = list(active)
    nodes: dict[DOMNode, int] = {}
    places: dict[DOMNode, dict[str, int]] = {}
    for entry in entries:
        nodes.setdefault(entry.node, len(nodes))
        if entry.node not in places:
            place: dict[str, int] = {}
            for bindings in entry.node._bindings.key_to_bindings.values():
                for binding in bindings:
                    place.setdefault(binding.id or binding.action, len(place))
            places[entry.node] = place

    def key(entry: ActiveBinding) -> tuple[int, int]:
        place = places[entry.node]
        return nodes[entry.node], place.get(entry.binding.id or entry.binding.action, len(place))

    return sorted(entries, key=key)


class KeysFooter(Widget):
    """The screen's key hints (its active bindings with ``show=True``, one per action, in
    binding order, a remapped one in its place: :func:`in_binding_order`) and the command palette's key at the right edge, drawn as one line for the
    width the footer has: the hints that do not fit whole are left out from the last (every
    key is still in the help screen, ``?``, and the palette) rather than cut (``f State fi``).

    One widget that renders from its width and the screen's bindings, rather than Textual's
    footer of a widget per key laid out after a recompose: the first frame the app draws
    already has its whole footer (bench/launch.py). A click on a hint presses its key, as
    Textual's footer does; hovering one shows its tooltip."""

    COMPONENT_CLASSES = {
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--disabled",
        "keys-footer--palette",
    }

    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        link-style: none;
        link-style-hover: none;
        link-color-hover: $footer-key-foreground;
        link-background-hover: $block-hover-background;
        & > .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keys-footer--disabled { text-style: dim; }
        & > .keys-footer--palette { color: $foreground 20%; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        #: what the last render drew: (first cell, end cell, hint) for each hint, the palette's
        #: key included
        self.drawn: list[tuple[int, int, Hint]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    # -- what is shown -------------------------------------------------------------------------

    def hints(self) -> tuple[list[Hint], Hint | None]:
        """(the hints of the screen's shown bindings, the command palette's hint or None)."""
        app = self.app
        active = self.screen.active_bindings
        hints: list[Hint] = []
        actions: set[str] = set()
        for _node, binding, enabled, tooltip in in_binding_order(active.values()):
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            hints.append(
                Hint(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    tooltip or binding.tooltip or binding.description,
                    enabled,
                )
            )
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = Hint(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                tooltip or binding.tooltip or binding.description,
                enabled,
            )
        return hints, palette

    # -- drawing -------------------------------------------------------------------------------

    def render(self) -> Text:
        width = self.size.width
        hints, palette = self.hints()
        key_style = self.get_component_rich_style("keys-footer--key", partial=True)
        description_style = self.get_component_rich_style("keys-footer--description", partial=True)
        dim = self.get_component_rich_style("keys-footer--disabled", partial=True)
        edge = self.get_component_rich_style("keys-footer--palette", partial=True)
        # the palette's key at the right edge: "▏^p palette "
        right_width = (
            0 if palette is None else 1 + len(palette.display) + len(palette.description) + 2
        )
        room = max(0, width - right_width)
        line = Text(no_wrap=True, overflow="crop", end="")
        self.drawn = []
        x = 0
        for index in self._fitting(hints, room):
            hint = hints[index]
            # " key description " as Textual's footer spaces them
            parts = [f" {hint.display} ", f"{hint.description} " if hint.description else ""]
            size = self._width(hint)
            self._append(line, parts, hint, index + 1, key_style, description_style, dim)
            self.drawn.append((x, x + size, hint))
            x += size
        if palette is not None and width >= right_width:
            line.append(" " * (width - right_width - x))
            line.append("▏", edge)
            parts = [palette.display, f" {palette.description} "]
            self._append(line, parts, palette, 0, key_style, description_style, dim)
            start = width - right_width + 1
            self.drawn.append((start, width, palette))
        return line

    @classmethod
    def _fitting(cls, hints: list[Hint], room: int) -> list[int]:
        """The indexes of the hints shown in ``room`` cells, in binding order: when they do not
        all fit, the disabled ones (which cannot run now) are left out first, then the last
        ones (every key is still in `?` and the palette). Without it, at 80 columns with Deluge
        not set up, four dimmed download actions pushed out ``q Quit`` and ``? Keys``."""
        shown = list(range(len(hints)))
        while shown and sum(cls._width(hints[i]) for i in shown) > room:
            disabled = [i for i in shown if not hints[i].enabled]
            shown.remove(disabled[-1] if disabled else shown[-1])
        return shown

    @staticmethod
    def _width(hint: Hint) -> int:
        """Cells a hint takes: " key description " (Textual's footer's spacing)."""
        return len(hint.display) + 2 + (len(hint.description) + 1 if hint.description else 0)

    @staticmethod
    def _append(
        line: Text,
        parts: list[str],
        hint: Hint,
        number: int,
        key: Style,
        description: Style,
        dim: Style,
    ) -> None:
        """Append a hint's key and description; a click on either runs ``press(number)`` (0:
        the palette's key)."""
        click = Style.from_meta({"@click": f"press({number})"})
        faded = dim if not hint.enabled else Style()
        line.append(parts[0], key + faded + click)
        if parts[1]:
            line.append(parts[1], description + faded + click)

    # -- the mouse -----------------------------------------------------------------------------

    def action_press(self, number: int) -> None:
        """A hint was clicked: press its key (the bell for one that cannot run now)."""
        hints, palette = self.hints()
        hint = palette if number == 0 else hints[number - 1] if number <= len(hints) else None
        if hint is None:
            return
        if hint.enabled:
            self.app.simulate_key(hint.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        under = next((h for start, end, h in self.drawn if start <= event.x < end), None)
        self.tooltip = under.tooltip if under is not None else None
