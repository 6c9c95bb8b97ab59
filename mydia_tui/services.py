"""What the TUI asks of the core on the user's behalf: pause, resume or remove a torrent, and
search an item now and grab the best release (through the dedup guard, like every grab).

The torrent actions (pause, resume, recheck, queue, remove, blocklist and search) take the
torrent's info-hash and act on the download that holds it now
(:func:`~mydia_tui.lifecycle.torrent_holder`: the TUI shows one row per torrent, its holder).
Given ``download_id`` (the command line names a download), they act only when that download
holds the torrent: an older download of the same torrent (failed or removed before it was
grabbed again) says whose the torrent is now and touches nothing in Deluge.

Every method blocks (the TUI calls them in thread workers). What it did, or why it did nothing
(a refusal by the guard, nothing acceptable found), comes back as a :class:`Done` in the user's
words: that is information, not an error, and the core has already written it to the item's
history. A failure (Deluge unreachable, an unknown item) raises :class:`MydiaError` with a
message a person can read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from . import history
from .config import ADD_INDEXER_IN_FILE, Config, no_indexers, secrets_of
from .deluge import DelugeClient
from .errors import MydiaError
from .grabbing import candidate_grabber
from .guard import Guard, blocklist_download, download_blocklisted
from .lifecycle import paused_by_user, remove_by_user, torrent_holder, torrent_removed_by_user
from .models import ACTIVE_STATES, Download, DownloadUnit, Episode
from .monitor.backlog_search import SearchMonitor, make_searcher
from .units import counted

#: a move in Deluge's queue
QueueMove = Literal["up", "down", "top", "bottom"]
_QUEUE_WORDS = {
    "up": "up in",
    "down": "down in",
    "top": "to the top of",
    "bottom": "to the bottom of",
}


@dataclass(frozen=True)
class Done:
    """What a service call did, for the user: ``severity`` is "information" when it did what
    was asked and "warning" when it did nothing (refused, nothing found, nothing to do)."""

    message: str
    severity: Literal["information", "warning"] = "information"


class AppServices(Protocol):
    """What the TUI may ask of the core: :class:`Services` is the real one, which every face
    shares; a test may pass a fake with the same methods."""

    def pause(self, info_hash: str, *, download_id: int | None = None) -> Done: ...
    def resume(self, info_hash: str, *, download_id: int | None = None) -> Done: ...
    def recheck(self, info_hash: str, *, download_id: int | None = None) -> Done: ...
    def queue(self, info_hash: str, move: QueueMove, *, download_id: int | None = None) -> Done: ...
    def remove(
        self,
        info_hash: str,
        delete_data: bool = False,
        blocklisted: bool = False,
        *,
        download_id: int | None = None,
    ) -> Done: ...
    def retry_import(self, info_hash: str) -> Done: ...
    def search(
        self, item_id: int, season: int | None = None, episode: int | None = None
    ) -> Done: ...
    def releases(
        self, item_id: int, season: int | None = None, episode: int | None = None
    ) -> list[ReleaseChoice]: ...
    def grab(self, choice: ReleaseChoice) -> Done: ...
    def blocklist_and_search(
        self, info_hash: str, delete_data: bool = True, *, download_id: int | None = None
    ) -> Done: ...


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
    #: the quality of the file on disk when the item has one: the release is an upgrade from
    #: it (to ``quality``); "" when nothing is on disk
    upgrade_from: str = ""


class Services:
    def __init__(
        self,
        config: Config,
        client: DelugeClient | None = None,
        *,
        add_indexer: str = ADD_INDEXER_IN_FILE,
    ) -> None:
        """Every grab, the services' included, goes through
        :func:`mydia_tui.grabbing.grab_release`; "search now" runs on a search monitor of the
        services' own (:attr:`search_monitor`), made on first use. ``add_indexer`` says how
        to add an indexer when none is configured, in the words of the face (the TUI names its
        settings' key)."""
        self.config = config
        self.add_indexer = add_indexer
        self.client = client or DelugeClient(config.deluge, configured=config.deluge_configured)
        #: the one grab path, for a candidate the user picked or a search found
        self._grab = candidate_grabber(
            self.client, guard=Guard(quality=config.quality), secrets=secrets_of(config)
        )
        self._search_monitor: SearchMonitor | None = None

    @property
    def search_monitor(self) -> SearchMonitor:
        """The search monitor behind "search now" (the same search, grab and fallback as the
        background monitor's cycles)."""
        if self._search_monitor is None:
            self._search_monitor = SearchMonitor(
                self.config, make_searcher(self.config, manual=True), self._grab
            )
        return self._search_monitor

    def pause(self, info_hash: str, *, download_id: int | None = None) -> Done:
        title = _holder_title(info_hash, download_id)
        self.client.pause([info_hash])
        paused_by_user(info_hash)  # so the monitor does not take it for Deluge's own pause
        return Done(f"paused {title}")

    def resume(self, info_hash: str, *, download_id: int | None = None) -> Done:
        title = _holder_title(info_hash, download_id)
        self.client.resume([info_hash])
        return Done(f"resumed {title}")

    def recheck(self, info_hash: str, *, download_id: int | None = None) -> Done:
        """Ask Deluge to check the torrent's data again (the poll follows its state)."""
        title = _holder_title(info_hash, download_id)
        self.client.recheck([info_hash])
        return Done(f"rechecking {title}")

    def queue(self, info_hash: str, move: QueueMove, *, download_id: int | None = None) -> Done:
        """Move the torrent in Deluge's queue: one place ``up`` or ``down``, or to the ``top``
        or ``bottom``."""
        title = _holder_title(info_hash, download_id)
        getattr(self.client, f"queue_{move}")([info_hash])
        return Done(f"moved {title} {_QUEUE_WORDS[move]} Deluge's queue")

    def remove(
        self,
        info_hash: str,
        delete_data: bool = False,
        blocklisted: bool = False,
        *,
        download_id: int | None = None,
    ) -> Done:
        """Remove the torrent from Deluge (and its data when ``delete_data``); its active
        download ends as removed and its target becomes wanted again. With ``blocklisted`` the
        release also goes on the blocklist, so that no search grabs it again and another
        release is looked for. A torrent already gone from Deluge is not an error. A download
        whose removal is already on record (and, with ``blocklisted``, its release on the
        blocklist) is left as it is: a warning says so. So is a ``download_id`` that does not
        hold the torrent now (:func:`_not_the_holder`): nothing is removed or recorded.

        Raises :class:`MydiaError` when the download is being imported (removing its files
        then would lose the import) or Deluge cannot be reached (then nothing is changed)."""
        return self._remove(
            info_hash, delete_data=delete_data, blocklisted=blocklisted, download_id=download_id
        )[0]

    def _remove(
        self, info_hash: str, *, delete_data: bool, blocklisted: bool, download_id: int | None
    ) -> tuple[Done, bool]:
        """:meth:`remove`, and whether it changed anything (False: it was already removed, or
        the torrent is another download's)."""
        holder = torrent_holder(info_hash)
        if download_id is not None and (holder is None or holder.id != download_id):
            return _not_the_holder(download_id, holder, blocklisted), False
        active = [holder] if holder is not None and holder.state in ACTIVE_STATES else []
        if any(d.state == "importing" for d in active):
            raise MydiaError(
                f"{active[0].title} is being imported right now: remove it once it is imported"
            )
        latest = [holder] if holder is not None and not active else []
        ended = latest[0] if latest else None
        # a finished or failed download's removal is recorded once (a new user's report: a
        # second "blocklist and search again" on a failed row, which stays failed, recorded
        # a second removal and searched again)
        newly_blocklisted = blocklisted and not (ended and download_blocklisted(ended))
        if ended and ended.removed_at is not None and not newly_blocklisted:
            return _already_removed(ended, blocklisted), False
        in_client = self.client.remove(info_hash, delete_data=delete_data)
        if blocklisted:
            for d in active or latest:
                blocklist_download(d, "removed by the user")
        what = removal_words(delete_data=delete_data, blocklisted=blocklisted)
        for d in active:
            if remove_by_user(d.id):
                history.record(
                    "removed",
                    f"{d.title} removed by the user ({what}); the target is wanted again",
                    item=d.item_id,
                    download=d.id,
                )
        if ended:
            # a finished or failed download's torrent: its state stays what it was, but the
            # removal is on record (a new user's report: "blocklist and search again" on a
            # failed download left no trace of the removal in the history)
            first = torrent_removed_by_user(ended.id)
            if not (first or newly_blocklisted):  # another removal was recorded meanwhile
                return _already_removed(ended, blocklisted), False
            if in_client or blocklisted:
                history.record(
                    "removed",
                    f"{ended.title} removed by the user ({what})",
                    item=ended.item_id,
                    download=ended.id,
                )
        title = holder.title if holder is not None else info_hash
        gone = "" if in_client else " (it was no longer in Deluge)"
        again = "; another release will be searched" if blocklisted and active else ""
        return Done(f"removed {title} ({what}){gone}{again}"), True

    def blocklist_and_search(
        self, info_hash: str, delete_data: bool = True, *, download_id: int | None = None
    ) -> Done:
        """Sonarr's "blocklist and search again" for a download that failed (or stalled):
        remove its torrent from Deluge (with its data when ``delete_data``), put its release on
        the blocklist (:meth:`remove` with ``blocklisted``), then search its target again now
        (:meth:`search`: a film, its season, its episode, or the seasons of its episodes), so
        another release is grabbed through the guard, which refuses the blocklisted one.

        Returns one :class:`Done` saying both (a warning when the search grabbed nothing).
        A download already removed and blocklisted is left as it is and nothing is searched
        (a warning says so). Raises :class:`MydiaError` for an info-hash no download has, or
        as :meth:`remove` does (then nothing is searched)."""
        download = torrent_holder(info_hash)
        if download is None:
            raise MydiaError(f"no download of torrent {info_hash} (see mydia-tui downloads --all)")
        removed, changed = self._remove(
            info_hash, delete_data=delete_data, blocklisted=True, download_id=download_id
        )
        if not changed:
            return removed
        removed_text = removed.message.removesuffix("; another release will be searched")
        found = [self.search(*where) for where in _search_targets(download)]
        severity: Literal["information", "warning"] = (
            "information" if any(f.severity == "information" for f in found) else "warning"
        )
        return Done("; ".join([removed_text, *(f.message for f in found)]), severity)

    def retry_import(self, info_hash: str) -> Done:
        """Give a download whose import gave up another go (the monitor imports it next poll)."""
        from .monitor.importer import retry_import

        ids = [d.id for d in Download.select(Download.id).where(Download.info_hash == info_hash)]
        done = sum(retry_import(i) for i in ids)
        if not done:
            return Done("no download of that torrent is waiting for an import retry", "warning")
        return Done(f"{_holder_title(info_hash)} will be imported again at the next poll")

    def releases(
        self, item_id: int, season: int | None = None, episode: int | None = None
    ) -> list[ReleaseChoice]:
        """Interactive search: the candidates best first, then the refused ones with why.
        Raises :class:`MydiaError` for a show without a season (a usage error), when no
        indexer is configured, or when no indexer answered (the screen says why: each indexer's
        failure in one line, :func:`~mydia_tui.indexers.health.failing_line`)."""
        from .item_search import search, target_for

        if not self.config.enabled_indexers:
            raise MydiaError(no_indexers(self.add_indexer))
        target = target_for(item_id, season, episode)
        outcome = search(self.config, target, manual=True)
        if outcome.errors and not outcome.candidates and not outcome.rejected:
            # "demo-feed is failing (connection refused); retried at 11:21 UTC", one per indexer
            raise MydiaError("; ".join(r.line or r.message for r in outcome.errors))
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
                    outcome.upgrade_from or "",
                )
            )
        return out

    def grab(self, choice: ReleaseChoice) -> Done:
        """Grab the release the user picked, through the guard (a refusal is a warning)."""
        from .item_search import target_for

        target = target_for(choice.item_id, choice.season, choice.episode)
        outcome = self._grab(target, choice.decision)
        if not outcome.accepted:
            # the release named once: the refusal may name it already (the same torrent)
            if choice.title in outcome.message:
                return Done(f"not grabbed: {outcome.message}", "warning")
            return Done(f"{choice.title} was not grabbed: {outcome.message}", "warning")
        but = f"; {outcome.warning}" if outcome.warning else ""  # a label Deluge refused
        return Done(f"grabbed {choice.title} for {target.label()}{but}")

    def search(self, item_id: int, season: int | None = None, episode: int | None = None) -> Done:
        """Search now and grab the best acceptable release: for a film, an episode, a season
        (its pack, then its wanted episodes) or what is wanted in a whole show; see
        :meth:`~mydia_tui.monitor.backlog_search.SearchMonitor.search_now`."""
        from .library import get_item

        if not self.config.enabled_indexers:
            return Done(no_indexers(self.add_indexer), "warning")
        report = self.search_monitor.search_now(item_id, season, episode)
        if report.grabbed:
            lines = [
                f"grabbed {report.grabbed_titles[label]} for {label}" for label in report.grabbed
            ]
            return Done("; ".join(lines))
        parts = [*report.refused, *report.failed]
        parts += [f"nothing acceptable found for {label}" for label in report.empty]
        parts += [f"{label} is being searched by the monitor right now" for label in report.busy]
        if not parts:
            item = get_item(item_id)
            where = f"{item.title} season {season}" if season is not None else item.title
            parts = [
                f"nothing is wanted in {where}: every aired, monitored episode is on disk or "
                "downloading"
            ]
        return Done("; ".join(_unique(parts)), "warning")


def removal_words(*, delete_data: bool, blocklisted: bool, several: bool = False) -> str:
    """What a removal did with the data and the blocklist, for its message: "with its data,
    blocklisted", "keeping the data, not blocklisted" (``several``: of a bulk action)."""
    its = "the" if several else "its"
    data = f"with {its} data" if delete_data else f"keeping {its} data"
    return f"{data}, {'blocklisted' if blocklisted else 'not blocklisted'}"


def for_each(
    info_hashes: Sequence[str], act: Callable[[str], Done], verb: str, how: str = ""
) -> Done:
    """Run ``act`` (a :class:`Services` method on one info-hash) on each torrent of a bulk
    action, in order; one torrent's failure does not stop the others. ``verb`` says what was
    done ("paused"). One torrent: its own :class:`Done`. Several: "paused 3 downloads", with
    the failures after it (then a warning); ``how`` (as "with the data, blocklisted")
    follows the count in brackets. A torrent whose answer is a warning (nothing done: "was
    already removed") is said after it and not counted. Raises :class:`MydiaError` when
    every one failed (its message lists them)."""
    if len(info_hashes) == 1:
        return act(info_hashes[0])
    done: list[Done] = []
    failed: list[str] = []
    for info_hash in info_hashes:
        try:
            done.append(act(info_hash))
        except MydiaError as exc:
            failed.append(str(exc))
    if not done and failed:
        raise MydiaError("; ".join(_unique(failed)))
    warnings = [d.message for d in done if d.severity == "warning"]
    acted = len(done) - len(warnings)
    text = f"{verb} {counted(acted, 'download')}" + (f" ({how})" if how else "")
    if failed or warnings:
        said = _unique(failed + warnings)
        return Done("; ".join([text, *said] if acted else said), "warning")
    return Done(text)


def _search_targets(d: Download) -> list[tuple[int, int | None, int | None]]:
    """What a download was for, as :meth:`Services.search` arguments: (item, season,
    episode) for a film, a season pack, one episode, or each season of several episodes."""
    if d.kind == "movie":
        return [(d.item_id, None, None)]
    if d.kind == "season":
        return [(d.item_id, d.season, None)]
    episodes = list(
        Episode.select(Episode.season, Episode.number)
        .join(DownloadUnit, on=(DownloadUnit.episode == Episode.id))
        .where(DownloadUnit.download == d.id)
        .distinct()
    )
    if len(episodes) == 1:
        return [(d.item_id, episodes[0].season, episodes[0].number)]
    seasons = sorted({e.season for e in episodes})
    return [(d.item_id, s, None) for s in seasons] or [(d.item_id, None, None)]


def _already_removed(d: Download, blocklisted: bool) -> Done:
    """The answer to removing a download whose removal is already on record: nothing done."""
    what = "removed and blocklisted" if blocklisted else "removed"
    return Done(f"{d.title} was already {what}: nothing done", "warning")


def _not_the_holder(download_id: int, holder: Download | None, blocklisted: bool) -> Done:
    """The answer to removing download ``download_id`` when the torrent is not its own now
    (``holder``'s, :func:`~mydia_tui.lifecycle.torrent_holder`): nothing done. A download
    whose removal is on record says it was already removed (README)."""
    asked = Download.get_by_id(download_id)
    if asked.removed_at is not None:
        return _already_removed(asked, blocklisted and download_blocklisted(asked))
    return Done(_held_by(download_id, holder), "warning")


def _held_by(download_id: int, holder: Download | None) -> str:
    """Why an action on download ``download_id`` did nothing: its torrent is ``holder``'s."""
    if holder is None:  # pragma: no cover - a download always has its own info-hash
        return f"download {download_id} holds no torrent: nothing done"
    return (
        f"the torrent of download {download_id} is download {holder.id}'s now "
        f"({holder.title}, {holder.state}): nothing done (act on download {holder.id})"
    )


def _holder_title(info_hash: str, download_id: int | None = None) -> str:
    """The title of the download that holds the torrent (the one an action acts on). Raises :class:`MydiaError` when ``download_id`` is given and is not that download."""
    holder = torrent_holder(info_hash)
    if download_id is not None and (holder is None or holder.id != download_id):
        raise MydiaError(_held_by(download_id, holder))
    return holder.title if holder is not None else info_hash


def _unique(parts: list[str]) -> list[str]:
    return list(dict.fromkeys(parts))
