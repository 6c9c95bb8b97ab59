"""The app as ``mydia-tui`` opens it, with what it runs on: one Deluge client shared by the
background monitor and the services behind the app's actions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..config import Config
from .app import MydiaApp


@contextmanager
def tui_app(config: Config, config_path: str | None) -> Iterator[MydiaApp]:
    """The app as ``mydia-tui`` opens it (``demo`` too): its monitor and services share one
    Deluge client, closed when the block ends. The library must be open already."""
    from ..deluge import DelugeClient
    from ..monitor.engine import Monitor
    from ..services import Services

    client = DelugeClient(config.deluge)
    try:
        yield MydiaApp(
            config=config,
            config_path=config_path,
            monitor_factory=lambda: Monitor(config, client=client),
            services=Services(config, client),
        )
    finally:
        client.close()
