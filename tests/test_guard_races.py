"""The guard under real concurrency: threads and processes racing for the same targets, and the
claim table's own constraint, on one SQLite file and on a real PostgreSQL server (every test
runs on both: several monitors sharing one library use PostgreSQL).

Racers use distinct info-hashes, so the only correct refusal is ``in_flight``: exactly one grab
per target wins, and no error (``database is locked``, a deadlock, or any other) may escape a
racer.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import threading
from collections import Counter, defaultdict

import pytest
from guard_race_worker import process_main, race_in_threads, release_for
from peewee import IntegrityError

from mydia_tui.deluge import AddResult
from mydia_tui.guard import GrabRequest, Guard
from mydia_tui.library import (
    add_movie,
    add_show,
    episode_by_number,
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
    History,
    LibraryRoot,
    MediaFile,
    database,
    utcnow,
)
from mydia_tui.refusals import Reason

TARGETS = 50


pytestmark = pytest.mark.both_databases


def _films(n: int = TARGETS) -> list[int]:
    return [add_movie(f"Race Film {i}", 2000 + i % 20).id for i in range(n)]


def _assert_one_winner_each(item_ids: list[int], results: list, errors: list, racers: int):
    assert not errors, "\n".join(errors)
    assert len(results) == racers * len(item_ids)
    by_item: dict[int, list] = defaultdict(list)
    for item_id, accepted, reason, download_id in results:
        by_item[item_id].append((accepted, reason, download_id))
    assert sorted(by_item) == sorted(item_ids)
    for item_id, outcomes in by_item.items():
        winners = [o for o in outcomes if o[0]]
        assert len(winners) == 1, (item_id, outcomes)
        losers = [o for o in outcomes if not o[0]]
        assert {reason for _, reason, _ in losers} == {Reason.IN_FLIGHT}, (item_id, outcomes)
        # every loser names the download that won
        assert {d for _, _, d in losers} == {winners[0][2]}, (item_id, outcomes)

    # and the database agrees: one active download and one held unit per film
    rows = list(Download.select(Download.item, Download.state).tuples())
    assert Counter(item for item, _ in rows) == Counter(item_ids)
    assert {state for _, state in rows} == {"queued"}
    held = set(
        DownloadUnit.select(DownloadUnit.active_unit)
        .where(DownloadUnit.active_unit.is_null(False))
        .tuples()
    )
    assert held == {(f"m:{i}",) for i in item_ids}
    refused = History.select().where(History.event == "refused").count()
    assert refused == (racers - 1) * len(item_ids)


# -- threads -----------------------------------------------------------------------------------


def test_eight_threads_race_for_fifty_films(db):
    item_ids = _films()
    targets = [movie_target(i) for i in item_ids]
    results, errors = race_in_threads(targets, 8, "threads-")
    _assert_one_winner_each(item_ids, results, errors, 8)


# -- processes ---------------------------------------------------------------------------------


def _race_in_processes(
    db_path: str, item_ids: list[int], processes: int, threads: int, upgrades_per_day: int = 0
):
    ctx = multiprocessing.get_context("spawn")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(
            target=process_main,
            args=(str(db_path), item_ids, f"p{n}-", threads, ready, go, out, upgrades_per_day),
            daemon=True,
        )
        for n in range(processes)
    ]
    for p in procs:
        p.start()
    try:
        for _ in procs:
            ready.get(timeout=60)  # every process has opened the file and built its targets
        go.set()
        reports = [out.get(timeout=120) for _ in procs]
    except queue.Empty:
        pytest.fail("a racing process did not report in time")
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    assert [p.exitcode for p in procs] == [0] * processes
    results = [tuple(r) for report in reports for r in report["results"]]
    errors = [e for report in reports for e in report["errors"]]
    return results, errors


def test_four_processes_race_for_fifty_films(db, db_path):
    item_ids = _films()
    database.close()  # the racers open the file themselves
    results, errors = _race_in_processes(db_path, item_ids, processes=4, threads=1)
    database.connect(reuse_if_open=True)
    _assert_one_winner_each(item_ids, results, errors, 4)


def test_threads_in_two_processes_race_for_fifty_films(db, db_path):
    item_ids = _films()
    database.close()
    results, errors = _race_in_processes(db_path, item_ids, processes=2, threads=4)
    database.connect(reuse_if_open=True)
    _assert_one_winner_each(item_ids, results, errors, 8)


# -- upgrades: a film with a file below the cutoff, claimed for an upgrade by every racer -------


def _films_with_720p_files(tmp_path, n: int = 20) -> list[int]:
    """Films each with a real HDTV-720p file recorded (the racers' "Film N 1080p" releases
    are upgrades of it under the default profile)."""
    root = tmp_path / "movies"
    root.mkdir()
    root_id = LibraryRoot.create(path=str(root), kind="movies").id
    item_ids = _films(n)
    for item_id in item_ids:
        (root / f"{item_id}.720p.HDTV.mkv").write_bytes(b"x")
        MediaFile.create(
            movie=item_id, root=root_id, path=f"{item_id}.720p.HDTV.mkv", quality="HDTV-720p"
        )
    return item_ids


def _assert_one_upgrade_each(item_ids: list[int]) -> None:
    upgrades = list(Download.select(Download.item, Download.upgrade_from).tuples())
    assert sorted(i for i, _ in upgrades) == sorted(item_ids)
    assert {f for _, f in upgrades} == {"HDTV-720p"}


def test_eight_threads_race_for_one_upgrade_of_each_film(db, tmp_path):
    from mydia_tui.config import QualityConfig

    item_ids = _films_with_720p_files(tmp_path)
    targets = [movie_target(i) for i in item_ids]
    results, errors = race_in_threads(targets, 8, "up-", QualityConfig(upgrades_per_day=100))
    _assert_one_winner_each(item_ids, results, errors, 8)
    _assert_one_upgrade_each(item_ids)


def test_four_processes_race_for_one_upgrade_of_each_film(db, db_path, tmp_path):
    item_ids = _films_with_720p_files(tmp_path)
    database.close()
    results, errors = _race_in_processes(
        db_path, item_ids, processes=4, threads=1, upgrades_per_day=100
    )
    database.connect(reuse_if_open=True)
    _assert_one_winner_each(item_ids, results, errors, 4)
    _assert_one_upgrade_each(item_ids)


# -- ending a download frees its target; the constraint still blocks duplicates ---------------


def _accept(target, racer: str) -> int:
    release = release_for(racer, target.item_id)
    outcome = Guard().grab(target, release, lambda: AddResult(release.info_hash))
    assert outcome.accepted, outcome
    return outcome.download_id


def _refusal(target, racer: str) -> str:
    release = release_for(racer, target.item_id)
    outcome = Guard().grab(target, release, lambda: AddResult(release.info_hash))
    assert outcome.refused
    return outcome.reason


@pytest.mark.parametrize("final", ["failed", "removed"])
def test_failed_or_removed_download_frees_its_target_once(db, final):
    target = movie_target(_films(1)[0])
    first = _accept(target, "a")
    assert _refusal(target, "b") == Reason.IN_FLIGHT
    assert finish(first, final)
    second = _accept(target, "b")
    # the new claim holds the film again: a third grab is refused, naming the second download
    outcome = Guard().claim(target, release_for("c", target.item_id))
    assert outcome.reason == Reason.IN_FLIGHT and outcome.download_id == second
    # the failed download's own torrent may come back only once the target is free again
    assert finish(second, "failed")
    assert _accept(target, "a") not in (first, second)
    assert Download.get_by_id(first).state == final


def test_imported_download_frees_its_claim_but_its_file_and_torrent_still_block(db, tmp_path):
    root = LibraryRoot.create(path=str(tmp_path / "movies"), kind="movies")
    target = movie_target(_films(1)[0])
    first = _accept(target, "a")
    rel = f"{target.folder}/{target.folder}.mkv"
    (tmp_path / "movies" / rel).parent.mkdir(parents=True)
    (tmp_path / "movies" / rel).write_bytes(b"\0")
    MediaFile.create(root=root, path=rel, movie=target.item_id)
    assert finish(first, "imported")
    assert not DownloadUnit.select().where(DownloadUnit.active_unit.is_null(False)).exists()

    assert _refusal(target, "b") == Reason.ALREADY_ON_DISK
    # the file is deleted: the target is free, but not for the torrent that was imported
    (tmp_path / "movies" / rel).unlink()
    same = Guard().claim(target, release_for("a", target.item_id))
    assert same.reason == Reason.SAME_TORRENT and same.download_id == first
    second = _accept(target, "b")
    assert _refusal(target, "c") == Reason.IN_FLIGHT
    assert Download.get_by_id(second).state == "queued"


def test_finished_episode_frees_it_but_an_active_pack_still_blocks_it(db):
    show = add_show("Race Show", manual_episodes({1: 3, 2: 3}))
    e2 = episode_by_number(show.id, 1, 2)
    pack = season_target(show.id, 1)
    single = _accept(e2, "a")
    assert _refusal(pack, "b") == Reason.IN_FLIGHT
    assert finish(single, "failed")
    pack_id = _accept(pack, "b")
    # the pack holds every episode of season 1, and only of season 1
    assert _refusal(e2, "c") == Reason.IN_FLIGHT
    e1e2 = episodes_target([e2.episode_ids[0], episode_by_number(show.id, 1, 1).episode_ids[0]])
    assert _refusal(e1e2, "c") == Reason.IN_FLIGHT
    _accept(episode_by_number(show.id, 2, 1), "c")
    assert finish(pack_id, "removed")
    _accept(e1e2, "d")
    assert _refusal(pack, "e") == Reason.IN_FLIGHT


def test_pack_grabbed_before_an_episode_was_known_still_covers_it(db):
    """The season unit: an episode added to the library after its season pack was grabbed."""
    show = add_show("Late Show", manual_episodes({1: 2}))
    _accept(season_target(show.id, 1), "a")
    late = Episode.create(show=show.id, season=1, number=3)
    assert _refusal(episodes_target([late.id]), "b") == Reason.IN_FLIGHT


# -- the database's own guarantee --------------------------------------------------------------


def _bare_download(item_id: int, racer: str, state: str = "queued") -> int:
    return Download.create(
        kind="movie",
        item=item_id,
        info_hash=release_for(racer, item_id).info_hash,
        title=f"bare {racer}",
        state=state,
    ).id


def test_the_constraint_alone_rejects_a_second_active_holder(db):
    """Bypassing every rule: inserting claim rows directly cannot hold a unit twice."""
    item_id = _films(1)[0]
    unit = f"m:{item_id}"
    a = _bare_download(item_id, "a")
    b = _bare_download(item_id, "b")
    DownloadUnit.create(download=a, unit=unit, active_unit=unit)
    with pytest.raises(IntegrityError), database.atomic():
        DownloadUnit.create(download=b, unit=unit, active_unit=unit)
    with pytest.raises(IntegrityError), database.atomic():
        DownloadUnit.insert_many(
            [
                {"download": b, "unit": "m:999999", "active_unit": "m:999999"},
                {"download": b, "unit": unit, "active_unit": unit},
            ]
        ).execute()
    # the failed batch left nothing behind
    assert DownloadUnit.select().where(DownloadUnit.download == b).count() == 0
    # inactive rows never collide, with each other or with the active one
    DownloadUnit.create(download=b, unit=unit, active_unit=None)
    DownloadUnit.create(download=b, unit=unit, active_unit=None)
    # nor may an ended holder's row be made active again while another holds the unit
    c = _bare_download(item_id, "c", state="failed")
    row = DownloadUnit.create(download=c, unit=unit, active_unit=None)
    with pytest.raises(IntegrityError), database.atomic():
        DownloadUnit.update(active_unit=unit).where(DownloadUnit.id == row.id).execute()
    # and the guard, reading the same table, refuses the film and names the holder
    outcome = Guard().claim(movie_target(item_id), release_for("d", item_id))
    assert outcome.reason == Reason.IN_FLIGHT and outcome.download_id == a


def test_a_writer_that_skips_the_rules_loses_to_the_constraint_and_the_guard_says_so(db):
    """If a unit gets held between the rules and the claim (a writer that did not take the write
    lock), the INSERT fails on the constraint and the guard reports in_flight, not an error."""
    import mydia_tui.guard as guard_mod

    item_id = _films(1)[0]
    target = movie_target(item_id)
    sneaky = _bare_download(item_id, "sneaky")
    original = guard_mod.rule_not_blocklisted

    def rule_then_sneak(check):  # the last rule before the claim's INSERTs
        DownloadUnit.create(download=sneaky, unit=f"m:{item_id}", active_unit=f"m:{item_id}")
        return original(check)

    claim_rules = guard_mod.CLAIM_RULES
    guard_mod.CLAIM_RULES = (*claim_rules[:-1], rule_then_sneak)
    try:
        outcome = Guard().claim(target, release_for("a", item_id))
    finally:
        guard_mod.CLAIM_RULES = claim_rules
    assert outcome.refused and outcome.reason == Reason.IN_FLIGHT
    # the sneaky row was rolled back with the failed claim; nothing of the claim remains
    assert Download.select().count() == 1
    assert not DownloadUnit.select().exists()


def test_active_states_hold_and_final_states_free(db):
    """Every active state keeps the target; only the final ones release it (through finish)."""
    item_id = _films(1)[0]
    target = movie_target(item_id)
    held = _accept(target, "holder")
    for state in ACTIVE_STATES:
        Download.update(state=state).where(Download.id == held).execute()
        outcome = Guard().claim(target, GrabRequest("f" * 40, f"try while {state}"))
        assert outcome.reason == Reason.IN_FLIGHT, state


def test_insert_row_writes_what_model_insert_writes(db):
    """The guard's and the history's cached INSERT fill defaults and convert values exactly
    as Peewee's Model.insert does."""
    from mydia_tui.db import insert_row

    item_id = _films(1)[0]
    values = {
        "kind": "movie",
        "item": item_id,
        "info_hash": "a" * 40,
        "title": "Film 1080p",
        "size": 123,
        "state": "claimed",
        "claimed_at": utcnow(),
    }
    ours = insert_row(Download, **values)
    theirs = Download.insert(**values).execute()
    rows = {
        r.pop("id"): r for r in Download.select().where(Download.id.in_([ours, theirs])).dicts()
    }
    for row in rows.values():  # filled from callables at insert time: close, not equal
        assert row.pop("updated_at") is not None
    assert rows[ours] == rows[theirs]
    ours = insert_row(History, event="refused", message="m", item=item_id, reason="in_flight")
    theirs = History.insert(
        event="refused", message="m", item=item_id, reason="in_flight"
    ).execute()
    a, b = (History.select().where(History.id == i).dicts().get() for i in (ours, theirs))
    assert {k: v for k, v in a.items() if k not in ("id", "at")} == {
        k: v for k, v in b.items() if k not in ("id", "at")
    }
    assert isinstance(a["at"], type(b["at"]))


# -- overlapping targets, and claims racing with releases ---------------------------------------


def _in_threads(count: int, body) -> list[str]:
    """Run ``body(n)`` in ``count`` threads started together; the errors they raised."""
    start = threading.Barrier(count)
    errors: list[str] = []

    def run(n: int) -> None:
        try:
            start.wait(timeout=60)
            body(n)
        except BaseException as exc:
            errors.append(repr(exc))
        finally:
            database.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_threads_race_with_overlapping_packs_multis_and_episodes(db):
    """Season packs, multi-episode releases and single episodes of the same seasons, grabbed
    at once by 8 threads: accepted grabs never overlap, every refusal is in_flight and names a
    download that overlaps the target."""
    shows = [add_show(f"Overlap Show {n}", manual_episodes({1: 3, 2: 3})).id for n in range(6)]
    targets = []
    for show in shows:
        for season in (1, 2):
            eps = [episode_by_number(show, season, n).episode_ids[0] for n in (1, 2, 3)]
            targets.append(season_target(show, season))
            targets += [episodes_target([e]) for e in eps]
            targets += [episodes_target(eps[:2]), episodes_target(eps[1:])]
    results = []

    def racer(n: int) -> None:
        order = list(targets)
        random.Random(n).shuffle(order)
        guard = Guard(claimed_by=f"overlap-{n}")
        for k, target in enumerate(order):
            release = GrabRequest(release_for(f"o{n}/{k}", target.item_id).info_hash, "x")
            results.append((target, guard.claim(target, release)))

    errors = _in_threads(8, racer)
    assert not errors, errors
    assert len(results) == 8 * len(targets)

    def episodes(target) -> set[int]:
        return set(target.episode_ids)

    won = {o.download_id: t for t, o in results if o.accepted}
    held: dict[int, int] = {}
    for download_id, target in won.items():
        for e in episodes(target):
            assert e not in held, f"episode {e} won by {held.get(e)} and {download_id}"
            held[e] = download_id
    for target, outcome in results:
        if outcome.refused:
            assert outcome.reason == Reason.IN_FLIGHT, outcome
            assert episodes(won[outcome.download_id]) & episodes(target), outcome
    # every episode ends up held: whatever won first, nothing was left uncovered by a refusal
    assert len(held) == 6 * 2 * 3
    active_units = DownloadUnit.select().where(DownloadUnit.active_unit.is_null(False)).count()
    assert active_units == sum(len(t.units()) for t in won.values())


def test_claims_racing_with_releases_never_overlap_in_time(db):
    """Threads grab films and end their own downloads at once (failed or removed) while the
    others keep trying: for each film, the claimed..ended intervals never overlap."""
    item_ids = _films(10)
    targets = [movie_target(i) for i in item_ids]

    def racer(n: int) -> None:
        rnd = random.Random(n)
        guard = Guard(claimed_by=f"cycle-{n}")
        for k in range(60):
            target = rnd.choice(targets)
            release = GrabRequest(release_for(f"c{n}/{k}", target.item_id).info_hash, "x")
            outcome = guard.grab(target, release, lambda r=release: AddResult(r.info_hash))
            if outcome.accepted:
                assert finish(outcome.download_id, rnd.choice(("failed", "removed")))
            else:
                assert outcome.reason == Reason.IN_FLIGHT, outcome

    errors = _in_threads(6, racer)
    assert not errors, errors
    rows = list(
        Download.select(Download.item, Download.claimed_at, Download.failed_at, Download.removed_at)
        .order_by(Download.id)
        .tuples()
    )
    assert len(rows) >= len(item_ids)
    by_item: dict[int, list] = defaultdict(list)
    for item, claimed, failed, removed in rows:
        ended = failed or removed
        assert ended is not None
        by_item[item].append((claimed, ended))
    for item, spans in by_item.items():
        spans.sort()
        for (_, ended), (claimed, _) in zip(spans, spans[1:], strict=False):
            assert ended <= claimed, (item, spans)
    assert not DownloadUnit.select().where(DownloadUnit.active_unit.is_null(False)).exists()
