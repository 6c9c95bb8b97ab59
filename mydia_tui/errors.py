"""Errors a user can meet, each with the exit status the command line gives it.

Messages are written for people: they say what happened and what to do, and never
carry a secret (passwords and API keys are redacted before they reach an error).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3


class MydiaError(Exception):
    """Base of every error mydia-tui reports to a person instead of a traceback."""

    exit_code = EXIT_FAILURE


class UsageError(MydiaError):
    """Bad command-line input."""

    exit_code = EXIT_USAGE


class ConfigError(MydiaError):
    """The configuration file is unreadable or holds a wrong value.

    For a wrong value, ``key`` is its dotted path in the file (``"deluge.port"``,
    ``"indexers[0].url"``) and ``problem`` what is wrong with it ("must be between 1 and
    65535"), so a form can show the message beside the field; both are None otherwise.
    ``hint`` is what the user may do about it, when there is something ("[monitor]
    allow_short_intervals = true lifts the minimum"): the message ends with it, the problem
    does not, so a form that lists several refusals says it once."""

    exit_code = EXIT_USAGE

    def __init__(
        self,
        message: str,
        *,
        key: str | None = None,
        problem: str | None = None,
        hint: str | None = None,
    ):
        super().__init__(message)
        self.key = key
        self.problem = problem
        self.hint = hint


class DatabaseError(MydiaError):
    """The database cannot be opened, created, upgraded, read or written (locked, damaged,
    read-only, on a full disk); the message says which and what to do."""

    exit_code = EXIT_FAILURE


class NotFound(MydiaError):
    """An id given by the user names nothing."""

    exit_code = EXIT_FAILURE


class AlreadyExists(MydiaError):
    """The user tried to add something the library already has."""

    exit_code = EXIT_FAILURE
