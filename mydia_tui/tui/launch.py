"""The app as ``mydia-tui`` opens it, with what it runs on: one Deluge client shared by the
background monitor and the services behind the app's actions, built again for a new
configuration when the settings screen saves one (:class:`Wiring`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..config import Config
from .app import MydiaApp

if TYPE_CHECKING:  # Deluge's client and the monitor: not loaded before the first paint
    from ..deluge import DelugeClient
    from ..monitor.engine import Monitor
    from ..services import Services


class Wiring:
    """The monitor factory and the services for one configuration, sharing one Deluge
    client. :meth:`rewire` closes that client and builds them again for a new configuration
    (the app calls it, in a thread, after the settings screen saved one)."""

    def __init__(self, config: Config) -> None:
        self._build(config)

    def _build(self, config: Config) -> None:
        from ..deluge import DelugeClient
        from ..services import Services

        self.config = config
        self.client: DelugeClient = DelugeClient(config.deluge)
        self.services: Services = Services(config, self.client)

    def monitor(self) -> Monitor:
        """A new monitor on the current configuration and client (the app's factory)."""
        from ..monitor.engine import Monitor

        return Monitor(self.config, client=self.client)

    def rewire(self, config: Config) -> tuple[Callable[[], Monitor], Services]:
        """Build the client and services for ``config``, close the old client; returns
        (the monitor factory, the services). The old monitor must have stopped."""
        old = self.client
        self._build(config)
        old.close()
        return self.monitor, self.services

    def close(self) -> None:
        self.client.close()


@contextmanager
def tui_app(config: Config, config_path: str | None) -> Iterator[MydiaApp]:
    """The app as ``mydia-tui`` opens it (``demo`` too): its monitor and services share one
    Deluge client, closed when the block ends; a configuration saved in the app rebuilds
    them. The library must be open already."""
    wiring = Wiring(config)
    try:
        yield MydiaApp(
            config=config,
            config_path=config_path,
            monitor_factory=wiring.monitor,
            services=wiring.services,
            rewire=wiring.rewire,
        )
    finally:
        wiring.close()
