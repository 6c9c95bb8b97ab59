"""The Deluge adapter against real daemons on loopback (see tests/deluge_fixtures.py)."""

from __future__ import annotations

import base64
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from deluge_fixtures import Swarm, add_seeding, make_release, wait_for
from httpserver import LoopbackHTTPServer

from mydia_tui.deluge import (
    DelugeAddError,
    DelugeAuthError,
    DelugeBadPassword,
    DelugeClient,
    DelugeError,
    DelugeTimeout,
    DelugeUnknownUser,
    DelugeUnreachable,
    PreparedTorrent,
    prepare,
)
from mydia_tui.deluge_daemon import DelugeDaemon
from mydia_tui.torrent import BadTorrent

pytestmark = pytest.mark.deluge


def session_hashes(client: DelugeClient) -> set[str]:
    return set(client.session())


# -- adding ----------------------------------------------------------------------------------


def test_add_magnet_hex_and_base32(deluge: DelugeClient, deluged: DelugeDaemon):
    hex_hash = "1" * 40
    b32_hash = base64.b32encode(bytes.fromhex("2" * 40)).decode()
    by_hex = prepare(f"magnet:?xt=urn:btih:{hex_hash}&dn=Hex.Film")
    by_b32 = prepare(f"magnet:?xt=urn:btih:{b32_hash}&dn=B32.Film")
    assert by_b32.info_hash == "2" * 40
    for p in (by_hex, by_b32):
        result = deluge.add(p, "movies", paused=True)
        assert result.info_hash == p.info_hash and not result.already_present
    statuses = deluge.statuses([by_hex.info_hash, by_b32.info_hash])
    assert set(statuses) == {"1" * 40, "2" * 40}
    assert statuses["1" * 40].save_path == str(deluged.download_location / "movies")


def test_add_torrent_bytes(deluge: DelugeClient, deluged: DelugeDaemon, tmp_path: Path):
    release = make_release(tmp_path, "Show.S01E01.720p")
    p = prepare(release.torrent)
    result = deluge.add(p, "shows", paused=True)
    assert result.info_hash == p.info_hash == release.info_hash
    st = deluge.status(release.info_hash)
    assert st is not None
    assert (st.name, st.state, st.client_state) == ("Show.S01E01.720p", "paused", "Paused")
    assert st.total_size == 256 * 1024
    assert st.save_path == str(deluged.download_location / "shows")


def test_add_by_url_torrent_and_redirect_to_magnet(
    deluge: DelugeClient, http_server: LoopbackHTTPServer, tmp_path: Path
):
    release = make_release(tmp_path, "Url.Film.2001")
    torrent_url = http_server.add("/dl/1.torrent", release.torrent)
    magnet_hash = "3" * 40
    magnet_url = http_server.redirect("/dl/2", f"magnet:?xt=urn:btih:{magnet_hash}&dn=Redir")
    for url, expected in ((torrent_url, release.info_hash), (magnet_url, magnet_hash)):
        p = prepare(url)
        assert p.info_hash == expected  # known before the add
        assert deluge.add(p, paused=True).info_hash == expected
    assert session_hashes(deluge) == {release.info_hash, magnet_hash}


def test_same_torrent_twice_is_adopted_not_added(deluge: DelugeClient, tmp_path: Path):
    release = make_release(tmp_path, "Twice.2010")
    first = deluge.add(prepare(release.torrent), paused=True)
    again = deluge.add(prepare(release.torrent), paused=True)
    by_magnet = deluge.add(prepare(release.magnet), paused=True)
    assert not first.already_present
    assert again.already_present and by_magnet.already_present
    assert again.info_hash == by_magnet.info_hash == release.info_hash
    assert session_hashes(deluge) == {release.info_hash}


def test_bad_magnet_and_garbage_torrent_add_nothing(deluge: DelugeClient):
    before = session_hashes(deluge)
    with pytest.raises(BadTorrent):
        deluge.add(prepare("magnet:?xt=urn:btih:nothex&dn=x"))
    with pytest.raises(BadTorrent):
        deluge.add(prepare(b"<html>not a torrent</html>"))
    # a caller that skipped prepare(): the daemon's refusal is a clear error too
    forged = PreparedTorrent(info_hash="4" * 40, name="forged", data=b"d3:fooi1ee")
    with pytest.raises(DelugeAddError, match="did not add"):
        deluge.add(forged)
    forged_magnet = PreparedTorrent(info_hash="5" * 40, name="x", magnet="magnet:?xt=urn:btih:zz")
    with pytest.raises(DelugeAddError):
        deluge.add(forged_magnet)
    assert session_hashes(deluge) == before
    assert deluge.is_connected  # a refused add is not a connection problem


def _with_label_plugin(deluged: DelugeDaemon, label: str) -> DelugeClient:
    """A client whose ``[deluge] label`` is ``label``, the daemon's Label plugin enabled."""
    rpc = deluged.rpc()
    rpc.call("core.enable_plugin", "Label")
    rpc.disconnect()
    client = DelugeClient(deluged.config(label=label))
    wait_for(lambda: "Label" in client.enabled_plugins(refresh=True), 10, what="Label plugin")
    return client


def test_label_is_set_when_the_plugin_is_enabled(deluged: DelugeDaemon, tmp_path: Path):
    client = _with_label_plugin(deluged, "mydia")
    r1 = make_release(tmp_path, "Labelled.2011")
    r2 = make_release(tmp_path, "Unlabelled.2012")
    assert client.add(prepare(r1.torrent), paused=True).label == "mydia"
    assert client.add(prepare(r2.torrent), paused=True, label="").label == ""
    statuses = client.statuses([r1.info_hash, r2.info_hash])
    assert statuses[r1.info_hash].label == "mydia"
    assert statuses[r2.info_hash].label == ""
    # a second torrent reuses the label made on demand
    r3 = make_release(tmp_path, "Labelled.Again.2013")
    assert client.add(prepare(r3.torrent), paused=True).label == "mydia"


def test_a_grab_whose_label_deluge_refuses_says_so_in_its_outcome_and_history(
    db, deluged: DelugeDaemon, tmp_path: Path
):
    """A new user's report (breaker11a, item 3): with a label Deluge's Label plugin refuses
    (`Invalid label, valid characters:[a-z0-9_-]`), the grab said only "grabbed ...": the torrent
    got no label and nothing said so. (The configuration refuses such a label now; a label
    Deluge refuses for another reason takes the same path.)"""
    from mydia_tui.grabbing import grab_release
    from mydia_tui.history import list_history
    from mydia_tui.library import add_movie, movie_target
    from mydia_tui.releases.release import Release

    client = _with_label_plugin(deluged, "[bold]lab[/] el")
    release = make_release(tmp_path, "Sintel.2010.1080p.WEB-DL.x264-GRP")
    movie = add_movie("Sintel", 2010)
    outcome = grab_release(
        client,
        movie_target(movie.id),
        Release(title=release.name, indexer="test"),
        torrent=prepare(release.torrent),
    )
    client.close()
    assert outcome.accepted
    assert "could not set label '[bold]lab[/] el'" in outcome.message
    assert "Invalid label" in outcome.message
    (grabbed,) = [h for h in list_history(item_id=movie.id) if h.event == "grabbed"]
    assert "could not set label '[bold]lab[/] el'" in grabbed.message


def test_no_label_without_the_plugin(deluge: DelugeClient, tmp_path: Path):
    release = make_release(tmp_path, "Plain.2014")
    result = deluge.add(prepare(release.torrent), paused=True)
    assert (result.label, result.warning) == ("", "")


# -- status ----------------------------------------------------------------------------------


def test_one_rpc_call_per_poll(deluge: DelugeClient, tmp_path: Path):
    hashes = []
    for i in range(5):
        release = make_release(tmp_path, f"Poll.{i}", size=20_000)
        hashes.append(deluge.add(prepare(release.torrent), paused=True).info_hash)
    before = deluge.rpc_calls
    statuses = deluge.statuses(hashes + ["6" * 40])
    assert deluge.rpc_calls - before == 1
    assert set(statuses) == set(hashes)  # unknown hashes are simply absent
    assert all(s.state == "paused" for s in statuses.values())


def test_paused_at_100_percent_is_completed(deluge: DelugeClient, deluged: DelugeDaemon, tmp_path):
    release = make_release(tmp_path, "Done.Film.2015")
    add_seeding(deluged, release)  # seed_mode over complete data: finished at once
    wait_for(lambda: deluge.status(release.info_hash).is_finished, 15, what="finished")
    deluge.pause([release.info_hash])
    st = wait_for(
        lambda: (s := deluge.status(release.info_hash)) and s.client_state == "Paused" and s,
        15,
        what="paused",
    )
    assert st.state == "completed" and st.progress == 1.0 and st.is_complete


def test_real_transfer_watched_until_completed(swarm: Swarm):
    by_file = swarm.make_release("Transfer.File.2016", size=4 * 1024 * 1024, files=2)
    by_magnet = swarm.make_release("Transfer.Magnet.2017", size=1024 * 1024)
    for release in (by_file, by_magnet):
        swarm.seed(release)
    client = DelugeClient(swarm.client.config())
    sources = {by_file.info_hash: by_file.torrent, by_magnet.info_hash: by_magnet.magnet}
    for info_hash, source in sources.items():
        result = client.add(prepare(source), "movies")
        assert result.info_hash == info_hash and not result.already_present
        swarm.connect(info_hash)
    seen_states: set[str] = set()

    def all_completed() -> bool:
        statuses = client.statuses(sources)
        seen_states.update(s.state for s in statuses.values())
        return len(statuses) == 2 and all(s.state == "completed" for s in statuses.values())

    wait_for(all_completed, 60, what="both torrents completed")
    assert seen_states <= {"queued", "checking", "downloading", "completed"}
    for release in (by_file, by_magnet):
        files = client.files(release.info_hash)
        assert files.save_path == str(swarm.client.download_location / "movies")
        for rel, size in files.files:
            got = Path(files.save_path, rel)
            assert got.stat().st_size == size
            assert got.read_bytes() == (release.location / rel).read_bytes()
        assert len(files.files) == len(list(release.payload.iterdir()))


def test_actions_pause_resume_queue_recheck_remove(
    deluge: DelugeClient, deluged: DelugeDaemon, tmp_path
):
    done = make_release(tmp_path, "Actions.Done.2018")
    add_seeding(deluged, done)
    others = [make_release(tmp_path, f"Actions.{i}", size=10_000) for i in range(3)]
    hashes = [deluge.add(prepare(r.torrent), paused=True).info_hash for r in others]
    deluge.resume(hashes[:1])
    wait_for(lambda: deluge.status(hashes[0]).client_state != "Paused", 10, what="resumed")
    deluge.pause(hashes[:1])
    wait_for(lambda: deluge.status(hashes[0]).client_state == "Paused", 10, what="paused again")

    def queue() -> list[str]:
        rpc = deluged.rpc()
        try:
            raw = rpc.call("core.get_torrents_status", {"id": hashes}, ["queue"])
        finally:
            rpc.disconnect()
        return sorted(hashes, key=lambda h: raw[h]["queue"])

    def queue_becomes(order: list[str]) -> None:  # libtorrent applies queue moves async
        wait_for(lambda: queue() == order, 10, what=f"queue order {order}")

    queue_becomes(hashes)
    deluge.queue_bottom([hashes[0]])
    queue_becomes([hashes[1], hashes[2], hashes[0]])
    deluge.queue_top([hashes[0]])
    queue_becomes([hashes[0], hashes[1], hashes[2]])
    deluge.queue_down([hashes[1]])
    queue_becomes([hashes[0], hashes[2], hashes[1]])
    deluge.queue_up([hashes[1]])
    queue_becomes([hashes[0], hashes[1], hashes[2]])

    deluge.recheck([done.info_hash])
    wait_for(lambda: deluge.status(done.info_hash).is_complete, 15, what="recheck done")

    data = done.location / done.name
    assert deluge.remove(done.info_hash, delete_data=False)
    assert data.exists()
    assert not deluge.remove(done.info_hash)  # already gone: False, not an error
    kept = others[0]
    assert deluge.remove(kept.info_hash, delete_data=True)
    assert set(deluge.session()) == {others[1].info_hash, others[2].info_hash}


def test_session_lists_everything_in_one_call(
    deluge: DelugeClient, deluged: DelugeDaemon, tmp_path
):
    release = make_release(tmp_path, "Foreign.Torrent.2019")
    add_seeding(deluged, release)  # added by someone else, not by us
    mine = deluge.add(prepare("magnet:?xt=urn:btih:" + "7" * 40), paused=True)
    before = deluge.rpc_calls
    session = deluge.session()
    assert deluge.rpc_calls - before == 1
    assert set(session) == {release.info_hash, mine.info_hash} == deluge.session_hashes()
    assert session[release.info_hash].name == "Foreign.Torrent.2019"
    assert deluge.version() == deluged.version == "2.2.0"


def test_many_threads_share_one_client(deluge: DelugeClient, tmp_path: Path):
    release = make_release(tmp_path, "Threads.2020")
    deluge.add(prepare(release.torrent), paused=True)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(20):
                assert release.info_hash in deluge.statuses([release.info_hash])
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []


# -- outages ---------------------------------------------------------------------------------


def test_daemon_stopped_then_back_reconnects_by_itself(deluged: DelugeDaemon, tmp_path: Path):
    client = DelugeClient(deluged.config(timeout=2.0), backoff_base=0.2, backoff_max=1.0)
    release = make_release(tmp_path, "Outage.2021")
    client.add(prepare(release.torrent), paused=True)
    assert client.health.connected and client.health.version == "2.2.0"

    deluged.stop()
    failures = []
    for _ in range(20):  # the poller keeps polling: each poll fails fast with one clear error
        started = time.monotonic()
        with pytest.raises(DelugeUnreachable) as info:
            client.statuses([release.info_hash])
        failures.append(time.monotonic() - started)
        assert f"127.0.0.1:{deluged.rpc_port}" in str(info.value)
        assert deluged.password not in str(info.value)
    assert max(failures) < client.timeout + 1.0  # never hangs beyond the timeout
    health = client.health
    assert not health.connected and "offline since" in health.text and health.last_error

    deluged.start()
    back = wait_for(
        lambda: _try(lambda: client.statuses([release.info_hash])), 20, what="reconnected"
    )
    assert release.info_hash in back
    assert client.health.connected and client.health.since > health.since


def test_daemon_restarted_between_calls(deluged: DelugeDaemon, tmp_path: Path):
    client = DelugeClient(deluged.config())
    release = make_release(tmp_path, "Restart.2022")
    client.add(prepare(release.torrent), paused=True)
    deluged.restart(expect_torrents=1)
    # the stale connection is replaced within the same call: no error at all
    assert release.info_hash in client.statuses([release.info_hash])


def test_frozen_daemon_fails_within_the_timeout(deluged: DelugeDaemon):
    client = DelugeClient(deluged.config(timeout=1.0), backoff_base=0.2, backoff_max=0.5)
    client.connect()
    deluged.freeze()
    try:
        for call in (lambda: client.statuses(["8" * 40]), client.session, client.version):
            started = time.monotonic()
            with pytest.raises((DelugeTimeout, DelugeUnreachable)):
                call()
            assert time.monotonic() - started < 1.0 + 1.0
        assert not client.is_connected
        assert "did not answer within 1 s" in client.health.last_error
    finally:
        deluged.thaw()
    assert wait_for(lambda: _try(client.version), 20, what="back after thaw") == "2.2.0"


def test_wrong_password_and_unknown_user_are_distinct(deluged: DelugeDaemon):
    wrong = DelugeClient(deluged.config(password="not-the-password-xyz"))
    with pytest.raises(DelugeBadPassword) as bad_password:
        wrong.connect()
    nobody = DelugeClient(deluged.config(username="nobody", password="secret-pw-123"))
    with pytest.raises(DelugeUnknownUser) as unknown_user:
        nobody.connect()
    for info, secret in ((bad_password, "not-the-password-xyz"), (unknown_user, "secret-pw-123")):
        text = str(info.value)
        assert isinstance(info.value, DelugeAuthError)
        assert f"127.0.0.1:{deluged.rpc_port}" in text and secret not in text
        assert "config.toml" in text
    assert "refused the login for user 'mydia'" in str(bad_password.value)
    assert "no user 'nobody'" in str(unknown_user.value)
    assert "secret-pw-123" not in nobody.health.text


# -- the launcher ----------------------------------------------------------------------------


def test_restart_keeps_state_and_ports(deluged: DelugeDaemon, tmp_path: Path):
    client = DelugeClient(deluged.config())
    release = make_release(tmp_path, "Persist.2023")
    client.add(prepare(release.torrent), paused=True)
    ports = (deluged.rpc_port, deluged.listen_port)
    deluged.restart(expect_torrents=1)
    assert (deluged.rpc_port, deluged.listen_port) == ports
    assert release.info_hash in client.session()


def test_daemon_dies_with_its_parent(tmp_path: Path, deluged_path: Path):
    script = (
        "import sys, time\n"
        "from mydia_tui.deluge_daemon import DelugeDaemon\n"
        f"d = DelugeDaemon({str(tmp_path / 'orphan')!r}, deluged={str(deluged_path)!r}).start()\n"
        "print(d.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert _alive(pid)
        parent.send_signal(signal.SIGKILL)  # no atexit, no teardown: only PDEATHSIG is left
        parent.wait(10)
        wait_for(lambda: not _alive(pid), 15, what="the orphaned deluged to exit")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _try(call):
    try:
        return call()
    except DelugeError:
        return None


def test_freezing_leaves_no_stray_process(deluged: DelugeDaemon):
    pid = deluged.pid
    deluged.freeze()
    deluged.stop()  # a frozen daemon is thawed, then stopped
    assert pid is not None and not _alive(pid)


def _stable(statuses: dict) -> dict:
    """What does not move between two calls a moment apart (rates and ETAs do)."""
    return {
        h: (s.name, s.state, s.client_state, s.progress, s.total_size, s.save_path, s.label)
        for h, s in statuses.items()
    }


def test_status_diffs_match_full_answers(deluged: DelugeDaemon, tmp_path: Path):
    diffing = DelugeClient(deluged.config())  # the default: diff=True
    full = DelugeClient(deluged.config(), diff=False)
    done = make_release(tmp_path, "Diff.Done.2024")
    add_seeding(deluged, done)
    others = [make_release(tmp_path, f"Diff.{i}", size=10_000) for i in range(3)]
    hashes = [diffing.add(prepare(r.torrent), paused=True).info_hash for r in others]
    everything = [*hashes, done.info_hash]

    def same() -> bool:
        return _stable(diffing.statuses(everything)) == _stable(full.statuses(everything))

    wait_for(same, 10, what="diff == full after adding")
    first = diffing.statuses(everything)
    assert diffing.statuses(everything)[hashes[1]] is first[hashes[1]]  # unchanged: reused
    diffing.pause([done.info_hash])
    diffing.resume([hashes[0]])
    wait_for(same, 10, what="diff == full after pause/resume")
    # removed, then added again elsewhere: the daemon starts that torrent's diff afresh
    diffing.remove(hashes[2])
    assert set(diffing.session()) == {hashes[0], hashes[1], done.info_hash}
    diffing.add(prepare(others[2].torrent), "shows", paused=True)
    wait_for(same, 10, what="diff == full after remove and re-add")
    assert diffing.status(hashes[2]).save_path.endswith("shows")
    # a cache out of step with the daemon's session (cannot happen in use) is detected and the
    # poll is asked again on a new connection, which answers in full
    diffing._raw_cache.clear()
    calls = diffing.rpc_calls
    wait_for(same, 10, what="diff == full after losing the cache")
    assert diffing.rpc_calls - calls >= 2
    # a new connection is a new session on the daemon: the cache starts again
    deluged.restart(expect_torrents=4)
    wait_for(lambda: _try(same), 20, what="diff == full after a restart")
