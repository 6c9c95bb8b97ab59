"""The app as ``mydia-tui`` opens it, with what it runs on: one Deluge client shared by the
background monitor and the services behind the app's actions.

Nothing of the monitor (the Deluge client, the engine, the indexers, httpx: about 300 ms of
imports) is loaded before the first screen is drawn: :class:`CoreParts` loads it on first use,
which is the monitor's worker thread starting after the first paint, or a user's action."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..config import Config
from .app import MydiaApp

if TYPE_CHECKING:
    from ..deluge import DelugeClient
    from ..monitor.engine import Monitor
    from ..services import Services


class CoreParts:
    """The Deluge client, the services and monitors built on it, made when first asked for
    (from any thread; one client for all), closed by :meth:`close`."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._client: DelugeClient | None = None
        self._services: Services | None = None

    def client(self) -> DelugeClient:
        with self._lock:
            if self._client is None:
                from ..deluge import DelugeClient

                self._client = DelugeClient(self.config.deluge)
            return self._client

    def services(self) -> Services:
        client = self.client()
        with self._lock:
            if self._services is None:
                from ..services import Services

                self._services = Services(self.config, client)
            return self._services

    def monitor(self) -> Monitor:
        client = self.client()
        from ..monitor.engine import Monitor

        return Monitor(self.config, client=client)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()


class LazyServices:
    """The app's services (:class:`mydia_tui.services.AppServices`), loaded on the first call;
    the app calls them in thread workers, so the loading never holds up a key press."""

    def __init__(self, parts: CoreParts) -> None:
        self._parts = parts

    def loaded(self) -> Services:
        """The real services (loaded now if they were not)."""
        return self._parts.services()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parts.services(), name)


@contextmanager
def tui_app(config: Config, config_path: str | None) -> Iterator[MydiaApp]:
    """The app as ``mydia-tui`` opens it (``demo`` too): its monitor and services share one
    Deluge client, closed when the block ends. The library must be open already."""
    parts = CoreParts(config)
    try:
        yield MydiaApp(
            config=config,
            config_path=config_path,
            monitor_factory=parts.monitor,
            services=LazyServices(parts),  # type: ignore[arg-type]
        )
    finally:
        parts.close()
