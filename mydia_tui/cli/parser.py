"""The commands and their options (argparse); a usage error is one line and exit status 2."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NoReturn

from .. import __version__
from ..errors import EXIT_USAGE
from ..identity.titles import PLAUSIBLE_YEARS


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line with exit status 2, and where an
    option of one value given twice is a usage error (:class:`_Once`, every such option's
    action: the rule is the parser's, not each option's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _Once)
        self.register("action", "store", _Once)

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _Once(argparse.Action):
    """An option that names one thing (``grab --movie``, its source): given twice is a usage
    error, not the last one silently taken (``grab --movie 1 --movie 2`` grabbed for film 2:
    a new user's report). An option that may be repeated says so (``action="append"``)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        given = namespace.__dict__.setdefault("_given", set())  # (an option may have a default)
        if self.option_strings and self.dest in given:
            raise argparse.ArgumentError(self, "given twice (it takes one value)")
        given.add(self.dest)
        setattr(namespace, self.dest, values)


def _named(text: str) -> str:
    """An argparse ``type`` for a path or URL: empty is a usage error (``--db ''`` silently
    opened the default library: breaker12)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("names nothing (give a path, or leave the option out)")
    return text


def _whole(least: int, most: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number in ``[least, most]``, else a usage error saying so
    (an id past SQLite's 64-bit integers never reaches the database)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text[:40]!r}") from None
        if not least <= value <= most:
            raise argparse.ArgumentTypeError(f"must be between {least} and {most}, not {text[:40]}")
        return value

    parse.__name__ = "number"
    return parse


def _amount(least: float, most: float, unit: str) -> Callable[[str], float]:
    """An argparse ``type``: a finite number of ``unit`` in ``[least, most]``, else a usage
    error saying so."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of {unit}: {text[:40]!r}") from None
        if not least <= value <= most:
            raise argparse.ArgumentTypeError(
                f"must be between {least:g} and {most:g} {unit}, not {text[:40]}"
            )
        return value

    parse.__name__ = unit
    return parse


#: seconds, at most one day
_seconds = _amount(1, 86_400, "seconds")
#: days, at most a century
_days = _amount(0, 36_500, "days")


#: a row id or an outside service's id (SQLite's integers are 64-bit)
ID = _whole(1, 2**63 - 1)
#: a film's or show's year (the one range, ``identity.titles.PLAUSIBLE_YEARS``, that
#: ``library.add_movie`` checks too)
YEAR = _whole(PLAUSIBLE_YEARS[0], PLAUSIBLE_YEARS[-1])
_YEARS_HELP = f"{PLAUSIBLE_YEARS[0]} and {PLAUSIBLE_YEARS[-1]}"
#: a season or an episode number
NUMBER = _whole(0, 100_000)


def _lazy(module: str, name: str) -> Callable[[Any], int]:
    """A command of ``mydia_tui.cli.<module>``, imported only when it runs (``--help`` and
    the commands stay quick to start)."""

    def run(ctx: Any) -> int:
        import importlib

        return getattr(importlib.import_module(f"mydia_tui.cli.{module}"), name)(ctx)

    run.__name__ = name
    return run


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
        type=_named,
        help="config file (default: $MYDIA_TUI_CONFIG or the user config dir)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        type=_named,
        help="database file or postgresql:// URL (default: $MYDIA_TUI_DB or the user data dir)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    parser.set_defaults(handler=_lazy("tui", "cmd_tui"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print JSON (see README: JSON output)")

    add = sub.add_parser("add", help="add a film or a show to the library")
    add_sub = add.add_subparsers(
        dest="what", metavar="movie|show", required=True, parser_class=_Parser
    )
    movie = add_sub.add_parser("movie", help="add a film")
    movie.add_argument("title")
    movie.add_argument(
        "--year", type=YEAR, required=True, help=f"the film's year (between {_YEARS_HELP})"
    )
    movie.add_argument("--imdb", metavar="ID", help="IMDb id, e.g. tt1254207")
    movie.add_argument("--tmdb", metavar="ID", type=ID, help="TMDb id")
    movie.add_argument("--unmonitored", action="store_true", help="add without monitoring it")
    json_flag(movie)
    movie.set_defaults(handler=_lazy("library", "cmd_add_movie"))
    show = add_sub.add_parser(
        "show", help="add a show (episodes from TVmaze, or --seasons by hand)"
    )
    show.add_argument("title")
    how = show.add_mutually_exclusive_group()
    how.add_argument("--tvmaze", metavar="ID", type=ID, help="the TVmaze show id to use")
    how.add_argument("--seasons", metavar="SPEC", help="create episodes by hand, e.g. 1:10,2:8")
    show.add_argument(
        "--year",
        type=YEAR,
        help=f"first-aired year, between {_YEARS_HELP} (picks among TVmaze shows of one title)",
    )
    show.add_argument("--unmonitored", action="store_true", help="add without monitoring it")
    json_flag(show)
    show.set_defaults(handler=_lazy("library", "cmd_add_show"))

    lst = sub.add_parser("list", help="list the library with each item's status")
    which = lst.add_mutually_exclusive_group()
    which.add_argument("--wanted", action="store_true", help="only what is monitored and missing")
    which.add_argument(
        "--cutoff-unmet",
        action="store_true",
        help="only films and episodes whose file is below its quality profile's cutoff "
        "(wanted for an upgrade)",
    )
    lst.add_argument("--kind", choices=["movies", "shows"], help="only films or only shows")
    json_flag(lst)
    lst.set_defaults(handler=_lazy("library", "cmd_list"))

    upg = sub.add_parser(
        "upgrades",
        help="an item's quality upgrades: each one with its from/to quality, and whether they "
        "are paused",
    )
    upg.add_argument("item_id", type=ID, metavar="ITEM_ID")
    upg.add_argument(
        "--resume",
        action="store_true",
        help="resume upgrades paused after an upgrade that was not better",
    )
    json_flag(upg)
    upg.set_defaults(handler=_lazy("library", "cmd_upgrades"))

    mon = sub.add_parser(
        "monitored", help="turn monitoring of a film, show, season or episode on or off"
    )
    mon.add_argument("item_id", type=ID, metavar="ITEM_ID")
    mon.add_argument("state", choices=["on", "off"])
    mon.add_argument("--season", type=NUMBER, help="only this season of a show")
    mon.add_argument("--episode", type=NUMBER, help="only this episode (with --season)")
    json_flag(mon)
    mon.set_defaults(handler=_lazy("library", "cmd_monitored"))

    delete = sub.add_parser(
        "delete",
        help="delete a film or show from the library (its history is kept); refused while a "
        "download of it is in flight",
    )
    delete.add_argument("item_id", type=ID, metavar="ITEM_ID")
    delete.add_argument(
        "--files",
        action="store_true",
        help="also delete the files the library records for it, inside its library folder",
    )
    json_flag(delete)
    delete.set_defaults(handler=_lazy("library", "cmd_delete"))

    grab = sub.add_parser("grab", help="grab a release for a target, through the dedup guard")
    target = grab.add_mutually_exclusive_group(required=True)
    target.add_argument("--movie", type=ID, metavar="ID", help="a film's id")
    target.add_argument(
        "--episode",
        type=ID,
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
    grab.set_defaults(handler=_lazy("downloads", "cmd_grab"))

    dls = sub.add_parser("downloads", help="list downloads (active ones; --all for history)")
    dls.add_argument("--all", action="store_true", help="include imported, failed and removed")
    json_flag(dls)
    dls.set_defaults(handler=_lazy("downloads", "cmd_downloads"))

    retry = sub.add_parser(
        "retry-import", help="import again a download whose import gave up or whose importer died"
    )
    retry.add_argument("download_id", type=ID, metavar="DOWNLOAD_ID")
    json_flag(retry)
    retry.set_defaults(handler=_lazy("downloads", "cmd_retry_import"))

    for name, what in (
        ("pause", "pause a download's torrent in Deluge"),
        ("resume", "resume a download's torrent in Deluge"),
        ("recheck", "make Deluge check a download's data again"),
    ):
        act = sub.add_parser(name, help=what)
        act.add_argument("download_id", type=ID, metavar="DOWNLOAD_ID")
        json_flag(act)
        act.set_defaults(handler=_lazy("downloads", f"cmd_{name}"))
    queue = sub.add_parser("queue", help="move a download's torrent in Deluge's queue")
    queue.add_argument("move", choices=["up", "down", "top", "bottom"])
    queue.add_argument("download_id", type=ID, metavar="DOWNLOAD_ID")
    json_flag(queue)
    queue.set_defaults(handler=_lazy("downloads", "cmd_queue"))
    remove = sub.add_parser(
        "remove", help="remove a download's torrent from Deluge; its target is wanted again"
    )
    remove.add_argument("download_id", type=ID, metavar="DOWNLOAD_ID")
    remove.add_argument("--with-data", action="store_true", help="delete its data too")
    remove.add_argument(
        "--blocklist", action="store_true", help="never grab this release again (search another)"
    )
    remove.add_argument(
        "--search-again",
        action="store_true",
        help="blocklist it and search its film or episode again now (implies --blocklist)",
    )
    json_flag(remove)
    remove.set_defaults(handler=_lazy("downloads", "cmd_remove"))

    blk = sub.add_parser("blocklist", help="the releases never grabbed again: list and edit")
    json_flag(blk)
    blk.set_defaults(handler=_lazy("downloads", "cmd_blocklist"))
    blk_sub = blk.add_subparsers(
        dest="blocklist_action", metavar="add|remove|clear", parser_class=_Parser
    )
    blk_add = blk_sub.add_parser("add", help="blocklist an info-hash")
    blk_add.add_argument("info_hash", metavar="INFO_HASH", help="40 hex or 32 base32 characters")
    blk_add.add_argument("--reason", default="added by the user", help="why (shown in the list)")
    json_flag(blk_add)
    blk_add.set_defaults(handler=_lazy("downloads", "cmd_blocklist_add"))
    blk_rm = blk_sub.add_parser("remove", help="remove one entry: its release may be grabbed again")
    blk_rm.add_argument("entry_id", type=ID, metavar="ID")
    json_flag(blk_rm)
    blk_rm.set_defaults(handler=_lazy("downloads", "cmd_blocklist_remove"))
    blk_clear = blk_sub.add_parser("clear", help="remove every entry, or the old ones")
    blk_clear.add_argument(
        "--older-than", type=_days, metavar="DAYS", help="only entries added more than DAYS ago"
    )
    json_flag(blk_clear)
    blk_clear.set_defaults(handler=_lazy("downloads", "cmd_blocklist_clear"))

    hist = sub.add_parser("history", help="what happened: grabs, refusals and why, imports")
    hist.add_argument("item_id", type=ID, nargs="?", metavar="ITEM_ID")
    hist.add_argument("--limit", type=_whole(1, 100_000), default=50)
    hist.add_argument(
        "--kind",
        metavar="KIND",
        help="only events of one kind: grabbed, imported, upgraded, refused, failed, removed, ...",
    )
    json_flag(hist)
    hist.set_defaults(handler=_lazy("downloads", "cmd_history"))

    search = sub.add_parser("search", help="search the indexers for an item and rank the releases")
    search.add_argument("item_id", type=ID, metavar="ITEM_ID")
    search.add_argument("--season", type=NUMBER)
    search.add_argument("--episode", type=NUMBER)
    json_flag(search)
    search.set_defaults(handler=_lazy("search", "cmd_search"))

    monitor = sub.add_parser("monitor", help="run the search and download monitors headless")
    monitor.add_argument(
        "--once", action="store_true", help="run one cycle of each monitor and exit"
    )
    monitor.set_defaults(handler=_lazy("monitor", "cmd_monitor"))

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
        "item_id", type=ID, nargs="?", metavar="ITEM_ID", help="one show (default: all)"
    )
    json_flag(refresh)
    refresh.set_defaults(handler=_lazy("library", "cmd_refresh"))

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
    scan.set_defaults(handler=_lazy("scan", "cmd_scan"))

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
        type=_seconds,
        default=300.0,
        help="with --no-tui: give up after this many seconds",
    )
    demo.set_defaults(handler=_lazy("demo", "cmd_demo"))

    prof = sub.add_parser(
        "profiles", help="the quality profiles: each one's qualities, cutoff and items"
    )
    json_flag(prof)
    prof.set_defaults(handler=_lazy("config", "cmd_profiles"))
    prof_sub = prof.add_subparsers(dest="profiles_action", metavar="remove", parser_class=_Parser)
    prof_rm = prof_sub.add_parser(
        "remove", help="remove a profile no item uses from config.toml (its comments kept)"
    )
    prof_rm.add_argument("name", metavar="NAME", help="the profile's name, as `profiles` lists it")
    json_flag(prof_rm)
    prof_rm.set_defaults(handler=_lazy("config", "cmd_profiles_remove"))

    cfg = sub.add_parser("config", help="show the configuration or where it lives")
    cfg_sub = cfg.add_subparsers(
        dest="what", metavar="show|path", required=True, parser_class=_Parser
    )
    cfg_show = cfg_sub.add_parser("show", help="print the configuration, secrets redacted")
    json_flag(cfg_show)
    cfg_show.set_defaults(handler=_lazy("config", "cmd_config_show"))
    cfg_sub.add_parser("path", help="print the config file's path").set_defaults(
        handler=_lazy("config", "cmd_config_path")
    )
    return parser
