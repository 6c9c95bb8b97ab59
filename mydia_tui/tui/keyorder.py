"""Keys typed fast are taken one at a time, as typed.

A terminal hands a burst of fast keys over in one read (a fast typist, a paste of keys, an app
busy for a moment), and Textual sends each key to the widget focused when the app reads it; a
key the widget does not take bubbles up, and the app runs the binding of the widget focused
*by then*. So a key that moves the focus or opens a screen acted only after the keys typed
behind it had gone to the old widget: the title, tab and at once ``1999`` put the digits in
the title; ``a`` and at once the title lost the title; ``/`` and at once ``sintel`` opened the
add-show form (``n``); a checkbox's space before tab was lost; an input's backspace ran after
the characters typed behind it; enter read the fields before they had taken the keys before it.

:class:`KeysInTurn` reads the next key only once the one before has been handled: by the
widget it went to, every node it bubbles through up to the app (each node's queue is taken in
order, so a callback queued behind the key runs after it), and, when it opened or closed a
screen, that screen once it has taken what was sent to it (mounted, its focus set). Then the
same nodes once more: what the key's binding (run by the app, once the key has bubbled up) sent
to them is taken too (the filter box's enter posts its Submitted, whose handler gives the list
the focus: the ``j`` typed behind it went into the filter). A paste is taken in turn with the
keys. A key that is never answered (a widget removed with the callback in its queue) holds the keys behind it
for a second or two at most.

A key whose answer comes from a thread (a form's enter: the film is added, then the form
closes) holds the keys behind it until that answer (:meth:`KeysInTurn.hold_keys`): ``a``, a
title, enter and at once ``a`` and the next title add both films, where the keys of the second
went to the main screen while the first was being added, and ran its commands.

Escape and a key typed right after it reach the app as one ``alt+`` key (the terminal's Alt
sends them so): an ``alt+`` letter nothing is bound to is taken as escape, then the letter
(:meth:`KeysInTurn._escape_then_key`).
"""

from __future__ import annotations

import time
from typing import TypeVar

from textual import events
from textual.app import App, ScreenStackError
from textual.dom import DOMNode
from textual.timer import Timer

ReturnType = TypeVar("ReturnType")

#: how long a key may wait for the one before it to be answered (seconds)
STUCK_AFTER = 1.0
#: how long keys may be held for an answer from a thread (seconds): longer than any request's
#: timeout (TVmaze's, the database's busy wait)
HELD_AT_MOST = 45.0


class KeysInTurn(App[ReturnType]):
    """An app that takes the keys it reads one at a time (see the module)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: keys (and pastes) read and not yet handled, the one being handled first
        self._keys_waiting: list[events.Key | events.Paste] = []
        #: when the first of them was taken
        self._key_taken_at = 0.0
        #: counts the keys taken: the answer for an older key is ignored
        self._key_turn = 0
        #: lets the keys go when one is never answered (see _watch_keys)
        self._key_watch: Timer | None = None
        #: what holds the keys for an answer from a thread (:meth:`hold_keys`)
        self._key_holders: set[object] = set()
        #: the turn whose answer came while the keys were held
        self._held_turn: int | None = None

    def hold_keys(self, holder: object) -> None:
        """Take no key after the one being handled until ``holder`` lets go
        (:meth:`release_keys`), or :data:`HELD_AT_MOST` seconds have passed: for a key whose
        answer comes from a thread (a form's submission)."""
        self._key_holders.add(holder)

    def release_keys(self, holder: object) -> None:
        """``holder`` no longer holds the keys; the keys waiting go on once no one does."""
        if holder not in self._key_holders:
            return
        self._key_holders.discard(holder)
        if not self._key_holders and self._held_turn is not None:
            turn, self._held_turn = self._held_turn, None
            self.call_later(self._key_handled, turn)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not self.screen_stack:
            # the app is closing and its screens are gone: a key let go now (the watch's, or
            # one typed while quitting) has nowhere to go; Textual's bindings would raise
            # ScreenStackError and end the app with a traceback (seen in CI)
            return
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            await super().on_event(event)
            return
        waiting = self._keys_waiting
        waiting.append(event)
        if len(waiting) == 1:
            await self._take_key()

    async def _take_key(self) -> None:
        event = self._keys_waiting[0]
        split = self._escape_then_key(event) if isinstance(event, events.Key) else None
        if split is not None:
            self._keys_waiting[0:1] = split
            event = split[0]
        self._key_turn += 1
        turn = self._key_turn
        self._key_taken_at = time.monotonic()
        screen = self.screen
        target: DOMNode = self.focused or screen
        await super().on_event(event)  # Textual's: a priority binding, or sent to ``target``
        nodes = list(target.ancestors_with_self)

        def step(rest: list[DOMNode], again: bool) -> None:
            while rest:
                head, rest = rest[0], rest[1:]
                if head.call_later(step, rest, again):
                    return
            if again:
                # the key's binding has run (the app's handler, once the key bubbled up): what
                # it sent to the nodes on the key's way (an input's Submitted, bubbling up to
                # the pane that gives the list the focus) is taken before the next key
                step(nodes, False)
                return
            try:
                now = self.screen
            except ScreenStackError:  # the app is closing
                return
            # a screen opened or closed: once it has taken what was sent to it (mounted, its
            # focus set)
            target = self if now is screen else now
            if not target.call_later(self._key_handled, turn):
                self.call_later(self._key_handled, turn)

        step(nodes, True)
        if self._key_watch is None:
            self._key_watch = self.set_timer(STUCK_AFTER, self._watch_keys)

    def _escape_then_key(self, event: events.Key) -> list[events.Key | events.Paste] | None:
        """Escape and the key typed after it, for an ``alt+`` key nothing here is bound to;
        None for any other key.

        A terminal's Alt sends escape before the key, so Textual's driver reads escape and a
        key typed within its escape delay (``ESCDELAY``, 100 ms) as one ``alt+`` key, and the
        escape was lost (escape and ``j`` at once put ``j`` in the filter box, whose escape
        was to close it). Read the other way, as readline reads escape then a key as Meta and
        the key, and vim in a terminal reads an Alt key as escape then the key. Only letters
        come as ``alt+``: the driver reads escape before a sign, a space or enter as that key
        alone, and escape before a digit as a macOS Option sign (``1``: ``¡``, ``3``: ``£``),
        which nothing can tell from that sign typed."""
        key, char = event.key, event.character
        if not key.startswith("alt+") or char is None or len(char) != 1:
            return None
        if not (char.isascii() and char.isalpha()):
            return None
        if key in self.screen.active_bindings:
            return None  # bound: the user's alt key (a remap in [tui.keys])
        return [events.Key("escape", "\x1b"), events.Key(char, char)]

    def _watch_keys(self) -> None:
        """Let the keys go when the one taken has waited too long for its answer."""
        self._key_watch = None
        if not self._keys_waiting:
            return
        waited = time.monotonic() - self._key_taken_at
        if self._key_holders and waited > HELD_AT_MOST:
            self._key_holders.clear()  # a holder that never let go: the keys go on
        if not self._key_holders and waited > STUCK_AFTER:
            self._held_turn = None
            self.call_later(self._key_handled, self._key_turn)
        self._key_watch = self.set_timer(STUCK_AFTER, self._watch_keys)

    async def _key_handled(self, turn: int) -> None:
        if turn != self._key_turn or not self._keys_waiting:
            return  # an older key's answer, come after the keys were let go
        if self._key_holders:
            self._held_turn = turn  # answered; the keys behind it wait for the holder
            return
        self._keys_waiting.pop(0)
        if self._keys_waiting:
            await self._take_key()
