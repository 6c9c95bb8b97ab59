"""``main()``: parse, load the configuration, run one command, and turn every failure into
one line on stderr with its exit status (an unexpected one also into a log file)."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import stat
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from .. import __version__, startup
from ..config import (
    Config,
    RedactingFilter,
    load_config,
    permission_warning,
    redact_text,
    secrets_of,
)
from ..errors import EXIT_FAILURE, MydiaError
from ..untrusted import for_terminal
from .parser import build_parser


@dataclass
class Context:
    """What a command runs with: the configuration, and the database once opened."""

    args: argparse.Namespace
    config: Config
    _db: Any = None

    def db(self):
        if self._db is None:
            from ..library import open_library

            self._db = open_library(self.config, self.args.db)
        return self._db

    @property
    def db_target(self) -> str:
        """Where the database is: ``--db``, ``$MYDIA_TUI_DB``, the config's, or the default."""
        from ..db import resolve_target

        return resolve_target(self.args.db, self.config.database)

    def close(self) -> None:
        if self._db is not None:
            from ..db import close_database

            close_database(self._db)

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))


def say(*values: object, file: Any = None, end: str = "\n", flush: bool = False) -> None:
    """``print`` one line for the terminal: the text passes
    :func:`~mydia_tui.untrusted.for_terminal` (a title holding ``ESC [31m`` prints as
    ``␛[31m``, a line break inside it as ``␊`` or ``␤``: a file name or a magnet's ``dn=``
    never forges a row). Every text output of the command line goes through it, one call per
    line (:func:`say_lines` for a report of several); ``--json`` does not (JSON escapes those
    characters)."""
    text = " ".join(str(v) for v in values)
    try:
        print(for_terminal(text), file=file, end=end, flush=flush)
    except OSError as exc:
        stream = file or sys.stdout
        if not _terminal_gone(exc, stream):
            raise
        # the terminal went away (closed, its SSH connection lost): nothing can be said there,
        # and ending is what the user asked for (the demo's goodbye was an "unexpected error").
        # What is left in the stream's buffer goes to /dev/null when it is flushed (at exit:
        # a failed flush of stdout would make the exit status 120)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)


def say_lines(lines: Iterable[object], file: Any = None) -> None:
    """:func:`say` each of ``lines`` (a report of several lines: each is made one line)."""
    for line in lines:
        say(line, file=file)


def _terminal_gone(exc: OSError, file: Any) -> bool:
    """Whether ``exc`` is a write to a terminal that has hung up (``EIO`` on a character
    device), not a failing disk (a file or a pipe)."""
    if exc.errno != errno.EIO:
        return False
    try:
        return stat.S_ISCHR(os.fstat(file.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status.

    The one error boundary: a :class:`~mydia_tui.errors.MydiaError` is one line on stderr and
    its ``exit_code`` (2: usage or configuration, 1: anything else); a database failure that is
    not one (locked, damaged, read-only, full disk: :func:`mydia_tui.db.explain_failure`) is
    one line and 1; any other exception is one line naming the log file that holds its
    traceback, and 1. Every line is redacted and made safe for the terminal."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command not in (None, "demo"):
        startup.started()  # a command: start-up is over (the TUI says so after its first frame)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.ERROR, format=LOG_FORMAT)
    config: Config | None = None
    ctx: Context | None = None
    try:
        if args.command == "config" and getattr(args, "what", "") == "path":
            config = Config()
        else:
            config = load_config(args.config)
            warning = permission_warning(config)
            if warning and args.command != "doctor":  # doctor lists it among its findings
                say(f"mydia-tui: warning: {warning}", file=sys.stderr)
        for handler in logging.getLogger().handlers:
            handler.addFilter(RedactingFilter(secrets_of(config)))
        ctx = Context(args=args, config=config)
        return args.handler(ctx)
    except MydiaError as exc:
        return _fail(exc, config)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - the one place a bug becomes a line and a log
        from ..db import explain_failure, resolve_target

        explained = explain_failure(exc, resolve_target(args.db, config.database if config else ""))
        if explained is not None:
            return _fail(explained, config)
        return report_crash(exc, args.command or "tui", secrets_of(config) if config else [])
    finally:
        if ctx is not None:
            ctx.close()


def _fail(exc: MydiaError, config: Config | None) -> int:
    say(f"mydia-tui: {one_line(str(exc), secrets_of(config) if config else [])}", file=sys.stderr)
    return exc.exit_code


def one_line(text: str, secrets: Sequence[str] = ()) -> str:
    """``text`` redacted (:func:`~mydia_tui.config.redact_text`) on one line (line breaks and
    runs of spaces become one space)."""
    return " ".join(redact_text(text, secrets).split())


#: every log line: when, how grave, whose, what
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _OneLine(logging.Formatter):
    """:data:`LOG_FORMAT` without the traceback: one line for a person reading a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def log_handler(
    handler: logging.Handler, secrets: Sequence[str], *, tracebacks: bool = True
) -> logging.Handler:
    """``handler`` writing :data:`LOG_FORMAT` lines, secrets redacted (tracebacks too);
    without ``tracebacks`` (a terminal's stderr) every record is one line."""
    handler.setFormatter(logging.Formatter(LOG_FORMAT) if tracebacks else _OneLine(LOG_FORMAT))
    handler.addFilter(RedactingFilter(secrets))
    return handler


@contextmanager
def logging_to_file(command: str, secrets: Sequence[str]) -> Iterator[Path]:
    """While the TUI owns the terminal, log records go to ``<log dir>/<command>.log`` instead of
    stderr, where Textual draws: a monitor's traceback written there landed in the middle of
    the frame (a new user's report). The handlers before are put back after."""
    from ..paths import log_dir

    root = logging.getLogger()
    before = root.handlers[:]
    path = log_dir() / f"{command}.log"
    handler: logging.Handler
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        handler = logging.NullHandler()  # nowhere to write: never the terminal
    root.handlers = [log_handler(handler, secrets)]
    try:
        yield path
    finally:
        root.handlers = before
        handler.close()


def report_crash(exc: BaseException, command: str, secrets: Sequence[str]) -> int:
    """Write the traceback of an unexpected error to ``<log dir>/<command>.log`` (secrets
    redacted) and say in one line on stderr what happened and where that log is."""
    from ..paths import log_dir

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
    what = one_line(f"{type(exc).__name__}: {exc}", secrets)
    say(f"mydia-tui: unexpected error in {command}: {what}; {where}", file=sys.stderr)
    return EXIT_FAILURE


def run() -> NoReturn:
    sys.exit(main())
