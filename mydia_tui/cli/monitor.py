"""``mydia-tui monitor``: the monitors in the foreground, logging to stderr and a log file,
stopping cleanly on SIGTERM or SIGINT; ``--once`` runs one cycle of each and exits (cron)."""

from __future__ import annotations

import logging
import logging.handlers
import signal
import sys
import threading

from ..config import redact_text, secrets_of
from ..events import CoreError, DelugeHealth, Event, MonitorState
from ..paths import log_dir
from .main import Context

log = logging.getLogger("mydia_tui.monitor")


class _Redacting(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(record.getMessage(), self.secrets)
        record.args = ()
        return True


def setup_logging(secrets: list[str], verbose: bool = False) -> str:
    """INFO to stderr and to ``monitor.log`` in the user's log folder; secrets redacted."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for h in list(root.handlers):
        root.removeHandler(h)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = _Redacting(secrets)
    err = logging.StreamHandler(sys.stderr)
    err.setFormatter(fmt)
    err.addFilter(redact)
    root.addHandler(err)
    folder = log_dir()
    path = folder / "monitor.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fh = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=3)
        fh.setFormatter(fmt)
        fh.addFilter(redact)
        root.addHandler(fh)
    except OSError as exc:
        log.warning("cannot write the log file %s: %s", path, exc.strerror)
    for noisy in ("httpx", "httpcore", "deluge_client", "peewee"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return str(path)


def log_event(event: Event) -> None:
    if isinstance(event, MonitorState) and event.phase == "searching":
        log.info("%s", event.current)
    elif isinstance(event, DelugeHealth):
        if not event.connected:
            log.warning("Deluge offline: %s", event.error)
    elif isinstance(event, CoreError):
        log.error("%s", event.message)


def cmd_monitor(ctx: Context) -> int:
    from ..monitor.engine import Monitor

    ctx.db()
    path = setup_logging(secrets_of(ctx.config), verbose=ctx.args.verbose)
    monitor = Monitor(ctx.config, on_event=log_event)
    try:
        if ctx.args.once:
            cycle, poll = monitor.run_once()
            if cycle is not None:
                log.info(
                    "search: %d searched, %d grabbed, %d found nothing",
                    len(cycle.searched),
                    len(cycle.grabbed),
                    len(cycle.empty),
                )
            log.info(
                "downloads: %d updated, %d imported, %d failed, %d removed",
                len(poll.updated),
                len(poll.imported),
                len(poll.failed),
                len(poll.removed),
            )
            return 0
        stop = threading.Event()

        def on_signal(signum, _frame) -> None:
            log.info("%s: stopping", signal.Signals(signum).name)
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        log.info("monitor started (log file: %s)", path)
        monitor.run(stop)
        log.info("monitor stopped")
        return 0
    finally:
        monitor.close()
