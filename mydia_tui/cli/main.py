"""``main()``: parse, load the configuration, run one command, and turn every failure into
one line on stderr with its exit status (an unexpected one also into a log file)."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from .. import __version__
from ..config import Config, load_config, redact_text, secrets_of
from ..errors import EXIT_FAILURE, MydiaError
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

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.ERROR,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config: Config | None = None
    ctx: Context | None = None
    try:
        if args.command == "config" and getattr(args, "what", "") == "path":
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
    what = redact_text(f"{type(exc).__name__}: {exc}", secrets).replace("\n", " ")
    print(f"mydia-tui: unexpected error in {command}: {what}; {where}", file=sys.stderr)
    return EXIT_FAILURE


def run() -> NoReturn:
    sys.exit(main())
