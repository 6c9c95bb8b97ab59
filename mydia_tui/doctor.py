"""``mydia-tui doctor`` and the TUI's health screen: check the configuration, the database, the
library folders (readable, writable, free space, on one file system with the downloads or
not), Deluge and the indexers, and say what to fix. Exit status 1 when something is wrong.

Every check takes a context with ``config`` (the :class:`~mydia_tui.config.Config`),
``db()`` (the open database) and ``db_target`` (where it is: a path or a URL):
the command line's :class:`~mydia_tui.cli.main.Context`, or :class:`OpenLibrary` for a
library already open. :func:`run_checks` runs them all, for both."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .units import counted


@dataclass(frozen=True)
class Finding:
    area: str
    ok: bool
    message: str
    #: a warning does not make doctor fail
    warning: bool = False


@dataclass(frozen=True)
class OpenLibrary:
    """The context of the checks for a library already open (the TUI): its configuration and
    the database the models are bound to (:func:`mydia_tui.db.bound_target` says where)."""

    config: Any

    @property
    def db_target(self) -> str:
        from .db import bound_target

        return bound_target()

    def db(self) -> Any:
        from .models import database

        return database.obj


def check_config(ctx) -> list[Finding]:
    from .config import permission_warning

    cfg = ctx.config
    where = str(cfg.source) if cfg.source else "no config file (defaults)"
    out = [Finding("config", True, f"read {where}")]
    warning = permission_warning(cfg)
    if warning:
        out.append(Finding("config", False, warning, warning=True))
    return out


#: below this many free bytes on a folder's disk, doctor warns (1 GiB)
LOW_SPACE_BYTES = 1024**3


def check_database(ctx) -> list[Finding]:
    from .db import describe_target, integrity_problems, is_sqlite
    from .migrations import LATEST, schema_version
    from .models import Download, MediaItem

    resolved = ctx.db_target
    target = describe_target(resolved)
    db = ctx.db()
    problems = integrity_problems(db)
    if problems:
        return [
            Finding(
                "database",
                False,
                f"{target} is damaged ({'; '.join(problems[:3])}): restore a backup, or move "
                "the file away to start an empty library",
            )
        ]
    version = schema_version(db)
    items = MediaItem.select().count()
    active = Download.select().where(Download.state.in_(("claimed", "sending"))).count()
    check = "quick_check ok" if is_sqlite(db) else "connection ok"
    out = [
        Finding(
            "database",
            version == LATEST,
            f"{target}: schema {version}, {counted(items, 'item')}, {check}",
        )
    ]
    if is_sqlite(db):
        out.extend(_free_space("database", Path(resolved).expanduser().parent))
    if active:
        out.append(
            Finding(
                "database",
                True,
                f"{counted(active, 'grab')} waiting for Deluge's answer (the monitor settles them)",
                warning=True,
            )
        )
    return out


def _free_space(area: str, folder: Path) -> list[Finding]:
    """A warning when the disk holding ``folder`` has less than :data:`LOW_SPACE_BYTES` free."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return []
    if free >= LOW_SPACE_BYTES:
        return []
    return [
        Finding(
            area,
            False,
            f"only {free // 1024**2} MiB free on the disk of {folder}: writes will fail when it "
            "is full",
            warning=True,
        )
    ]


def check_library(ctx) -> list[Finding]:
    cfg = ctx.config.library
    out = []
    if not cfg.movies and not cfg.shows:
        out.append(
            Finding(
                "library",
                False,
                "no library folders: add [library] movies / shows to config.toml",
                warning=True,
            )
        )
    from .scanning.folders import missing_folders

    for kind, roots in (("movies", cfg.movies), ("shows", cfg.shows)):
        missing = missing_folders(roots)
        for root in roots:
            path = Path(root)
            if root in missing:
                out.append(
                    Finding(
                        "library",
                        False,
                        f"{kind} folder {root} does not exist (is the disk mounted?)",
                    )
                )
            elif not os.access(path, os.W_OK):
                out.append(
                    Finding(
                        "library", False, f"{kind} folder {root} is not writable: imports will fail"
                    )
                )
            else:
                out.append(Finding("library", True, f"{kind} folder {root}"))
                out.extend(_free_space("library", path))
    deluge = ctx.config.deluge
    for folder in {
        deluge.local_path(deluge.movies_location),
        deluge.local_path(deluge.shows_location),
    } - {""}:
        if Path(folder).is_dir():  # a folder on this machine (Deluge may run elsewhere)
            out.extend(_free_space("downloads", Path(folder)))
    out.extend(_file_systems(ctx.config))
    return out


def _file_systems(config) -> list[Finding]:
    """For each library folder with a download folder (``[deluge] movies_location`` /
    ``shows_location``, as this machine sees it through the path mappings) that exists here:
    whether both are on one file system (``st_dev``), so that imports are hardlinks (no
    second copy of a seeding file), or a warning that imports will be copies."""
    deluge = config.deluge
    out = []
    for kind, roots, location in (
        ("movies", config.library.movies, deluge.movies_location),
        ("shows", config.library.shows, deluge.shows_location),
    ):
        downloads = deluge.local_path(location) if location else ""
        if not downloads or not os.path.isdir(downloads):
            continue
        for root in roots:
            try:
                same = os.stat(root).st_dev == os.stat(downloads).st_dev
            except OSError:
                continue  # a missing folder has its own finding
            if same:
                out.append(
                    Finding(
                        "library",
                        True,
                        f"{kind} downloads {downloads} and folder {root} are on one file system: "
                        "imports are hardlinks (no second copy)",
                    )
                )
            else:
                out.append(
                    Finding(
                        "library",
                        False,
                        f"{kind} downloads {downloads} and folder {root} are on different file "
                        "systems: imports are copies (twice the space while seeding); put both "
                        "on one disk for hardlinks",
                        warning=True,
                    )
                )
    return out


def check_deluge(ctx) -> list[Finding]:
    from .config import deluge_not_configured
    from .deluge import DelugeClient, DelugeError

    client = DelugeClient(ctx.config.deluge)
    try:
        version = client.connect()
        plugins = client.enabled_plugins()
        session = client.session()
        paths = _paths_found(ctx.config.deluge, client, session)
    except DelugeError as exc:
        if not ctx.config.deluge_configured:
            # as the status bar says it: the first thing to do is to set it up
            return [Finding("deluge", False, deluge_not_configured(client.where))]
        return [Finding("deluge", False, str(exc))]
    finally:
        client.close()
    out = [
        Finding(
            "deluge",
            True,
            f"Deluge {version} at {client.where}, {counted(len(session), 'torrent')}",
        )
    ]
    out.extend(paths)
    out.extend(_untracked(ctx, session))
    if ctx.config.deluge.label and "Label" not in plugins:
        out.append(
            Finding(
                "deluge",
                True,
                f"the Label plugin is off in Deluge: labels are not set (torrents will not get "
                f"the label {ctx.config.deluge.label!r}); grabs work without it",
                warning=True,
            )
        )
    return out


def _paths_found(deluge_config, client, session) -> list[Finding]:
    """Each ``[[deluge.path_mappings]]`` local folder exists; and a file Deluge reports (of a
    finished torrent when there is one) is found on this machine, else which mapping is
    missing. Raises DelugeError (the caller reports Deluge unreachable)."""
    out = [
        Finding(
            "deluge",
            os.path.isdir(m.local),
            f"path mapping {m.remote} -> {m.local}"
            + (
                ": the local folder exists"
                if os.path.isdir(m.local)
                else ": the local folder does not exist"
            ),
        )
        for m in deluge_config.path_mappings
    ]
    finished = sorted(session.values(), key=lambda st: (not st.is_complete, st.time_added))
    for st in finished:
        files = client.files(st.info_hash)
        if not files.files:
            continue  # a magnet without its metadata yet
        remote_folder = files.remote_save_path or files.save_path
        if not os.path.isdir(files.save_path):
            out.append(Finding("deluge", False, deluge_config.not_found_here(remote_folder)))
            break
        if not st.is_complete:
            continue  # its files need not exist yet
        relative = files.files[0][0]
        local = os.path.join(files.save_path, *relative.replace("\\", "/").split("/"))
        found = os.path.exists(local)
        message = (
            f"the files Deluge reports are found here ({local})"
            if found
            else f"Deluge reports {remote_folder}/{relative} as downloaded, but {local} is not "
            "found here: was it moved or deleted outside Deluge?"
        )
        out.append(Finding("deluge", found, message))
        break
    return out


def _untracked(ctx, session) -> list[Finding]:
    """Torrents that carry our label but that mydia-tui does not know (never touched)."""
    from .monitor.reconcile import untracked

    if not _database_opens(ctx):
        return []  # the database line says why; Deluge itself answered
    return [
        Finding(
            "deluge",
            True,
            f"untracked torrent with our label: {u.name} ({u.info_hash}, {u.state})",
            warning=True,
        )
        for u in untracked(ctx.config, session)
    ]


def _database_opens(ctx) -> bool:
    """Whether the library's database opens: the checks that read it are left out when not
    (the database's own line says why, once; breaker12: the deluge and indexers lines repeated
    it, or said "Cannot use uninitialized Proxy")."""
    from .errors import MydiaError

    try:
        ctx.db()
    except MydiaError:
        return False
    return True


def check_indexers(ctx) -> list[Finding]:
    if not ctx.config.indexers:
        return [
            Finding("indexers", False, "no indexers: add [[indexers]] to config.toml", warning=True)
        ]
    if not _database_opens(ctx):
        # each indexer's capabilities and health are kept in the database
        return [
            Finding("indexers", False, "not checked: the database cannot be opened", warning=True)
        ]
    try:
        from .item_search import check_indexers as probe
    except ModuleNotFoundError:
        return [
            Finding(
                "indexers", False, "indexer checks are not available in this version", warning=True
            )
        ]
    return [Finding("indexers", ok, message) for ok, message in probe(ctx.config)]


CHECKS: tuple[Callable[[Any], list[Finding]], ...] = (
    check_config,
    check_database,
    check_library,
    check_deluge,
    check_indexers,
)


def run_checks(ctx) -> list[Finding]:
    """Every check of :data:`CHECKS` on ``ctx``, in order; a check that raises becomes one
    failed finding with the error's text (doctor reports, it does not crash). Every message
    is redacted (:func:`~mydia_tui.config.redact_text` with the configuration's secrets).
    Blocks on the network (Deluge, each indexer: bounded by their timeouts, in seconds)."""
    from .config import redact_text, secrets_of

    findings: list[Finding] = []
    for check in CHECKS:
        try:
            findings.extend(check(ctx))
        except Exception as exc:  # noqa: BLE001 - doctor reports, it does not crash
            findings.append(Finding(check.__name__.removeprefix("check_"), False, str(exc)))
    secrets = secrets_of(ctx.config)
    return [Finding(f.area, f.ok, redact_text(f.message, secrets), f.warning) for f in findings]


def failed(findings: list[Finding]) -> list[Finding]:
    """The findings that make doctor fail (not ok, not a warning)."""
    return [f for f in findings if not f.ok and not f.warning]
