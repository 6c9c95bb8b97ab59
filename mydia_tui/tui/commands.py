"""The command palette lists every action of every pane."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .keys import MODAL, catalog, keys_for
from .widgets.rowview import RowView


class ActionsProvider(Provider):
    def _commands(self):
        keymap = getattr(self.app, "keymap", {})
        for entry in catalog(self.app):
            if entry.target == MODAL:
                continue  # a modal screen's key works where that screen is open
            b = entry.binding
            name = f"{entry.section}: {b.description}"
            keys = keys_for(b, keymap).replace("slash", "/").replace("question_mark", "?")
            yield name, f"{b.tooltip or b.description} ({keys})", partial(self._run, entry)

    async def _run(self, entry) -> None:
        app = self.app
        screen = app.screen
        if entry.target == "":
            await app.run_action(entry.binding.action)
            return
        if entry.target == "*focused":
            widget = screen.focused if isinstance(screen.focused, RowView) else None
            if widget is None:
                widget = screen.query_one("#library-list")
        else:
            widget = screen.query_one(entry.target)
        if widget.can_focus:
            widget.focus()
        else:
            inner = widget.query(RowView)
            if inner:
                inner.first().focus()
        await app.run_action(entry.binding.action, widget)

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
