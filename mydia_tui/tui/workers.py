"""Failures of a pane's or a screen's thread workers reach the user.

Textual posts ``Worker.StateChanged`` to the node that started the worker and does not bubble
it, so a widget's failed read would otherwise vanish: the pane would just stop updating. Every
node that starts workers takes this mixin, which hands the change to the app's one handler
(:meth:`mydia_tui.tui.app.MydiaApp.worker_changed`).
"""

from __future__ import annotations

from textual.worker import Worker


class ReportsWorkerErrors:
    """Mix into a Widget or Screen that runs ``@work`` methods."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        app = getattr(self, "app", None)
        changed = getattr(app, "worker_changed", None)
        if changed is not None:
            changed(event.worker, event.state)
