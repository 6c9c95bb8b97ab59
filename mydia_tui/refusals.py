"""Why a release was refused: every reason in one enumeration (Sonarr's rejection reasons).

Two stages refuse releases, each with small named rules where the first refusal wins:

* a search's **release rules** (:mod:`mydia_tui.releases.decide`) judge what an indexer
  offers: is it this film or these episodes at all, and what the user accepts (words, quality,
  size, seeders, upgrades);
* a **grab** (:mod:`mydia_tui.grabbing` and the dedup guard, :mod:`mydia_tui.guard`) refuses
  what must not be downloaded now: the target on disk or in flight, the same torrent, the
  blocklist, a torrent that cannot be read, a client that would not take it.

Each :class:`Reason` also says whether another release of the same target is worth trying
after it (:attr:`Reason.try_next`, Sonarr's "temporary" against "permanent"): a refusal about
*this release* (its torrent, its link, the client's answer) leaves the target wanted, so the
next-ranked release is tried; a refusal about *the target* (on disk, in flight, nothing to grab,
its quality already good enough) holds for every release, so the search stops there.

The values are the strings stored in the history (``reason``) and printed by ``--json``: they
are part of the stable contract and never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Stage = Literal["search", "grab"]


class Reason(StrEnum):
    """A reason to refuse a release. A ``str``: compares, formats and serialises as its value."""

    #: whether another release of the same target may be grabbed after this refusal
    try_next: bool
    #: who gives it: the release rules of a search, or a grab (the guard and the grab path)
    stage: Stage

    def __new__(cls, value: str, try_next: bool, stage: Stage) -> Reason:
        member = str.__new__(cls, value)
        member._value_ = value
        member.try_next = try_next
        member.stage = stage
        return member

    # -- a grab: the guard's rules, in the order they run, then the grab path's own -----------

    #: no target, or one that covers nothing
    INVALID_TARGET = "invalid_target", False, "grab"
    #: a file is on disk for part of the target
    ALREADY_ON_DISK = "already_on_disk", False, "grab"
    #: an active download holds part of the target
    IN_FLIGHT = "in_flight", False, "grab"
    #: this torrent is an active or imported download already
    SAME_TORRENT = "same_torrent", True, "grab"
    #: this release is on the blocklist
    BLOCKLISTED = "blocklisted", True, "grab"
    #: the release's torrent could not be read (a broken magnet, a link that fails): blocklisted
    BAD_RELEASE = "bad_release", True, "grab"
    #: the download client did not take the torrent (also the reason of a download that failed
    #: in the client, and of a claim whose add never reached it)
    CLIENT_ERROR = "client_error", True, "grab"
    #: an upgrade's file, read after import, was not better than the file it was to replace:
    #: the release is blocklisted and the item's upgrades pause (:mod:`mydia_tui.upgrades`)
    UPGRADE_NOT_BETTER = "upgrade_not_better", True, "grab"

    # -- a search: the release rules (:mod:`mydia_tui.releases.decide`), in the order they run --

    UNPARSEABLE = "unparseable", True, "search"
    ID_MISMATCH = "id_mismatch", True, "search"
    #: bonus material of the film or show (featurette, making-of, trailer, ...)
    EXTRAS = "extras", True, "search"
    WRONG_TITLE = "wrong_title", True, "search"
    WRONG_YEAR = "wrong_year", True, "search"
    NOT_A_MOVIE = "not_a_movie", True, "search"
    NOT_AN_EPISODE = "not_an_episode", True, "search"
    WRONG_SEASON = "wrong_season", True, "search"
    WRONG_EPISODE = "wrong_episode", True, "search"
    NOT_SEASON_PACK = "not_season_pack", True, "search"
    SEASON_PACK = "season_pack", True, "search"
    BLOCKED_WORD = "blocked_word", True, "search"
    NOT_ALLOWED_QUALITY = "not_allowed_quality", True, "search"
    TOO_SMALL = "too_small", True, "search"
    TOO_BIG = "too_big", True, "search"
    NO_SEEDERS = "no_seeders", True, "search"
    #: the file on disk is not to be upgraded: no release will do
    UPGRADES_DISABLED = "upgrades_disabled", False, "search"
    #: the file on disk is at or above the profile's cutoff: no release will do
    CUTOFF_MET = "cutoff_met", False, "search"
    #: not better than the file on disk (a better release would be)
    NOT_AN_UPGRADE = "not_an_upgrade", True, "search"
    #: the same torrent as a better-ranked result of the same search
    DUPLICATE = "duplicate", True, "search"


@dataclass(frozen=True)
class Refusal:
    """A rule's "no": why, and what a person reads (shown, logged, kept in the history)."""

    reason: Reason
    message: str
    #: the download in the way, when there is one (the guard's ``in_flight``, ``same_torrent``)
    download_id: int | None = None
