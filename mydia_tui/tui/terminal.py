"""The app's terminal driver: Textual's, made to end the app when its terminal goes away.

A terminal can go away without the app getting SIGHUP in time, or at all: an SSH connection
that dies, a tmux pane killed, a pseudo-terminal whose other end is closed. Textual 8.2.8's
Linux driver then never ends:

- its writer thread dies at the first write the terminal refuses (``EIO``), and the event
  loop blocks for ever in ``Queue.put`` once 30 frames wait (the dead writer of Textual issue
  #6692, reached by another road): the app's SIGHUP handler, which runs on that loop, never
  runs;
- its input thread reads the end of its input again and again, a core's worth of CPU (Textual
  pull request #6690, open).

Such an app is a process nobody sees: its monitor keeps searching and grabbing, it holds the
database. :class:`HangUpDriver` drops what is written once the terminal is gone, and a watch
thread asks the app to exit as SIGHUP does (the monitor stops, the database is closed) when
the terminal hangs up (``POLLHUP`` on its file) or refuses a write. If the app has not ended
:data:`EXIT_GRACE` seconds later, the process ends (SQLite's transactions and the dedup
guard's claims survive that, as they survive a crash).
"""

from __future__ import annotations

import logging
import os
import queue
import select
import threading

from textual.drivers.linux_driver import LinuxDriver

log = logging.getLogger(__name__)

#: how often the watch looks at the terminal (seconds)
WATCH_EVERY = 0.5
#: how long the app has to end once its terminal is gone (seconds)
EXIT_GRACE = 30.0
#: the exit status when the app had to be ended (128 + SIGHUP, as a shell reports a hang-up)
HUNG_UP_STATUS = 129


class HangUpDriver(LinuxDriver):
    """Textual's Linux driver, ending the app when its terminal goes away (see the module).

    Uses two of Textual 8.2.8's private attributes, ``_writer_thread`` and its ``_queue``
    (``textual`` is pinned): a write waits on the queue in short steps, so a dead writer is
    noticed instead of waited for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._gone = threading.Event()
        self._ended = threading.Event()
        self._watch: threading.Thread | None = None

    @property
    def terminal_gone(self) -> bool:
        """True once the terminal has hung up or refused a write."""
        return self._gone.is_set()

    def start_application_mode(self) -> None:
        super().start_application_mode()
        self._watch = threading.Thread(
            target=self._watch_terminal, name="mydia-terminal-watch", daemon=True
        )
        self._watch.start()

    def write(self, data: str) -> None:
        writer = self._writer_thread
        if writer is None or self._gone.is_set():
            return
        pending = writer._queue
        while True:
            if not writer.is_alive():  # it died on a write the terminal refused
                self._went_away("the terminal refused a write")
                return
            try:
                pending.put(data, timeout=WATCH_EVERY)
                return
            except queue.Full:
                if self._gone.is_set():
                    return

    def close(self) -> None:
        self._ended.set()
        writer = self._writer_thread
        if writer is not None and (self._gone.is_set() or not writer.is_alive()):
            return  # nothing will be written: stopping the writer would wait on a full queue
        super().close()

    def _watch_terminal(self) -> None:
        """Poll the terminal's file for a hang-up until the app ends."""
        poller = select.poll()
        try:
            poller.register(self.fileno, select.POLLHUP | select.POLLERR)
        except (OSError, ValueError):
            return
        hang_up = select.POLLHUP | select.POLLERR | select.POLLNVAL
        while not self._ended.is_set() and not self._gone.is_set():
            try:
                events = poller.poll(WATCH_EVERY * 1000)
            except OSError:
                events = [(self.fileno, select.POLLNVAL)]
            if any(mask & hang_up for _, mask in events):
                self._went_away("the terminal hung up")

    def _went_away(self, why: str) -> None:
        """Once: ask the app to exit as SIGHUP does; end the process if it has not ended
        :data:`EXIT_GRACE` seconds later."""
        if self._gone.is_set():
            return
        self._gone.set()
        log.warning("%s: the app exits", why)
        try:
            self._loop.call_soon_threadsafe(self._app.exit, None, HUNG_UP_STATUS)
        except RuntimeError:  # the loop has closed: the app has ended
            return
        threading.Thread(target=self._end_if_stuck, name="mydia-exit-grace", daemon=True).start()

    def _end_if_stuck(self) -> None:
        if self._ended.wait(EXIT_GRACE):
            return
        log.error("the terminal went away and the app did not end within %g s", EXIT_GRACE)
        logging.shutdown()
        os._exit(HUNG_UP_STATUS)
