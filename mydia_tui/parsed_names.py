"""Release and file names parsed once and kept: memory first, then the ``parsed_name`` table
(keyed by name; an entry of another :data:`~mydia_tui.releases.parse.PARSER_VERSION` is
parsed again), then the parser. The release rules (:mod:`mydia_tui.releases`) never touch the
database; this module is where their parses meet it. The cache is an optimisation: a
database error never fails a search or a scan, the name is parsed again instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import PeeweeException as PeeweeError

from .models import ParsedName, database
from .releases.parse import PARSER_VERSION, ParsedRelease, parse, recall, remember


def _database_bound() -> bool:
    return database.obj is not None


def _load_persisted(names: list[str]) -> dict[str, ParsedRelease]:
    found: dict[str, ParsedRelease] = {}
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        query = ParsedName.select().where(
            ParsedName.name.in_(chunk) & (ParsedName.version == PARSER_VERSION)
        )
        for row in query:
            try:
                found[row.name] = ParsedRelease.from_json(row.data)
            except (ValueError, TypeError):
                continue
    return found


def _persist(parsed: list[ParsedRelease]) -> None:
    rows = [{"name": p.name, "version": PARSER_VERSION, "data": p.to_json()} for p in parsed]
    with database.atomic():
        for start in range(0, len(rows), 200):
            ParsedName.insert_many(rows[start : start + 200]).on_conflict(
                conflict_target=[ParsedName.name],
                preserve=[ParsedName.version, ParsedName.data],
            ).execute()


def parse_names(names: Iterable[str], *, persist: bool = True) -> dict[str, ParsedRelease]:
    """Parse many names at once: memory first, then one read of the ``parsed_name`` table,
    then the parser; new parses are written back in one transaction."""
    result: dict[str, ParsedRelease] = {}
    missing: list[str] = []
    for name in dict.fromkeys(names):
        cached = recall(name)
        if cached is not None:
            result[name] = cached
        else:
            missing.append(name)
    if not missing:
        return result
    use_db = persist and _database_bound()
    if use_db:
        try:
            loaded = _load_persisted(missing)
        except PeeweeError:  # the cache is an optimisation: never fail a search over it
            loaded, use_db = {}, False
        for name, parsed in loaded.items():
            remember(parsed)
            result[name] = parsed
        missing = [n for n in missing if n not in result]
    fresh = []
    for name in missing:
        parsed = parse(name)
        result[name] = parsed
        fresh.append(parsed)
    if use_db and fresh:
        try:
            _persist(fresh)
        except PeeweeError:
            pass
    return result


def parse_name(name: str, *, persist: bool = True) -> ParsedRelease:
    """Parse one release, file or folder name (cached in memory and, when a database is
    bound, in the ``parsed_name`` table)."""
    cached = recall(name)
    if cached is not None:
        return cached
    return parse_names([name], persist=persist)[name]
