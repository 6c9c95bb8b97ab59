"""``demo [--no-tui] [--yes]``: the whole loop on this machine with nothing configured."""

from __future__ import annotations

import signal
import threading

from ..config import Config
from .main import Context, say
from .tui import run_tui


def cmd_demo(ctx: Context) -> int:
    from ..demo import Demo, ensure_deluged, remove_abandoned_demos, started_demo

    for folder in remove_abandoned_demos():
        say(f"mydia-tui demo: removed {folder}, left by a demo that was killed", flush=True)
    demo = Demo(deluged=ensure_deluged(yes=ctx.args.yes))
    # SIGTERM or a closed terminal ends the demo as ctrl+c does: its daemons stopped and its
    # folder removed (the TUI, while it runs, ends itself on them the same way)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    say("mydia-tui demo: starting two private Deluge daemons and a local feed...", flush=True)
    try:
        with started_demo(demo):
            say(f"mydia-tui demo: everything lives in {demo.root} until you quit", flush=True)
            if ctx.args.no_tui:
                return _run_headless(demo.config(), timeout=ctx.args.timeout)
            return run_tui(demo.config(), str(demo.config_path), "demo")
    finally:
        say("mydia-tui demo: stopped the daemons and removed", demo.root, flush=True)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _run_headless(config: Config, timeout: float) -> int:
    """Run the monitor until every demo film is imported (or ``timeout``), printing progress."""
    import time

    from ..monitor.engine import Monitor
    from ..views import list_items

    monitor = Monitor(config)
    stop = threading.Event()
    worker = threading.Thread(target=monitor.run, args=(stop,), daemon=True)
    worker.start()
    deadline = time.monotonic() + timeout
    last = ""
    try:
        while time.monotonic() < deadline:
            rows = list_items(include_specials=config.monitor.include_specials)
            line = ", ".join(f"{r.title}: {r.status}" for r in rows)
            if line != last:
                say(line, flush=True)
                last = line
            if rows and all(r.status == "on_disk" for r in rows):
                return 0
            time.sleep(0.5)
        say("mydia-tui demo: not every film was imported in time", flush=True)
        return 1
    finally:
        stop.set()
        worker.join(timeout=10)
        monitor.close()
