"""Reading a file the user named or the app keeps, with a size cap, never hanging.

Every file mydia-tui reads whole goes through :func:`read_capped`: the configuration
(:data:`MAX_CONFIG_BYTES`) and local ``.torrent`` files (the same cap as downloaded ones,
``deluge.MAX_TORRENT_BYTES``). A FIFO, a device (``/dev/zero``), a socket or a directory is
refused before a byte is read (opening does not block: ``O_NONBLOCK``), a symlink loop is an
error, and a file larger than the cap is refused without reading past it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import MydiaError

#: bytes a configuration file may hold (a real one is a few KiB)
MAX_CONFIG_BYTES = 1024 * 1024


class UnreadableFile(MydiaError):
    """A file that cannot be read, is not a regular file, or is larger than its cap; the
    message names the file and says why, in one line."""


def read_capped(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path`` (following symlinks), at most ``limit`` bytes.

    Raises ``FileNotFoundError`` when it does not exist (callers decide what a missing file
    means) and :class:`UnreadableFile` ("<path>: is a FIFO, not a <what>", "... is larger
    than <limit> bytes", "cannot read ...: <reason>") for everything else.
    """
    shown = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        reason = "a symlink loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
        raise UnreadableFile(f"cannot read {shown}: {reason}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"{shown}: is {_kind(info.st_mode)}, not a {what}")
        if info.st_size > limit:
            raise UnreadableFile(
                f"{shown}: {info.st_size} bytes is larger than a {what} may be ({limit} bytes)"
            )
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile(f"cannot read {shown}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise UnreadableFile(f"{shown}: larger than a {what} may be ({limit} bytes)")
    return data


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
