"""Waiting in Pilot tests on a condition, never on a fixed sleep: the one ``wait_until``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


async def wait_until(
    pilot,
    predicate: Callable[[], Any],
    what: Any = "",
    *,
    timeout: float = 60.0,
    each: Callable[[], Any] | None = None,
    step: float = 0.05,
) -> None:
    """Let the app run (``pilot.pause(step)``, seconds) until ``predicate()`` holds;
    ``each()`` runs at every step (checks that must hold throughout, dials). Raises
    AssertionError naming ``what`` (or the predicate) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if each is not None:
            each()
        if predicate():
            return
        await pilot.pause(step)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what or predicate}")
