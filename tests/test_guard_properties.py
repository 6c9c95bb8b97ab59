"""Property test of the dedup guard: random lives of a small library, checked after every step.

A stateful machine grabs movies, single episodes, multi-episode releases and season packs (with
info-hashes drawn from a small pool, so that the same torrent comes back), moves downloads
through active states, fails, removes and imports them (real files under a library root in a
temporary folder, with their ``media_file`` / ``file_episode`` rows), deletes files (from disk,
from the database, or both) and blocklists hashes. Each example runs on its own SQLite file.

The model predicts every grab's outcome independently of the guard's code, and after every step
the database must show:

* no film, episode or season held by two active downloads (read from the downloads' states
  and the episodes their units name, and from ``download_unit.active_unit``), and
  ``download_unit`` holding exactly the units of the active downloads;
* no grab accepted while a file for any part of its target was on disk.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from mydia_tui import guard as guard_mod
from mydia_tui.db import open_database
from mydia_tui.deluge import AddResult
from mydia_tui.guard import AmbiguousClientError, GrabRequest, Guard
from mydia_tui.library import (
    add_movie,
    add_show,
    episodes_target,
    manual_episodes,
    movie_target,
    season_target,
)
from mydia_tui.lifecycle import finish
from mydia_tui.models import (
    ACTIVE_STATES,
    Download,
    DownloadUnit,
    Episode,
    FileEpisode,
    LibraryRoot,
    MediaFile,
)
from mydia_tui.refusals import Reason

SEASONS = {1: 3, 2: 3}
MOVIES = (("Alpha", 2001), ("Bravo", 2002), ("Charlie", 2003))
HASHES = tuple(hashlib.sha1(f"release-{i}".encode()).hexdigest() for i in range(8))
#: active states a running download moves through (none of them frees its target)
PROGRESS_STATES = ("queued", "downloading", "seeding", "completed", "import_failed", "unknown")


# -- what a grab is for, as the strategy draws it --------------------------------------------

movie_spec = st.tuples(st.just("movie"), st.integers(0, len(MOVIES) - 1))
episode_spec = st.tuples(st.just("episode"), st.sampled_from(sorted(SEASONS)), st.integers(1, 3))
multi_spec = st.sampled_from(sorted(SEASONS)).flatmap(
    lambda s: st.integers(1, SEASONS[s] - 1).flatmap(
        lambda start: st.tuples(
            st.just("multi"), st.just(s), st.just(start), st.integers(2, SEASONS[s] - start + 1)
        )
    )
)
season_spec = st.tuples(st.just("season"), st.sampled_from(sorted(SEASONS)))
target_spec = st.one_of(movie_spec, episode_spec, multi_spec, season_spec)


@dataclass
class ModelDownload:
    id: int
    kind: str
    #: claim units, as the schema documents them (m:ID, e:ID, s:SHOW:N)
    units: frozenset[str]
    #: what it would put on disk: m:ID / e:ID
    content: frozenset[str]
    info_hash: str
    state: str
    #: the episodes it covers (season, number), for file names
    episodes: tuple[tuple[int, int], ...] = ()
    movie: int | None = None


@dataclass
class ModelFile:
    path: Path
    content: frozenset[str]
    file_id: int
    on_disk: bool = True
    has_rows: bool = True


@dataclass
class Planned:
    kind: str
    units: frozenset[str]
    content: frozenset[str]
    #: units whose being held blocks this target (its own + the seasons of its episodes)
    blocking: frozenset[str]
    episodes: tuple[tuple[int, int], ...] = ()
    movie: int | None = None
    target: object = field(default=None, repr=False)


class GuardMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="guardprop-"))
        self.db = open_database(str(self.tmp / "library.sqlite3"))
        self.guard = Guard(claimed_by="property-test")
        self.downloads: dict[int, ModelDownload] = {}
        self.files: dict[Path, ModelFile] = {}
        self.blocked: set[str] = set()
        self.accepted = 0

    @initialize()
    def library(self) -> None:
        movies_root = self.tmp / "movies"
        shows_root = self.tmp / "shows"
        movies_root.mkdir()
        shows_root.mkdir()
        self.movies_root = LibraryRoot.create(path=str(movies_root), kind="movies")
        self.shows_root = LibraryRoot.create(path=str(shows_root), kind="shows")
        self.movies = [add_movie(title, year) for title, year in MOVIES]
        self.show = add_show("Test Show", manual_episodes(SEASONS))
        self.episode_ids = {
            (e.season, e.number): e.id for e in Episode.select().where(Episode.show == self.show.id)
        }

    def teardown(self) -> None:
        self.db.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the model's view of targets -------------------------------------------------------

    def plan(self, spec: tuple) -> Planned:
        kind = spec[0]
        if kind == "movie":
            movie = self.movies[spec[1]]
            units = frozenset({f"m:{movie.id}"})
            return Planned("movie", units, units, units, movie=spec[1])
        if kind == "season":
            season = spec[1]
            eps = tuple((season, n) for n in range(1, SEASONS[season] + 1))
            content = frozenset(f"e:{self.episode_ids[e]}" for e in eps)
            units = content | {f"s:{self.show.id}:{season}"}
            return Planned("season", units, content, units, episodes=eps)
        if kind == "episode":
            eps = ((spec[1], spec[2]),)
        else:
            _, season, start, count = spec
            eps = tuple((season, n) for n in range(start, start + count))
        content = frozenset(f"e:{self.episode_ids[e]}" for e in eps)
        seasons = frozenset(f"s:{self.show.id}:{s}" for s, _ in eps)
        return Planned("episodes", content, content, content | seasons, episodes=eps)

    def target_of(self, planned: Planned):
        if planned.kind == "movie":
            return movie_target(self.movies[planned.movie].id)
        if planned.kind == "season":
            return season_target(self.show.id, planned.episodes[0][0])
        return episodes_target([self.episode_ids[e] for e in planned.episodes])

    def active(self) -> list[ModelDownload]:
        return [d for d in self.downloads.values() if d.state in ACTIVE_STATES]

    def content_on_disk(self) -> set[str]:
        return {c for f in self.files.values() if f.on_disk for c in f.content}

    def predict(self, planned: Planned, info_hash: str) -> str:
        if planned.content & self.content_on_disk():
            return Reason.ALREADY_ON_DISK
        if any(planned.blocking & d.units for d in self.active()):
            return Reason.IN_FLIGHT
        if any(
            d.info_hash == info_hash and (d.state in ACTIVE_STATES or d.state == "imported")
            for d in self.downloads.values()
        ):
            return Reason.SAME_TORRENT
        if info_hash in self.blocked:
            return Reason.BLOCKLISTED
        return ""

    # -- rules -----------------------------------------------------------------------------

    @rule(
        spec=target_spec,
        hash_index=st.integers(0, len(HASHES) - 1),
        upper=st.booleans(),
        answer=st.sampled_from(("added", "added", "added", "present", "error", "ambiguous")),
    )
    def grab(self, spec, hash_index, upper, answer) -> None:
        self._grab(spec, hash_index, upper, answer)

    @precondition(lambda self: self.files)
    @rule(
        data=st.data(),
        hash_index=st.integers(0, len(HASHES) - 1),
        answer=st.sampled_from(("added", "error", "ambiguous")),
    )
    def grab_something_imported(self, data, hash_index, answer) -> None:
        """Aim at what has (or had) a file: the cases a blind random walk rarely reaches."""
        f = data.draw(st.sampled_from(sorted(self.files.values(), key=lambda f: f.path)))
        unit = sorted(f.content)[0]
        if unit.startswith("m:"):
            spec = ("movie", [m.id for m in self.movies].index(int(unit[2:])))
        else:
            season, number = next(k for k, v in self.episode_ids.items() if f"e:{v}" == unit)
            spec = data.draw(
                st.sampled_from(
                    [("episode", season, number), ("season", season)]
                    + [
                        ("multi", season, start, count)
                        for start in range(1, number + 1)
                        for count in range(2, SEASONS[season] - start + 2)
                        if start + count > number
                    ]
                ),
                label="target",
            )
        self._grab(spec, hash_index, False, answer)

    def _grab(self, spec, hash_index, upper, answer) -> None:
        planned = self.plan(spec)
        info_hash = HASHES[hash_index]
        expected = self.predict(planned, info_hash)
        on_disk_now = any(
            f.path.exists() for f in self.files.values() if f.content & planned.content
        )

        def send() -> AddResult:
            if answer == "error":
                raise ConnectionRefusedError("client refused the connection")
            if answer == "ambiguous":
                raise AmbiguousClientError("timed out waiting for the client")
            return AddResult(info_hash, already_present=answer == "present")

        target = self.target_of(planned)
        release = GrabRequest(info_hash.upper() if upper else info_hash, f"release {spec}")
        preview = self.guard.check(target, release)
        outcome = self.guard.grab(target, release, send)
        event(f"grab {planned.kind}: {outcome.reason or 'accepted'}")

        assert (preview.reason if preview else "") == expected, (spec, preview, expected)
        if outcome.accepted:
            assert not on_disk_now, f"accepted {spec} while a file for it is on disk"
        if expected:
            assert outcome.refused and outcome.reason == expected, (spec, outcome, expected)
            return
        assert outcome.download_id is not None
        if answer == "error":
            assert outcome.refused and outcome.reason == Reason.CLIENT_ERROR
            state = "failed"
        else:
            assert outcome.accepted, (spec, outcome)
            assert outcome.pending == (answer == "ambiguous")
            assert outcome.adopted == (answer == "present")
            state = "sending" if answer == "ambiguous" else "queued"
            self.accepted += 1
        self.downloads[outcome.download_id] = ModelDownload(
            outcome.download_id,
            planned.kind,
            planned.units,
            planned.content,
            info_hash,
            state,
            planned.episodes,
            planned.movie,
        )

    @precondition(lambda self: self.active())
    @rule(data=st.data(), state=st.sampled_from(PROGRESS_STATES))
    def progress(self, data, state) -> None:
        d = data.draw(st.sampled_from(self.active()), label="download")
        Download.update(state=state).where(Download.id == d.id).execute()
        d.state = state

    @precondition(lambda self: self.active())
    @rule(data=st.data(), final=st.sampled_from(("failed", "removed")))
    def end(self, data, final) -> None:
        d = data.draw(st.sampled_from(self.active()), label="download")
        assert finish(d.id, final, error="broken" if final == "failed" else None)
        d.state = final

    @precondition(
        lambda self: (
            self.downloads and any(d.state not in ACTIVE_STATES for d in self.downloads.values())
        )
    )
    @rule(data=st.data(), final=st.sampled_from(("failed", "removed", "imported")))
    def end_again(self, data, final) -> None:
        """Ending a download that has already ended changes nothing."""
        ended = [d for d in self.downloads.values() if d.state not in ACTIVE_STATES]
        d = data.draw(st.sampled_from(ended), label="download")
        assert not finish(d.id, final)
        assert Download.get_by_id(d.id).state == d.state

    @precondition(lambda self: self.active())
    @rule(data=st.data())
    def import_files(self, data) -> None:
        d = data.draw(st.sampled_from(self.active()), label="download")
        if d.kind == "movie":
            title, year = MOVIES[d.movie]
            rel = f"{title} ({year})/{title} ({year}) [{d.id}].mkv"
            self._add_file(self.movies_root, rel, movie=self.movies[d.movie].id)
        elif d.kind == "episodes":
            self._add_episode_file(d.id, d.episodes)
        else:
            # a season pack may import only some of its episodes (partial packs)
            chosen = data.draw(
                st.lists(st.sampled_from(d.episodes), min_size=1, unique=True), label="imported"
            )
            for ep in sorted(chosen):
                self._add_episode_file(d.id, (ep,))
        assert finish(d.id, "imported")
        d.state = "imported"

    def _add_episode_file(self, download_id: int, eps: tuple[tuple[int, int], ...]) -> None:
        season = eps[0][0]
        tag = f"S{season:02d}" + "".join(f"E{n:02d}" for _, n in eps)
        rel = f"Test Show/Season {season:02d}/Test Show - {tag} [{download_id}].mkv"
        ids = [self.episode_ids[e] for e in eps]
        self._add_file(self.shows_root, rel, episodes=ids)

    def _add_file(self, root, rel, *, movie=None, episodes=()) -> None:
        path = Path(root.path) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\0" * 16)
        f = MediaFile.create(
            root=root, path=rel, movie=movie, episode=episodes[0] if episodes else None
        )
        for e in episodes:
            FileEpisode.create(file=f, episode=e)
        content = frozenset({f"m:{movie}"} if movie else {f"e:{e}" for e in episodes})
        self.files[path] = ModelFile(path, content, f.id)

    @precondition(lambda self: any(f.on_disk or f.has_rows for f in self.files.values()))
    @rule(data=st.data(), where=st.sampled_from(("disk", "rows", "both")))
    def delete_file(self, data, where) -> None:
        candidates = [f for f in self.files.values() if f.on_disk or f.has_rows]
        f = data.draw(st.sampled_from(candidates), label="file")
        if where in ("disk", "both") and f.on_disk:
            f.path.unlink()
            f.on_disk = False
        if where in ("rows", "both") and f.has_rows:
            FileEpisode.delete().where(FileEpisode.file == f.file_id).execute()
            MediaFile.delete().where(MediaFile.id == f.file_id).execute()
            f.has_rows = False

    @rule(hash_index=st.integers(0, 2))
    def blocklist_hash(self, hash_index) -> None:
        guard_mod.blocklist(info_hash=HASHES[hash_index], title="bad", reason="fake")
        self.blocked.add(HASHES[hash_index])

    # -- invariants, checked after every step ------------------------------------------------

    @invariant()
    def states_match_the_model(self) -> None:
        rows = dict(Download.select(Download.id, Download.state).tuples())
        assert rows == {d.id: d.state for d in self.downloads.values()}

    @invariant()
    def nothing_is_held_twice(self) -> None:
        active = Download.state.in_(ACTIVE_STATES)
        episodes = Counter(
            e
            for (e,) in DownloadUnit.select(DownloadUnit.episode)
            .join(Download)
            .where(active & DownloadUnit.episode.is_null(False))
            .tuples()
        )
        assert not [e for e, n in episodes.items() if n > 1], episodes
        movies = Counter(
            i
            for (i,) in Download.select(Download.item)
            .where(active & (Download.kind == "movie"))
            .tuples()
        )
        assert not [m for m, n in movies.items() if n > 1], movies
        seasons = Counter(
            Download.select(Download.item, Download.season)
            .where(active & (Download.kind == "season"))
            .tuples()
        )
        assert not [s for s, n in seasons.items() if n > 1], seasons

    @invariant()
    def claim_table_holds_exactly_the_active_units(self) -> None:
        held = dict(
            DownloadUnit.select(DownloadUnit.active_unit, DownloadUnit.download)
            .where(DownloadUnit.active_unit.is_null(False))
            .tuples()
        )
        expected = {u: d.id for d in self.active() for u in d.units}
        assert held == expected
        # every unit a download ever held is recorded, active or not
        recorded = Counter(DownloadUnit.select(DownloadUnit.download).tuples())
        assert {d: n for (d,), n in recorded.items()} == {
            d.id: len(d.units) for d in self.downloads.values()
        }


GuardMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestGuardLife = GuardMachine.TestCase
