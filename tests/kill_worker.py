"""A process for tests/test_killed_processes.py to kill at a chosen moment.

Run as ``python tests/kill_worker.py MODE DB ARGS...``. It opens the same database as the test,
prints ``ready`` and waits for a line on stdin; then it does one real step of the product and,
at the moment named by MODE, prints a line (flushed) and keeps waiting there, so that the test
can SIGKILL it exactly inside that step:

* ``import DB DOWNLOAD_ID HOST PORT USER PASSWORD``: :meth:`Importer.import_download` against a
  real deluged; prints ``in files`` as it calls ``client.files(...)`` (the test has frozen the
  daemon, so the call waits on Deluge, as an import does on a slow daemon).
* ``send DB MOVIE_ID INFO_HASH``: :meth:`Guard.grab` of the film; prints ``sending`` inside the
  client's add, before anything reached Deluge, and waits there.
* ``search DB MOVIE_ID``: one :meth:`SearchMonitor.run_cycle`; prints ``searching`` inside the
  indexers' search of the film (its search lease taken) and waits there.

Anything that returns where the test expected to kill the process prints ``returned ...``.
"""

from __future__ import annotations

import sys


def _wait() -> None:
    sys.stdin.readline()


def _say(line: str) -> None:
    print(line, flush=True)


def run_import(download_id: str, host: str, port: str, user: str, password: str) -> None:
    from mydia_tui.config import Config, DelugeConfig
    from mydia_tui.deluge import DelugeClient
    from mydia_tui.monitor.importer import Importer

    config = Config(
        deluge=DelugeConfig(
            host=host, port=int(port), username=user, password=password, timeout=120
        )
    )
    client = DelugeClient(config.deluge)
    client.connect()
    real_files = client.files

    def files(info_hash: str):
        _say("in files")
        return real_files(info_hash)

    client.files = files  # type: ignore[method-assign]
    _say("ready")
    _wait()
    result = Importer(config, client).import_download(int(download_id))
    _say(f"returned {result}")


def run_send(movie_id: str, info_hash: str) -> None:
    from mydia_tui.guard import GrabRequest, Guard
    from mydia_tui.library import movie_target

    def send():
        _say("sending")
        _wait()
        raise AssertionError("never told to go on")

    _say("ready")
    _wait()
    outcome = Guard().grab(
        movie_target(int(movie_id)), GrabRequest(info_hash, "killed sender"), send
    )
    _say(f"returned {outcome}")


def run_search(movie_id: str) -> None:
    from mydia_tui.config import Config
    from mydia_tui.guard import Outcome
    from mydia_tui.monitor.backlog_search import SearchMonitor, SearchResult

    def searcher(target):
        _say("searching")
        _wait()
        return SearchResult(())

    def grabber(target, candidate):
        return Outcome(False, reason="test", message="never grabs")

    _say("ready")
    _wait()
    report = SearchMonitor(Config(), searcher, grabber).run_cycle()
    _say(f"returned {report}")


def main(argv: list[str]) -> None:
    from mydia_tui.db import open_database

    mode, db, *args = argv
    open_database(db)
    {"import": run_import, "send": run_send, "search": run_search}[mode](*args)


if __name__ == "__main__":
    main(sys.argv[1:])
