"""The command line: one entry point for the TUI, the headless monitor and scripting.

Exit status: 0 success, 1 failure, 2 usage or configuration error, 3 refused by the dedup
guard. Every error is one line on stderr, never a traceback: an unexpected one (a bug, in a
command or in the TUI) also says which log file in the log folder holds its traceback.
``--json`` output is documented in the README and stable.

This module never imports Textual at import time: only opening the TUI does.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .config import Config, load_config, redact_text, secrets_of
from .errors import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, MydiaError

if TYPE_CHECKING:
    from .tui.app import MydiaApp

log = logging.getLogger("mydia_tui")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line with exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


@dataclass
class Context:
    """What a command runs with: the configuration, and the database once opened."""

    args: argparse.Namespace
    config: Config
    _db: Any = None

    def db(self):
        if self._db is None:
            from .library import open_library

            self._db = open_library(self.config, self.args.db)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


# ---------------------------------------------------------------------------------------------
# Commands


def cmd_add_movie(ctx: Context) -> int:
    from .library import add_movie

    ctx.db()
    info = add_movie(
        ctx.args.title,
        ctx.args.year,
        imdb_id=ctx.args.imdb,
        tmdb_id=ctx.args.tmdb,
        monitored=not ctx.args.unmonitored,
    )
    if ctx.json:
        emit_json(_item_json(info))
    else:
        print(f"added film {info.title} ({info.year}) as id {info.id}" + _monitored_note(info))
    return EXIT_OK


def cmd_add_show(ctx: Context) -> int:
    from .library import add_show, manual_episodes, parse_seasons

    ctx.db()
    args = ctx.args
    if args.seasons:
        episodes = manual_episodes(parse_seasons(args.seasons))
        info = add_show(args.title, episodes, year=args.year, monitored=not args.unmonitored)
    else:
        from .metadata import AmbiguousShow, add_show_from_tvmaze, candidate_json

        try:
            info = add_show_from_tvmaze(
                ctx.config,
                args.title,
                tvmaze_id=args.tvmaze,
                year=args.year,
                monitored=not args.unmonitored,
            )
        except AmbiguousShow as exc:
            # the choices go to stdout (a table, or JSON), the one-line error to stderr
            if ctx.json:
                emit_json({"candidates": [candidate_json(c) for c in exc.candidates]})
            else:
                print(f"several TVmaze shows match {args.title!r}; add one with --tvmaze ID:")
                for c in exc.candidates:
                    print(f"{c.tvmaze_id:>8}  {c.label()}")
            raise
    if ctx.json:
        emit_json(_item_json(info))
    else:
        year = f" ({info.year})" if info.year else ""
        print(
            f"added show {info.title}{year} as id {info.id} with {info.episodes} episodes"
            + _monitored_note(info)
        )
    return EXIT_OK


def _monitored_note(info) -> str:
    return "" if info.monitored else " (unmonitored)"


def _item_json(info) -> dict:
    return {
        "id": info.id,
        "kind": info.kind,
        "title": info.title,
        "year": info.year,
        "monitored": info.monitored,
        "imdb_id": info.imdb_id,
        "tmdb_id": info.tmdb_id,
        "tvmaze_id": info.tvmaze_id,
        "folder": info.folder,
        "episodes": info.episodes if info.kind == "show" else None,
    }


_STATUS_TEXT = {
    "on_disk": "on disk",
    "missing": "missing",
    "downloading": "downloading",
    "unmonitored": "unmonitored",
    "partial": "partly on disk",
    "complete": "complete",
    "upcoming": "upcoming",
}


def cmd_list(ctx: Context) -> int:
    from .library import item_row_json, list_items

    ctx.db()
    kind = {"movies": "movie", "shows": "show", None: None}[ctx.args.kind]
    rows = list_items(kind=kind, wanted_only=ctx.args.wanted)
    if ctx.json:
        emit_json([item_row_json(r) for r in rows])
        return EXIT_OK
    if not rows:
        print("nothing wanted" if ctx.args.wanted else "the library is empty")
        return EXIT_OK
    for r in rows:
        year = f" ({r.year})" if r.year else ""
        status = _STATUS_TEXT.get(r.status, r.status)
        if r.status == "on_disk" and r.quality:
            status += f" [{r.quality}]"
        if r.progress is not None and r.status == "downloading":
            status += f" {r.progress * 100:.0f}%"
        if r.kind == "show":
            status += f", {r.episodes_on_disk}/{r.aired} aired episodes on disk"
        kind = "film" if r.kind == "movie" else "show"
        print(f"{r.id:>6}  {kind:<4}  {r.title}{year}  {status}")
    return EXIT_OK


def cmd_monitored(ctx: Context) -> int:
    from .library import set_monitored

    ctx.db()
    value = ctx.args.state == "on"
    changed = set_monitored(
        ctx.args.item_id, value, season=ctx.args.season, episode=ctx.args.episode
    )
    if ctx.json:
        emit_json({"id": ctx.args.item_id, "monitored": value, "changed": changed})
    else:
        print(f"{'monitored' if value else 'unmonitored'}: {changed} row(s) changed")
    return EXIT_OK


def cmd_downloads(ctx: Context) -> int:
    from .downloads import download_json, list_downloads

    ctx.db()
    rows = list_downloads(include_finished=ctx.args.all)
    if ctx.json:
        emit_json([download_json(d) for d in rows])
        return EXIT_OK
    if not rows:
        print("no downloads" if ctx.args.all else "no active downloads (--all shows history)")
        return EXIT_OK
    for d in rows:
        line = f"{d.id:>6}  {d.state:<13} {d.progress * 100:5.1f}%  {d.target}  {d.title}"
        if d.error_message:
            line += f"  ({d.error_message})"
        print(line)
    return EXIT_OK


def cmd_retry_import(ctx: Context) -> int:
    from .downloads import get_download
    from .monitor.importer import retry_import

    ctx.db()
    row = get_download(ctx.args.download_id)
    if row is None:
        raise MydiaError(f"no download with id {ctx.args.download_id}")
    if not retry_import(row.id):
        raise MydiaError(
            f"download {row.id} ({row.title}) is {row.state}, not waiting for an import retry"
        )
    if ctx.json:
        emit_json({"id": row.id, "state": "completed", "retry": True})
    else:
        print(f"download {row.id} ({row.title}) will be imported again at the monitor's next poll")
    return EXIT_OK


def cmd_history(ctx: Context) -> int:
    from .history import history_json, list_history

    ctx.db()
    events = list_history(item_id=ctx.args.item_id, limit=ctx.args.limit)
    if ctx.json:
        emit_json([history_json(e) for e in events])
        return EXIT_OK
    from .models import to_local

    for e in events:
        reason = f" [{e.reason}]" if e.reason else ""
        at = to_local(e.at).strftime("%Y-%m-%d %H:%M:%S %z")
        print(f"{at}  {e.event:<13}{reason}  {e.message}")
    return EXIT_OK


def cmd_config_show(ctx: Context) -> int:
    from .config import dumps

    source = ctx.config.source or "(defaults: no config file)"
    if ctx.json:
        from .config import redacted

        emit_json({"source": str(source), "config": redacted(ctx.config)})
    else:
        print(f"# {source}")
        print(dumps(ctx.config), end="")
    return EXIT_OK


def cmd_config_path(ctx: Context) -> int:
    from .paths import config_path

    print(config_path(ctx.args.config))
    return EXIT_OK


def cmd_tui(ctx: Context) -> int:
    ctx.db()
    return run_tui(ctx.config, ctx.args.config)


@contextmanager
def tui_app(config: Config, config_path: str | None) -> Iterator[MydiaApp]:
    """The app as ``mydia-tui`` opens it (``demo`` too): its monitor and services share one
    Deluge client, closed when the block ends. The library must be open already."""
    from .deluge import DelugeClient
    from .monitor.engine import Monitor
    from .services import Services
    from .tui.app import MydiaApp

    client = DelugeClient(config.deluge)
    try:
        yield MydiaApp(
            config=config,
            config_path=config_path,
            monitor_factory=lambda: Monitor(config, client=client),
            services=Services(config, client),
        )
    finally:
        client.close()


def run_tui(config: Config, config_path: str | None) -> int:
    """Run the app in this terminal until the user quits; an uncaught error that ended it is
    raised again here, for :func:`main` to report."""
    with tui_app(config, config_path) as app:
        app.run()
    if app.crash is not None:
        raise app.crash
    return EXIT_OK


def _lazy(module: str, name: str) -> Callable[[Context], int]:
    """A command whose code lives in another module (imported only when it runs)."""

    def run(ctx: Context) -> int:
        import importlib

        try:
            mod = importlib.import_module(f"mydia_tui.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"mydia_tui.{module}":
                raise
            raise MydiaError(f"'{ctx.args.command}' is not available in this version yet") from None
        return getattr(mod, name)(ctx)

    run.__name__ = name
    return run


# ---------------------------------------------------------------------------------------------
# The parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mydia-tui",
        description=(
            "A keyboard-driven terminal media manager: see what you have, what is missing and "
            "what is downloading, and let the monitor fetch what is missing from your Torznab "
            "indexers through Deluge, never twice. With no command it opens the TUI."
        ),
    )
    parser.add_argument("--version", action="version", version=f"mydia-tui {__version__}")
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $MYDIA_TUI_CONFIG or the user config dir)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database file or postgresql:// URL (default: $MYDIA_TUI_DB or the user data dir)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    parser.set_defaults(handler=cmd_tui)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print JSON (see README: JSON output)")

    add = sub.add_parser("add", help="add a film or a show to the library")
    add_sub = add.add_subparsers(
        dest="what", metavar="movie|show", required=True, parser_class=_Parser
    )
    movie = add_sub.add_parser("movie", help="add a film")
    movie.add_argument("title")
    movie.add_argument("--year", type=int, required=True)
    movie.add_argument("--imdb", metavar="ID", help="IMDb id, e.g. tt1254207")
    movie.add_argument("--tmdb", metavar="ID", type=int, help="TMDb id")
    movie.add_argument("--unmonitored", action="store_true", help="add without monitoring it")
    json_flag(movie)
    movie.set_defaults(handler=cmd_add_movie)
    show = add_sub.add_parser(
        "show", help="add a show (episodes from TVmaze, or --seasons by hand)"
    )
    show.add_argument("title")
    how = show.add_mutually_exclusive_group()
    how.add_argument("--tvmaze", metavar="ID", type=int, help="the TVmaze show id to use")
    how.add_argument("--seasons", metavar="SPEC", help="create episodes by hand, e.g. 1:10,2:8")
    show.add_argument(
        "--year", type=int, help="first-aired year (picks among TVmaze shows of one title)"
    )
    show.add_argument("--unmonitored", action="store_true", help="add without monitoring it")
    json_flag(show)
    show.set_defaults(handler=cmd_add_show)

    lst = sub.add_parser("list", help="list the library with each item's status")
    lst.add_argument("--wanted", action="store_true", help="only what is monitored and missing")
    lst.add_argument("--kind", choices=["movies", "shows"], help="only films or only shows")
    json_flag(lst)
    lst.set_defaults(handler=cmd_list)

    mon = sub.add_parser(
        "monitored", help="turn monitoring of a film, show, season or episode on or off"
    )
    mon.add_argument("item_id", type=int, metavar="ITEM_ID")
    mon.add_argument("state", choices=["on", "off"])
    mon.add_argument("--season", type=int, help="only this season of a show")
    mon.add_argument("--episode", type=int, help="only this episode (with --season)")
    json_flag(mon)
    mon.set_defaults(handler=cmd_monitored)

    grab = sub.add_parser("grab", help="grab a release for a target, through the dedup guard")
    target = grab.add_mutually_exclusive_group(required=True)
    target.add_argument("--movie", type=int, metavar="ID", help="a film's id")
    target.add_argument(
        "--episode",
        type=int,
        metavar="ID",
        action="append",
        help="an episode's id (repeat for a multi-episode release)",
    )
    target.add_argument("--season", metavar="SHOW_ID:N", help="a season pack: show id and season")
    source = grab.add_mutually_exclusive_group(required=True)
    source.add_argument("--magnet", metavar="URI")
    source.add_argument("--torrent", metavar="FILE")
    source.add_argument("--url", metavar="URL")
    grab.add_argument("--title", help="the release's name (default: from the magnet or torrent)")
    json_flag(grab)
    grab.set_defaults(handler=_lazy("grabbing", "cmd_grab"))

    dls = sub.add_parser("downloads", help="list downloads (active ones; --all for history)")
    dls.add_argument("--all", action="store_true", help="include imported, failed and removed")
    json_flag(dls)
    dls.set_defaults(handler=cmd_downloads)

    retry = sub.add_parser(
        "retry-import", help="import again a download whose import gave up or whose importer died"
    )
    retry.add_argument("download_id", type=int, metavar="DOWNLOAD_ID")
    json_flag(retry)
    retry.set_defaults(handler=cmd_retry_import)

    hist = sub.add_parser("history", help="what happened: grabs, refusals and why, imports")
    hist.add_argument("item_id", type=int, nargs="?", metavar="ITEM_ID")
    hist.add_argument("--limit", type=int, default=50)
    json_flag(hist)
    hist.set_defaults(handler=cmd_history)

    search = sub.add_parser("search", help="search the indexers for an item and rank the releases")
    search.add_argument("item_id", type=int, metavar="ITEM_ID")
    search.add_argument("--season", type=int)
    search.add_argument("--episode", type=int)
    json_flag(search)
    search.set_defaults(handler=_lazy("searching", "cmd_search"))

    monitor = sub.add_parser("monitor", help="run the search and download monitors headless")
    monitor.add_argument(
        "--once", action="store_true", help="run one cycle of each monitor and exit"
    )
    monitor.set_defaults(handler=_lazy("monitor.headless", "cmd_monitor"))

    refresh = sub.add_parser(
        "refresh",
        help="read shows again from TVmaze: new episodes, titles and air dates",
        description=(
            "Read a show (or every show that came from TVmaze) again: new episodes are added "
            "(monitored if the show monitors new episodes), titles and air dates are updated. "
            "Monitored flags and the show's title are never changed."
        ),
    )
    refresh.add_argument(
        "item_id", type=int, nargs="?", metavar="ITEM_ID", help="one show (default: all)"
    )
    json_flag(refresh)
    refresh.set_defaults(handler=_lazy("metadata", "cmd_refresh"))

    scan = sub.add_parser(
        "scan",
        help="scan the library folders for files",
        description=(
            "Walk the [library] folders, match video files to the films and episodes in the "
            "library, and forget files that are gone. When a folder is missing or empty, or "
            "more than [library] vanish_threshold of its files vanished at once, nothing is "
            "removed and a warning says why."
        ),
    )
    scan.add_argument(
        "--allow-mass-removal",
        action="store_true",
        help="remove records even when a folder is empty or many files vanished at once",
    )
    json_flag(scan)
    scan.set_defaults(handler=_lazy("scanning", "cmd_scan"))

    doctor = sub.add_parser(
        "doctor", help="check the config, the database, Deluge and the indexers"
    )
    json_flag(doctor)
    doctor.set_defaults(handler=_lazy("doctor", "cmd_doctor"))

    demo = sub.add_parser(
        "demo", help="try it: private Deluge daemons, a local feed and open films"
    )
    demo.add_argument(
        "--no-tui",
        action="store_true",
        help="run the monitor without the TUI until every film is imported",
    )
    demo.add_argument(
        "--yes",
        action="store_true",
        help="when no deluged is found, install a private one without asking",
    )
    demo.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="with --no-tui: give up after this many seconds",
    )
    demo.set_defaults(handler=_lazy("demo", "cmd_demo"))

    cfg = sub.add_parser("config", help="show the configuration or where it lives")
    cfg_sub = cfg.add_subparsers(
        dest="what", metavar="show|path", required=True, parser_class=_Parser
    )
    cfg_show = cfg_sub.add_parser("show", help="print the configuration, secrets redacted")
    json_flag(cfg_show)
    cfg_show.set_defaults(handler=cmd_config_show)
    cfg_sub.add_parser("path", help="print the config file's path").set_defaults(
        handler=cmd_config_path
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.ERROR,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config: Config | None = None
    ctx: Context | None = None
    try:
        if args.handler is cmd_config_path:
            config = Config()
        else:
            config = load_config(args.config)
        ctx = Context(args=args, config=config)
        return args.handler(ctx)
    except MydiaError as exc:
        secrets = secrets_of(config) if config else []
        message = redact_text(str(exc), secrets).replace("\n", " ")
        print(f"mydia-tui: {message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - the one place a bug becomes a line and a log
        return report_crash(exc, args.command or "tui", secrets_of(config) if config else [])
    finally:
        if ctx is not None:
            ctx.close()


def report_crash(exc: BaseException, command: str, secrets: Sequence[str]) -> int:
    """Write the traceback of an unexpected error to ``<log dir>/<command>.log`` (secrets
    redacted) and say in one line on stderr what happened and where that log is."""
    from .paths import log_dir

    path = log_dir() / f"{command}.log"
    text = "".join(traceback.format_exception(exc))
    entry = f"{datetime.now().astimezone().isoformat(timespec='seconds')} mydia-tui {__version__}"
    entry += f" {' '.join(sys.argv[1:])}\n{text}\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(redact_text(entry, secrets))
        where = f"the traceback is in {path}"
    except OSError as err:
        where = f"its traceback could not be written to {path} ({err.strerror})"
    what = redact_text(f"{type(exc).__name__}: {exc}", secrets).replace("\n", " ")
    print(f"mydia-tui: unexpected error in {command}: {what}; {where}", file=sys.stderr)
    return EXIT_FAILURE


def run() -> NoReturn:
    sys.exit(main())


if __name__ == "__main__":
    run()
