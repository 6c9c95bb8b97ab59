"""Who holds something, and whether that process still runs.

A claim (``download.claimed_by``), an import (``download.import_by``) and a search lease
(``search_state.lease_holder``) each record the process holding it as ``"host:pid"``
(:func:`this_process`). When that process is gone, what it held would otherwise wait for its own
time limit (or for ever): :func:`process_alive` is the one check every taker-over makes.

* a holder on this host whose process is gone (or a zombie) is known dead: what it held is
  taken over at once;
* a holder on this host whose process runs is alive; so is a pid that was reused by another
  process since (it cannot be told apart): what it holds waits for its time limit, never less;
* a holder on another host, or a name that is not ``"host:pid"``, cannot be checked from here:
  what it holds waits for its time limit.
"""

from __future__ import annotations

import os
import socket


def this_process() -> str:
    """This process as holders record it: ``"host:pid"`` (``socket.gethostname()``, ``os.getpid()``)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_alive(holder: str) -> bool | None:
    """Whether the process named ``holder`` (``"host:pid"``) still runs.

    True or False for a process of this host (read from the kernel: ``kill(pid, 0)``, and
    ``/proc/PID/stat`` for a zombie, which counts as dead); None when the holder is another
    host's, or is not of the form ``"host:pid"``. Never raises."""
    host, _, pid = (holder or "").rpartition(":")
    if not host or not pid.isdigit() or host != socket.gethostname():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        return True
    except OverflowError:  # not a pid this system can have
        return False
    return not _zombie(int(pid))


def _zombie(pid: int) -> bool:
    """A process that has ended but that its parent has not reaped yet (Linux; False elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    # "pid (comm) S ...": the state follows the last ")" (comm may hold spaces and parentheses)
    return stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] == b"Z"
