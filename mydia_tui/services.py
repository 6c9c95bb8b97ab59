"""What the TUI asks of the core on the user's behalf: pause, resume or remove a torrent, and
search an item now and grab the best release (through the dedup guard, like every grab).

Every method blocks (the TUI calls them in thread workers) and raises :class:`MydiaError` with a
message a person can read when it cannot do what was asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import history
from .config import Config
from .deluge import DelugeClient
from .errors import MydiaError
from .guard import finish
from .models import ACTIVE_STATES, Download


@dataclass(frozen=True)
class ReleaseChoice:
    """One release of an interactive search, for the user to pick (accepted or not)."""

    item_id: int
    season: int | None
    episode: int | None
    title: str
    indexer: str
    quality: str
    size: int | None
    seeders: int | None
    #: why the release does not fit the item ("" when it does); the guard still decides
    rejection: str
    #: the search decision behind it (for grab)
    decision: Any


class Services:
    def __init__(self, config: Config, client: DelugeClient | None = None, monitor=None) -> None:
        self.config = config
        self.client = client or DelugeClient(config.deluge)
        #: a Monitor, for its guard-backed grabber (one is made when none is given)
        self._monitor = monitor

    @property
    def monitor(self):
        if self._monitor is None:
            from .monitor.engine import Monitor

            self._monitor = Monitor(self.config, client=self.client)
        return self._monitor

    def pause(self, info_hash: str) -> None:
        self.client.pause([info_hash])

    def resume(self, info_hash: str) -> None:
        self.client.resume([info_hash])

    def remove(self, info_hash: str, delete_data: bool = False) -> None:
        """Remove the torrent from Deluge (and its data when asked); an active download of it
        ends as removed and its target becomes wanted again."""
        self.client.remove(info_hash, delete_data=delete_data)
        for d in Download.select().where(
            (Download.info_hash == info_hash) & Download.state.in_(ACTIVE_STATES)
        ):
            if finish(d.id, "removed", error="removed by the user"):
                what = "with its data" if delete_data else "keeping its data"
                history.record(
                    "removed",
                    f"{d.title} removed by the user ({what})",
                    item=d.item_id,
                    download=d.id,
                )

    def retry_import(self, info_hash: str) -> int:
        """Give a download whose import gave up another go (the monitor imports it next poll)."""
        from .monitor.importer import retry_import

        ids = [d.id for d in Download.select(Download.id).where(Download.info_hash == info_hash)]
        done = sum(retry_import(i) for i in ids)
        if not done:
            raise MydiaError("no download of that torrent is waiting for an import retry")
        return done

    def releases(
        self, item_id: int, season: int | None = None, episode: int | None = None
    ) -> list[ReleaseChoice]:
        """Interactive search: the candidates best first, then the refused ones with why."""
        from .searching import search, target_for

        target = target_for(item_id, season, episode)
        outcome = search(self.config, target)
        out = []
        for d in (*outcome.candidates, *outcome.rejected):
            rejection = "" if d.accepted else f"{d.reason_code}: {d.message}"
            r = d.release
            out.append(
                ReleaseChoice(
                    item_id,
                    season,
                    episode,
                    r.title,
                    r.indexer,
                    d.quality,
                    r.size,
                    r.seeders,
                    rejection,
                    d,
                )
            )
        return out

    def grab(self, choice: ReleaseChoice) -> str:
        """Grab the release the user picked, through the guard; raises when it is refused."""
        from .searching import target_for

        target = target_for(choice.item_id, choice.season, choice.episode)
        outcome = self.monitor.grab_candidate(target, choice.decision)
        if not outcome.accepted:
            raise MydiaError(
                f"{choice.title} was not grabbed ({outcome.reason}): {outcome.message}"
            )
        return outcome.message

    def search(self, item_id: int, season: int | None = None, episode: int | None = None) -> str:
        """Search now and grab the best acceptable release; raises when nothing was grabbed."""
        from .searching import target_for

        target = target_for(item_id, season, episode)
        result = self.monitor.searcher(target)
        if not result.candidates:
            raise MydiaError(f"nothing acceptable found for {target.label()} (see its history)")
        outcome = None
        for candidate in result.candidates:
            outcome = self.monitor.grab_candidate(target, candidate)
            if outcome.accepted or outcome.reason not in (
                "same_torrent",
                "blocklisted",
                "bad_release",
            ):
                break
        if outcome is None or not outcome.accepted:
            raise MydiaError(
                f"{target.label()}: {outcome.message if outcome else 'nothing grabbed'}"
            )
        return outcome.message
