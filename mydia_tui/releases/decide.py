"""Is this release a candidate for this target? (Sonarr's decision-engine shape.)

Each reason to refuse is one small named rule: it returns None to accept, or a
:class:`~mydia_tui.refusals.Refusal` (a reason and a message a person can read). :data:`RULES`
run in a fixed order and the first refusal wins. Identity comes first (is it this film / these
episodes at all?), then what the user refuses (words, quality, size, seeders), then upgrades.

The reasons are the search stage of :class:`mydia_tui.refusals.Reason` (:data:`REASON_CODES`),
the one enumeration of every reason to refuse a release, with the grab's; ``duplicate`` is the
same torrent, already offered by a better-ranked result (:mod:`mydia_tui.indexers.release_search`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..config import ProfileConfig, QualityConfig
from ..identity.titles import match_title, title_key
from ..identity.video import bonus_words
from ..refusals import Reason, Refusal
from ..targets import Target
from .parse import ParsedRelease
from .quality import FileQuality, better, cutoff_unmet, quality_of, quality_rank
from .release import Release

#: every reason the release rules (and the search's duplicate check) give, in rule order
REASON_CODES: tuple[Reason, ...] = tuple(r for r in Reason if r.stage == "search")


@dataclass(frozen=True)
class Policy:
    """What a search accepts: a profile plus the global quality settings."""

    profile: ProfileConfig
    min_seeders: int = 1
    #: refused in every profile (the config's ``[quality] blocked_words``)
    blocked_words: tuple[str, ...] = ()
    #: the quality of the file already in the library, when there is one (for upgrades)
    existing_quality: str | None = None
    #: its PROPER / REPACK count (a PROPER of the same quality replaces a file that is not one)
    existing_proper: int = 0

    @classmethod
    def from_config(
        cls, profile: ProfileConfig, quality: QualityConfig | None = None, **kwargs
    ) -> Policy:
        quality = quality or QualityConfig()
        return cls(
            profile=profile,
            min_seeders=quality.min_seeders,
            blocked_words=quality.blocked_words,
            **kwargs,
        )

    @property
    def all_blocked_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.blocked_words, *self.profile.blocked_words)))


@dataclass(frozen=True)
class Decision:
    release: Release
    parsed: ParsedRelease
    accepted: bool
    #: why it was refused (a :class:`~mydia_tui.refusals.Reason`); "" when accepted
    reason_code: Reason | str = ""
    message: str = ""
    quality: str = "Unknown"
    #: ranking key (higher is better): :func:`score`; :func:`mydia_tui.releases.rank.rank` orders by it
    score: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class Context:
    release: Release
    parsed: ParsedRelease
    target: Target
    policy: Policy
    quality: str
    #: an external id in the release matched the target's: the title check is skipped
    id_matched: bool
    #: the name's year belongs to its title ("Space.1999"): it says nothing of the item's year
    year_in_title: bool = False


Rule = Callable[[Context], Refusal | None]


# ---------------------------------------------------------------------------------------------
# Rules, in the order they run


def rule_parseable(c: Context) -> Refusal | None:
    if not title_key(c.parsed.title):
        return Refusal(Reason.UNPARSEABLE, f"cannot read a title in {c.release.title!r}")
    return None


def rule_ids(c: Context) -> Refusal | None:
    r, t = c.release, c.target
    pairs = (
        ("IMDb", _imdb(r.imdb_id), _imdb(t.imdb_id)),
        ("TMDb", r.tmdb_id, t.tmdb_id),
        ("TVDB", r.tvdb_id, t.tvdb_id),
        ("TVmaze", r.tvmaze_id, t.tvmaze_id),
    )
    for label, theirs, ours in pairs:
        if theirs and ours and theirs != ours:
            return Refusal(
                Reason.ID_MISMATCH,
                f"the indexer says this is {label} {theirs}, but {t.title} is {label} {ours}",
            )
    return None


def rule_title(c: Context) -> Refusal | None:
    """The one title comparison (:func:`mydia_tui.identity.titles.match_title`); an id match
    (the indexer's id is the item's) stands for the title, as titles differ across languages."""
    if c.id_matched or _title_match(c.parsed, c.target) is not None:
        return None
    return Refusal(
        Reason.WRONG_TITLE,
        f"title {c.parsed.title!r} is not {c.target.title!r}",
    )


def rule_extras(c: Context) -> Refusal | None:
    """Bonus material (featurette, making-of, deleted scenes, trailer, ...) anywhere in the
    name, unless the words are the item's own title."""
    words = bonus_words(c.release.title, c.target.title)
    if words:
        return Refusal(Reason.EXTRAS, f"bonus material ({words!r}), not {c.target.title} itself")
    return None


def rule_year(c: Context) -> Refusal | None:
    """A year that contradicts the item's refuses the release, even when an id matched (a
    mislabelled release of another film of the same title); a film's name must give a year
    unless an id matched."""
    ty = c.target.year
    ry = None if c.year_in_title else c.parsed.year
    if c.target.is_movie and ty and not ry and not c.id_matched:
        return Refusal(Reason.WRONG_YEAR, f"no year in the name; {c.target.title} is from {ty}")
    if ty and ry and abs(ty - ry) > 1:
        return Refusal(Reason.WRONG_YEAR, f"year {ry} is not {ty}")
    return None


def rule_kind(c: Context) -> Refusal | None:
    p = c.parsed
    if c.target.is_movie:
        if p.is_episode:
            return Refusal(Reason.NOT_A_MOVIE, "an episode or season of a show, not a film")
        return None
    if not p.numbers:
        return Refusal(Reason.NOT_AN_EPISODE, "a film or an unnumbered release, not an episode")
    return None


def rule_season(c: Context) -> Refusal | None:
    if c.target.is_movie:
        return None
    p, t = c.parsed, c.target
    if p.pack in ("complete_series", "multi_season") or len(p.seasons) > 1:
        shown = ", ".join(str(s) for s in p.seasons) or "all"
        return Refusal(
            Reason.WRONG_SEASON, f"covers several seasons ({shown}), not only season {t.season}"
        )
    if p.seasons and p.seasons[0] != t.season:
        return Refusal(Reason.WRONG_SEASON, f"season {p.seasons[0]}, not season {t.season}")
    return None


def rule_episodes(c: Context) -> Refusal | None:
    """The name covers exactly the target's episodes: by season and number when it gives them,
    else by air date (dailies), else by absolute number (the show's own order: anime); a season
    target takes only a pack of that whole season."""
    t, p = c.target, c.parsed
    if t.is_movie:
        return None
    if t.is_season:
        if p.pack == "partial_season":
            return Refusal(
                Reason.NOT_SEASON_PACK, f"only part of season {p.season}, not the whole season"
            )
        if p.pack != "season":
            return Refusal(Reason.NOT_SEASON_PACK, f"{_shown(p)}, not a full-season pack")
        return None
    if p.pack:
        return Refusal(
            Reason.SEASON_PACK,
            f"a pack of season {p.season}; looking for {_episodes(t.episode_numbers)}",
        )
    if p.air_date and not p.episodes:
        dates = {e.air_date.isoformat() if e.air_date else None for e in t.episodes}
        if dates != {p.air_date}:
            return Refusal(Reason.WRONG_EPISODE, f"aired {p.air_date}, not {t.label()}")
        return None
    if p.absolute and not p.episodes:
        wanted = {e.absolute for e in t.episodes}
        if set(p.absolute) != wanted:
            return Refusal(
                Reason.WRONG_EPISODE,
                f"absolute episode {_numbers(p.absolute)}, not {_numbers(sorted(wanted, key=_none_last))}",
            )
        return None
    if set(p.episodes) != set(t.episode_numbers):
        return Refusal(
            Reason.WRONG_EPISODE,
            f"episode {_episodes(p.episodes)}, not {_episodes(t.episode_numbers)}",
        )
    return None


def rule_blocked_words(c: Context) -> Refusal | None:
    words = _words(c.release.title)
    for word in c.policy.all_blocked_words:
        w = word.lower().strip()
        if not w:
            continue
        if (" " in w and w in " ".join(words)) or w in words:
            return Refusal(Reason.BLOCKED_WORD, f"contains the refused word {word!r}")
    return None


def rule_quality(c: Context) -> Refusal | None:
    if c.quality not in c.policy.profile.qualities:
        return Refusal(
            Reason.NOT_ALLOWED_QUALITY,
            f"quality {c.quality} is not allowed by profile {c.policy.profile.name!r}",
        )
    return None


def rule_size(c: Context) -> Refusal | None:
    size = c.release.size
    prof = c.policy.profile
    if not size or not (prof.min_size_mb or prof.max_size_mb):
        return None
    count = (
        1
        if c.target.is_movie
        else max(1, len(c.target.episodes) if c.target.is_season else len(c.parsed.episodes))
    )
    per = size / count / (1024 * 1024)
    unit = "" if count == 1 else f" per episode ({count} episodes)"
    if prof.min_size_mb and per < prof.min_size_mb:
        return Refusal(
            Reason.TOO_SMALL, f"{per:,.0f} MiB{unit}, below the minimum {prof.min_size_mb:,.0f} MiB"
        )
    if prof.max_size_mb and per > prof.max_size_mb:
        return Refusal(
            Reason.TOO_BIG, f"{per:,.0f} MiB{unit}, above the maximum {prof.max_size_mb:,.0f} MiB"
        )
    return None


def rule_seeders(c: Context) -> Refusal | None:
    need = c.policy.min_seeders
    have = c.release.seeders
    if need > 0 and (have is None or have < need):
        shown = "no seeder count" if have is None else f"{have} seeders"
        return Refusal(Reason.NO_SEEDERS, f"{shown}; at least {need} needed")
    return None


def rule_upgrade(c: Context) -> Refusal | None:
    """With a file on disk (``policy.existing_quality``): an upgrade only, by the terms of
    :func:`~.quality.cutoff_unmet` and :func:`~.quality.better` (the guard's own)."""
    have = c.policy.existing_quality
    if not have:
        return None
    prof = c.policy.profile
    if not prof.upgrades_allowed:
        return Refusal(
            Reason.UPGRADES_DISABLED, f"already have {have}; profile {prof.name!r} does not upgrade"
        )
    old = FileQuality(have, c.policy.existing_proper)
    new = FileQuality(c.quality, c.parsed.proper)
    same = quality_rank(c.quality) == quality_rank(have)
    if not same and not cutoff_unmet(prof, have):
        if quality_rank(have) == 0:
            return Refusal(
                Reason.CUTOFF_MET,
                "already have a file of unknown quality: not upgraded (nothing says it is "
                f"below the cutoff {prof.cutoff})",
            )
        return Refusal(
            Reason.CUTOFF_MET, f"already have {have}, at or above the cutoff {prof.cutoff}"
        )
    if not better(new, old):
        return Refusal(
            Reason.NOT_AN_UPGRADE, f"{c.quality} is not better than {have}, already there"
        )
    return None


RULES: tuple[Rule, ...] = (
    rule_parseable,
    rule_ids,
    rule_extras,
    rule_title,
    rule_kind,
    rule_year,
    rule_season,
    rule_episodes,
    rule_blocked_words,
    rule_quality,
    rule_size,
    rule_seeders,
    rule_upgrade,
)


#: the rules that decide what a release *is* (this film, these episodes, this season), before
#: what the user refuses or prefers
IDENTITY_RULES: tuple[Rule, ...] = RULES[: RULES.index(rule_episodes) + 1]


# ---------------------------------------------------------------------------------------------


def decide(
    release: Release,
    parsed: ParsedRelease,
    target: Target,
    policy: Policy,
    rules: tuple[Rule, ...] = RULES,
) -> Decision:
    """Run the rules in order; the first refusal wins."""
    quality = quality_of(parsed)
    matched = _title_match(parsed, target)
    ctx = Context(
        release,
        parsed,
        target,
        policy,
        quality,
        _ids_match(release, target),
        matched is not None and matched.year_in_title,
    )
    for rule in rules:
        refusal = rule(ctx)
        if refusal is not None:
            return Decision(release, parsed, False, refusal.reason, refusal.message, quality)
    return Decision(
        release, parsed, True, "", "accepted", quality, score(release, parsed, quality, policy)
    )


def _imdb(value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    digits = re.sub(r"\D", "", str(value))
    return int(digits) if digits else None


def _ids_match(r: Release, t: Target) -> bool:
    pairs = (
        (_imdb(r.imdb_id), _imdb(t.imdb_id)),
        (r.tmdb_id, t.tmdb_id),
        (r.tvdb_id, t.tvdb_id),
        (r.tvmaze_id, t.tvmaze_id),
    )
    known = [(a, b) for a, b in pairs if a and b]
    return bool(known) and all(a == b for a, b in known)


_WORD_SPLIT = re.compile(r"[^0-9a-z]+")


def _words(title: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(title.lower()) if w]


def _title_match(parsed: ParsedRelease, target: Target):
    return match_title(
        parsed.title,
        parsed.year,
        target.title,
        target.year,
        alt_title=parsed.alt_title,
        taken_countries=target.namesake_countries,
    )


def _episodes(numbers) -> str:
    return "".join(f"E{n:02d}" for n in numbers) or "(none)"


def _numbers(numbers) -> str:
    return ", ".join("?" if n is None else str(n) for n in numbers) or "(none)"


def _none_last(n: int | None) -> tuple[bool, int]:
    return (n is None, n or 0)


def _shown(p: ParsedRelease) -> str:
    if p.episodes:
        return f"episode {_episodes(p.episodes)}"
    if p.absolute:
        return f"absolute episode {_numbers(p.absolute)}"
    if p.air_date:
        return f"the episode of {p.air_date}"
    return "not a season pack"


def seeder_bucket(seeders: int | None) -> int:
    """Seeders in log buckets: 0, 1, 2-3, 4-7, ... count the same (0: none)."""
    if not seeders or seeders <= 0:
        return 0
    return int(math.log2(seeders)) + 1


def preferred_count(title: str, profile: ProfileConfig) -> int:
    words = " " + " ".join(w for w in re.split(r"[^0-9a-z]+", title.lower()) if w) + " "
    return sum(
        1 for w in profile.preferred_words if w.strip() and f" {w.lower().strip()} " in words
    )


def score(release: Release, parsed: ParsedRelease, quality: str, policy: Policy) -> tuple:
    """The ranking key of an accepted release, higher is better (the order is explained in
    :mod:`mydia_tui.releases.rank`)."""
    published = release.published.timestamp() if release.published else 0.0
    return (
        quality_rank(quality),
        parsed.proper,
        preferred_count(release.title, policy.profile),
        seeder_bucket(release.seeders),
        release.size or 0,
        published,
    )
