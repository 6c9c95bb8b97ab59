"""mydia-tui's RSS sync side by side with FlexGet on the same job.

    .venv/bin/python bench/flexget_side_by_side.py [--films 200] [--feed 1000]

The job (issue 15): a loopback Torznab feed of ``--feed`` releases, ``--films`` wanted films,
a real deluged, adds paused. 150 of the films (three quarters) have three releases in the feed
(1080p BluRay, 720p BluRay, 2160p WEB-DL), the rest of the feed names nothing wanted; every
release is a magnet. Each tool gets its own fresh deluged (``.deluge-venv`` or
``$MYDIA_DELUGED``) and its own database, then runs its job twice as a separate process:

* mydia-tui: one RSS sync (``Monitor.rss_phase``: the feed read, matched against the wanted
  films, judged, grabbed through the guard into Deluge), started as ``python -c``;
* FlexGet 3.22 (installed by this script into ``bench/.data/flexget-venv``, its pins differ
  from ours), the ``rss_job`` of ``../shared/reference/flexget-peer.md``: ``rss``,
  ``metainfo_movie``, ``quality: 720p-1080p``, ``best_quality``, ``list_match`` against a
  ``movie_list`` filled beforehand (not measured), ``deluge`` with ``add_paused``.

It prints, per tool and run, wall and CPU (user + system) seconds and peak memory (the
process's maximum resident set, from ``wait4``), and the torrents in its Deluge after the run.
The second run should add nothing on either side.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from torznab_server import TorznabServer, item_xml  # noqa: E402

from mydia_tui.config import (  # noqa: E402
    Config,
    IndexerConfig,
    LibraryConfig,
    write_config,
)
from mydia_tui.db import open_database  # noqa: E402
from mydia_tui.deluge import DelugeClient  # noqa: E402
from mydia_tui.deluge_daemon import DelugeDaemon, find_deluged  # noqa: E402
from mydia_tui.library import add_movie, sync_roots  # noqa: E402
from mydia_tui.torrent import make_magnet  # noqa: E402

FLEXGET_VENV = REPO / "bench" / ".data" / "flexget-venv"
WORDS = (
    "amber falcon river silent golden harbor winter broken hidden secret empire shadow storm "
    "garden ocean mountain velvet glass paper stone machine dream signal echo orbit kingdom"
).split()

DRIVER = """
import sys
from mydia_tui.config import load_config
from mydia_tui.db import open_database
from mydia_tui.monitor.engine import Monitor
config = load_config(sys.argv[1])
open_database(sys.argv[2])
monitor = Monitor(config)
report = monitor.rss_phase()
monitor.close()
print(len(report.grabbed) if report else -1)
"""


def films(count: int) -> list[tuple[str, int]]:
    names = [f"{a} {b}".title() for a in WORDS for b in WORDS if a != b]
    return [(names[n * 7 % len(names)], 1960 + n % 60) for n in range(count)]


def feed_items(wanted: list[tuple[str, int]], size: int) -> list[str]:
    items = []
    offered = wanted[: len(wanted) * 3 // 4]
    for title, year in offered:
        dotted = title.replace(" ", ".")
        for quality in ("1080p.BluRay.x264-GRP", "720p.BluRay.x264-GRP", "2160p.WEB-DL.x265-GRP"):
            items.append(f"{dotted}.{year}.{quality}")
    k = 0
    while len(items) < size:
        items.append(f"Unrelated.Documentary.Part.{k}.2019.1080p.WEB-DL.x264-NOPE")
        k += 1
    out = []
    for n, name in enumerate(items[:size]):
        info_hash = hashlib.sha1(name.encode()).hexdigest()
        magnet = make_magnet(info_hash, name)
        out.append(item_xml(name, guid=f"g{n}", seeders=20 + n % 40, link=magnet, magnet=magnet))
    return out


def ensure_flexget() -> Path:
    exe = FLEXGET_VENV / "bin" / "flexget"
    if not exe.exists():
        print("installing FlexGet 3.22 into", FLEXGET_VENV, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(FLEXGET_VENV)], check=True)
        subprocess.run(
            [
                str(FLEXGET_VENV / "bin" / "pip"),
                "install",
                "-q",
                "flexget>=3.22,<3.23",
                "deluge-client",
            ],
            check=True,
        )
    return exe


def measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """(wall s, user+system CPU s, peak resident MB, stdout+stderr) of one child process."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = proc.stdout.read().decode(errors="replace")
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}):\n{output[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def torrents(daemon: DelugeDaemon) -> int:
    client = DelugeClient(daemon.config())
    try:
        return len(client.session_hashes())
    finally:
        client.close()


def flexget_yaml(wanted, url: str, api_key: str, deluge) -> str:
    mock = "\n".join(
        f"        - {{title: '{t} ({y})', movie_name: '{t}', movie_year: {y}}}" for t, y in wanted
    )
    return f"""
tasks:
  fill:
    mock:
{mock}
    accept_all: yes
    list_add:
      - movie_list: wanted
  rss_job:
    rss: '{url}/api?t=search&apikey={api_key}&limit=1000'
    metainfo_movie: yes
    quality: 720p-1080p
    best_quality: {{}}
    list_match:
      from:
        - movie_list: wanted
      single_match: yes
    deluge:
      host: {deluge.host}
      port: {deluge.port}
      username: {deluge.username}
      password: {deluge.password}
      path: {deluge.movies_location}
      add_paused: yes
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--films", type=int, default=200)
    parser.add_argument("--feed", type=int, default=1000)
    parser.add_argument("--profile", help="write a cProfile of mydia-tui's first run here")
    parser.add_argument("--only-mydia", action="store_true", help="skip FlexGet")
    args = parser.parse_args()
    flexget = ensure_flexget()
    deluged = find_deluged()
    work = Path(tempfile.mkdtemp(prefix="mydia-bench-flexget-"))
    wanted = films(args.films)
    items = feed_items(wanted, args.feed)
    server = TorznabServer()
    fake = server.add("bench", items=items)  # paged by offset and limit

    daemons = {
        side: DelugeDaemon(work / f"deluged-{side}", deluged=deluged).start()
        for side in ("mydia", "flexget")
    }
    try:
        # mydia-tui: its database with the wanted films, its config
        movies = work / "library" / "movies"
        movies.mkdir(parents=True)
        db_path = str(work / "mydia.db")
        deluge_cfg = daemons["mydia"].config(add_paused=True)
        config = Config(
            deluge=deluge_cfg,
            indexers=(
                IndexerConfig(
                    name="bench", url=fake.url, api_key=fake.api_key, min_interval=0, timeout=30
                ),
            ),
            library=LibraryConfig(movies=(str(movies),)),
        )
        config_path = write_config(config, work / "config.toml")
        open_database(db_path)
        sync_roots(config.library.movies, ())
        for title, year in wanted:
            add_movie(title, year)
        env = dict(os.environ, PYTHONPATH=str(REPO), XDG_STATE_HOME=str(work / "state"))
        ours = [sys.executable, "-c", DRIVER, str(config_path), db_path]
        profiled = ours
        if args.profile:
            driver = work / "driver.py"
            driver.write_text(DRIVER)
            profiled = [sys.executable, "-m", "cProfile", "-o", args.profile, str(driver)]
            profiled += ours[3:]

        # FlexGet: its config, its list filled (not measured)
        fg_dir = work / "flexget"
        fg_dir.mkdir()
        fg_config = fg_dir / "config.yml"
        fg_config.write_text(
            flexget_yaml(wanted, fake.url, fake.api_key, daemons["flexget"].config())
        )
        fg = [str(flexget), "-c", str(fg_config), "--logfile", str(fg_dir / "flexget.log")]
        measured([*fg, "execute", "--tasks", "fill"])
        theirs = [*fg, "execute", "--tasks", "rss_job"]

        rows = []
        for run in (1, 2):
            sides = [("mydia-tui", profiled if run == 1 else ours)]
            sides += [] if args.only_mydia else [("FlexGet", theirs)]
            for side, cmd in sides:
                wall, cpu, peak, _out = measured(cmd, env if side == "mydia-tui" else None)
                daemon = daemons["mydia" if side == "mydia-tui" else "flexget"]
                rows.append((run, side, wall, cpu, peak, torrents(daemon)))
                print(
                    f"run {run} {side:9}: wall {wall:6.2f} s  CPU {cpu:6.2f} s  "
                    f"peak {peak:6.0f} MB  torrents in its Deluge: {rows[-1][5]}",
                    flush=True,
                )
        for run in (1, 2) if not args.only_mydia else ():
            ours_row = next(r for r in rows if r[0] == run and r[1] == "mydia-tui")
            their_row = next(r for r in rows if r[0] == run and r[1] == "FlexGet")
            print(
                f"run {run} mydia-tui / FlexGet: wall {ours_row[2] / their_row[2]:.2f}x, "
                f"CPU {ours_row[3] / their_row[3]:.2f}x, peak memory {ours_row[4] / their_row[4]:.2f}x"
            )
    finally:
        for daemon in daemons.values():
            daemon.stop()
        server.close()


if __name__ == "__main__":
    main()
