"""The footer of key hints, which never shows a hint cut in the middle of a word."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """Textual's footer, but the hints that do not fit whole are hidden (from the last) rather
    than cut at the edge (``f State fi``): every key is still in the help screen (``?``) and
    the command palette, which keeps its place at the right."""

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        for key in self._hints():
            key.display = True
        self.call_after_refresh(self._fit)

    def _hints(self) -> list[FooterKey]:
        return [
            child
            for child in self.children
            if isinstance(child, FooterKey) and not child.has_class("-command-palette")
        ]

    def _fit(self) -> None:
        if not self.is_attached:
            return
        right = self.region.right
        for palette in self.query(".-command-palette"):
            right = min(right, palette.region.x)
        hidden = False
        for key in self._hints():
            if hidden or key.region.right + key.styles.margin.right > right:
                hidden = True
                key.display = False
