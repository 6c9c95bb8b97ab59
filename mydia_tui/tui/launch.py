"""The app as ``mydia-tui`` opens it, with what it runs on: one Deluge client shared by the
background monitor and the services behind the app's actions, built again for a new
configuration when the settings screen saves one (:class:`Wiring`).

Nothing of the monitor (the Deluge client, the engine, the indexers, httpx: about 300 ms of
imports) is loaded before the first screen is drawn: :class:`CoreParts` loads it on first use,
which is the monitor's worker thread starting after the first paint, or a user's action."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config import ADD_INDEXER_IN_FILE, CHECK_DELUGE_IN_FILE, Config
from .app import MydiaApp
from .keys import with_keys

if TYPE_CHECKING:  # Deluge's client and the monitor: not loaded before the first paint
    from ..deluge import DelugeClient
    from ..monitor.engine import Monitor
    from ..services import Services


@dataclass(frozen=True)
class Words:
    """How the core's messages name what the user may change: the command line's words (the
    file) by default, the app's (its settings screen and key) once :func:`tui_app` sets them."""

    #: how to add an indexer (:class:`~mydia_tui.services.Services`, ``no_indexers``)
    add_indexer: str = ADD_INDEXER_IN_FILE
    #: what Deluge's errors say to check, ``{keys}`` the settings (:class:`DelugeClient`)
    check_deluge: str = CHECK_DELUGE_IN_FILE


class CoreParts:
    """For one configuration: the Deluge client, and the services and monitors built on it,
    each made when first asked for (from any thread; one client for all), closed by
    :meth:`close`; their messages in ``words``."""

    def __init__(self, config: Config, words: Words = Words()) -> None:
        self.config = config
        self.words = words
        self._lock = threading.Lock()
        self._client: DelugeClient | None = None
        self._services: Services | None = None

    def client(self) -> DelugeClient:
        with self._lock:
            if self._client is None:
                from ..deluge import DelugeClient

                self._client = DelugeClient(
                    self.config.deluge,
                    check=self.words.check_deluge,
                    configured=self.config.deluge_configured,
                )
            return self._client

    def services(self) -> Services:
        client = self.client()
        with self._lock:
            if self._services is None:
                from ..services import Services

                self._services = Services(self.config, client, add_indexer=self.words.add_indexer)
            return self._services

    def monitor(self) -> Monitor:
        """A new monitor on this configuration and client (the app's monitor factory)."""
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


class Wiring:
    """The monitor factory and the services for the current configuration. :meth:`rewire`
    closes the old Deluge client and wires the app anew for a new configuration (the app
    calls it, in a thread, after the settings screen saved one)."""

    def __init__(self, config: Config) -> None:
        self.parts = CoreParts(config)
        self.services = LazyServices(self.parts)

    def monitor(self) -> Monitor:
        """A new monitor on the current configuration and client (the app's factory)."""
        return self.parts.monitor()

    @property
    def words(self) -> Words:
        """How the client's and the services' messages name what the user may change."""
        return self.parts.words

    @words.setter
    def words(self, words: Words) -> None:
        self.parts.words = words

    def rewire(self, config: Config) -> tuple[Callable[[], Monitor], LazyServices]:
        """Wire ``config`` and close the old client; returns (the monitor factory, the
        services). The old monitor must have stopped."""
        old = self.parts
        self.parts = CoreParts(config, old.words)
        self.services = LazyServices(self.parts)
        old.close()
        return self.monitor, self.services

    def close(self) -> None:
        self.parts.close()


@contextmanager
def tui_app(config: Config, config_path: str | None) -> Iterator[MydiaApp]:
    """The app as ``mydia-tui`` opens it (``demo`` too): its monitor and services share one
    Deluge client, closed when the block ends; a configuration saved in the app rebuilds
    them. The library must be open already."""
    wiring = Wiring(config)
    try:
        app = MydiaApp(
            config=config,
            config_path=config_path,
            monitor_factory=wiring.monitor,
            services=wiring.services,  # type: ignore[arg-type]
            rewire=wiring.rewire,  # type: ignore[arg-type]
        )
        # the settings screen, not the file, is where a TUI user adds an indexer and changes
        # Deluge's host, port, user and password (a new user's report: the app's errors sent
        # them to config.toml)
        wiring.words = Words(
            add_indexer=with_keys(app, "{app.settings} opens the settings to add one"),
            check_deluge=with_keys(app, "check Deluge's {keys} in the settings ({app.settings})"),
        )
        yield app
    finally:
        wiring.close()
