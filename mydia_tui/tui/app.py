"""The mydia-tui application: global bindings, the main screen, one worker error handler."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from ..config import Config, redact_text, secrets_of
from .screens.main import MainScreen


class MydiaApp(App[None]):
    TITLE = "mydia-tui"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, config: Config | None = None, config_path: str | None = None) -> None:
        super().__init__()
        self.config = config or Config()
        self.config_path = config_path

    def on_mount(self) -> None:
        self.push_screen(MainScreen())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker error reaches the user once, as a notification."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            message = redact_text(str(event.worker.error), secrets_of(self.config))
            self.notify(message, title="Error", severity="error", markup=False)
