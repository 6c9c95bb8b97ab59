"""``mydia-tui monitor``: the monitors in the foreground, logging to stderr and a log file,
stopping cleanly on SIGTERM or SIGINT; ``--once`` runs one cycle of each and exits (cron)."""

from __future__ import annotations

import logging
import logging.handlers
import signal
import sys
import threading

from ..config import secrets_of
from ..errors import EXIT_FAILURE, EXIT_OK
from ..events import Event, MonitorState
from ..paths import log_dir
from ..units import counted
from .main import Context, log_handler

log = logging.getLogger("mydia_tui.monitor")


def setup_logging(secrets: list[str], verbose: bool = False) -> str:
    """INFO to stderr and to ``monitor.log`` in the user's log folder; secrets redacted."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for h in list(root.handlers):
        root.removeHandler(h)
    # stderr: one line a record; the traceback of an unexpected error is in the file
    root.addHandler(log_handler(logging.StreamHandler(sys.stderr), secrets, tracebacks=False))
    folder = log_dir()
    path = folder / "monitor.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fh = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=3)
        root.addHandler(log_handler(fh, secrets))
    except OSError as exc:
        log.warning("cannot write the log file %s: %s", path, exc.strerror)
    for noisy in ("httpx", "httpcore", "deluge_client", "peewee"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return str(path)


def log_event(event: Event) -> None:
    """Log what the monitor reports that no core module logs itself. Deluge's health is not
    among them: its client logs each change once, as an indexer's health does (a warning when
    it goes offline, with why; "connected to Deluge ..." when it is back), and the monitor
    reports it at every poll (it logged "Deluge offline" at every poll: a new user's report)."""
    if isinstance(event, MonitorState) and event.phase == "searching":
        log.info("%s", event.current)
    # a CoreError is logged by the engine itself (once while it lasts), not again here


def _report_once(monitor, cycle, poll) -> int:
    """Log what ``monitor --once`` did (both polls counted) and give its exit status: 1 when
    any part failed (a phase raised, Deluge did not answer a poll, a search failed, no indexer
    could be asked: every enabled one is failing or backing off)."""
    from ..item_search import indexers_failing

    if cycle is not None:
        log.info(
            "search: %d searched, %d grabbed, %d found nothing, %d failed",
            len(cycle.searched),
            len(cycle.grabbed),
            len(cycle.empty),
            len(cycle.failed),
        )
    log.info(
        "downloads: %d updated, %d imported, %d failed, %d removed",
        len(poll.updated),
        len(poll.imported),
        len(poll.failed),
        len(poll.removed),
    )
    failed = list(monitor.failures) + (list(cycle.failed) if cycle is not None else [])
    if not poll.ok and not monitor.failures:
        failed.append(f"Deluge did not answer: {poll.error or 'offline'}")
    unasked = indexers_failing(monitor.config)
    if unasked and not (cycle is not None and cycle.failed):
        # (a search that failed on them says so already, naming what it searched for)
        failed.append(f"no indexer could be asked: {unasked}")
    if failed:
        log.error("monitor --once: %s failed: %s", counted(len(failed), "part"), "; ".join(failed))
        return EXIT_FAILURE
    return EXIT_OK


def cmd_monitor(ctx: Context) -> int:
    from ..monitor.engine import Monitor

    ctx.db()
    path = setup_logging(secrets_of(ctx.config), verbose=ctx.args.verbose)
    monitor = Monitor(ctx.config, on_event=log_event)
    try:
        if ctx.args.once:
            return _report_once(monitor, *monitor.run_once())
        stop = threading.Event()
        hung_up = False

        def on_signal(signum, _frame) -> None:
            nonlocal hung_up
            log.info("%s: stopping", signal.Signals(signum).name)
            hung_up = hung_up or signum == getattr(signal, "SIGHUP", None)
            stop.set()

        # SIGHUP: the terminal it runs in closed; it stops as cleanly as for SIGTERM
        for name in ("SIGTERM", "SIGINT", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), on_signal)
        log.info("monitor started (log file: %s)", path)
        monitor.run(stop)
        log.info("monitor stopped")
        return 129 if hung_up else 0  # 129: a hang-up, as a shell reports it (and the TUI)
    finally:
        monitor.close()
