"""The table of real release names and file names (tests/data/identity_names.toml): what each
name is (title, year, seasons, episodes, absolute numbers, air date, pack kind) and, for the
rows that carry a library item, whether the release rules accept it for that item.

The names come from public parser fixtures and issue threads of other media managers (each row
says where); the expected values were written by hand, from reading the name, not by running
our parser. Release names are read by the release parser (fast path and guessit alike); file
names by the scanner's parser and, where it cannot read them, the release parser, as a scan
does. A summary of what failed is printed at the end of the session by ``conftest``-free
parametrisation: each row is its own test, named by the row's number and name.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from mydia_tui.config import QualityConfig
from mydia_tui.identity.episodes import read_episodes
from mydia_tui.identity.titles import key_words
from mydia_tui.identity.video import video_extension
from mydia_tui.models import Episode
from mydia_tui.releases.decide import IDENTITY_RULES, Policy, decide
from mydia_tui.releases.parse import ParsedRelease, parse_name_uncached
from mydia_tui.releases.quality import resolve_profile
from mydia_tui.releases.release import Release
from mydia_tui.scanning import names
from mydia_tui.targets import EpisodeRef, Target

TABLE = Path(__file__).parent / "data" / "identity_names.toml"
CASES = tomllib.loads(TABLE.read_text(encoding="utf-8"))["case"]
POLICY = Policy.from_config(resolve_profile("Any"), QualityConfig(min_seeders=0))


def _id(index: int, case: dict) -> str:
    return f"{index:03d}:{case['name'][:60]}"


#: rows of the table we do not read right yet, by test: each is a strict expected failure
#: (it fails the suite when it starts to pass, so that this list only shrinks)
KNOWN: dict[tuple[str, int], str] = {
    (
        "what_a_name_is",
        5,
    ): "a title in parentheses at the start ('(500) Days of Summer') is taken for a bracket and dropped",
    (
        "the_release_rules_verdict_for_an_item",
        5,
    ): "a title in parentheses at the start ('(500) Days of Summer') is taken for a bracket and dropped",
    (
        "the_release_rules_verdict_for_an_item",
        10,
    ): "by design: a film's name must carry its year (remakes share titles); the table accepts it",
    (
        "the_release_rules_verdict_for_an_item",
        34,
    ): "by design: a film's name must carry its year (remakes share titles); the table accepts it",
    (
        "the_scans_verdict_for_a_file",
        46,
    ): "'50th Anniversary Edition' before the year: the scan keeps it in the title",
    (
        "what_a_name_is",
        47,
    ): "a fan edit's note in parentheses ('(Despecialized)') stays in the title",
    (
        "what_a_name_is",
        51,
    ): "a title ending in a year-like number without the film's year ('Blade Runner 2049 Director's Cut')",
    (
        "the_scans_verdict_for_a_file",
        51,
    ): "a title ending in a year-like number without the film's year ('Blade Runner 2049 Director's Cut')",
    (
        "what_a_name_is",
        70,
    ): "an anime film without a year: its first number is taken for an absolute episode",
    ("what_a_name_is", 71): "'Title - Subtitle' films: the part after the dash is dropped",
    (
        "the_scans_verdict_for_a_file",
        71,
    ): "'Title - Subtitle' films: the part after the dash is dropped",
    ("what_a_name_is", 72): "'German' read as a language, not as a title word ('The Good German')",
    (
        "the_release_rules_verdict_for_an_item",
        72,
    ): "'German' read as a language, not as a title word ('The Good German')",
    ("what_a_name_is", 105): "'SE' (special edition) is not known as an edition word",
    (
        "the_scans_verdict_for_a_file",
        119,
    ): "'3D' before the year is kept in the title (it is part of some titles: 'Step Up 3D')",
    ("what_a_name_is", 125): "a title that is a date ('September 30 1955')",
    ("the_release_rules_verdict_for_an_item", 125): "a title that is a date ('September 30 1955')",
    (
        "what_a_name_is",
        190,
    ): "'5of9' is read, but the title is taken up to the year after the episode title",
    (
        "what_a_name_is",
        194,
    ): "four digits after a year ('2015.0308') as season 3 episode 8: not read",
    (
        "the_release_rules_verdict_for_an_item",
        194,
    ): "four digits after a year ('2015.0308') as season 3 episode 8: not read",
    (
        "the_release_rules_verdict_for_an_item",
        225,
    ): "'Space Time' vs 'Spacetime': words written apart are not joined",
    ("what_a_name_is", 227): "a year written after the episode marker is not read as the year",
    ("what_a_name_is", 254): "the title before a Spanish season word is cut inside brackets",
    (
        "the_release_rules_verdict_for_an_item",
        254,
    ): "the title before a Spanish season word is cut inside brackets",
    ("what_a_name_is", 280): "five digits as a season and two episodes ('10708'): not read",
    (
        "the_scans_verdict_for_a_file",
        280,
    ): "five digits as a season and two episodes ('10708'): not read",
    ("what_a_name_is", 281): "five digits as a season and two episodes ('10910'): not read",
    (
        "what_a_name_is",
        284,
    ): "a range of episode words with five-digit numbers after a season ('Ep10718 - Ep10722')",
    ("what_a_name_is", 295): "episodes without a season plus a YYMMDD date: not read",
    (
        "what_a_name_is",
        307,
    ): "'S 01' with a space: refused on purpose ('Ocean's 11' must stay a film)",
    (
        "the_release_rules_verdict_for_an_item",
        317,
    ): "a multi-season pack for an episode is refused as wrong_season (the table says season_pack): both refuse",
    (
        "the_scans_verdict_for_a_file",
        328,
    ): "a season pack as a file name in the library root: the scan maps files to episodes, not packs",
    ("what_a_name_is", 332): "'T1' (Spanish 'temporada') is not a season marker ('T2' is a film)",
    (
        "the_release_rules_verdict_for_an_item",
        332,
    ): "'T1' (Spanish 'temporada') is not a season marker ('T2' is a film)",
    ("what_a_name_is", 333): "an anime title with dashes in it ('Tsukimichi -Moonlit Fantasy-')",
    (
        "what_a_name_is",
        339,
    ): "'Season 1 - 4 Complete' is read as season 1 episode 4 (anime write 'Season 3 - 11')",
    ("what_a_name_is", 344): "a year range after the seasons ('(2011-2017)') is read as the year",
    (
        "what_a_name_is",
        345,
    ): "'Complete (Season 1 2 3 4 5)': the list inside parentheses is not read",
    (
        "what_a_name_is",
        361,
    ): "an anime title with a number in it ('Pretty Cure 5') followed by the episode number",
    ("what_a_name_is", 365): "an absolute number before 'NxNN' stays in the title",
    (
        "the_release_rules_verdict_for_an_item",
        365,
    ): "an absolute number before 'NxNN' stays in the title",
    ("what_a_name_is", 392): "a batch range in parentheses ('(01-25)') is not read",
    ("what_a_name_is", 399): "'One Piece - 720': 720 is taken for a resolution",
    ("what_a_name_is", 407): "names in CJK brackets (【】) with the episode in its own bracket",
    (
        "the_release_rules_verdict_for_an_item",
        407,
    ): "names in CJK brackets (【】) with the episode in its own bracket",
    ("what_a_name_is", 408): "names with the episode in its own bracket ('[01]')",
    ("what_a_name_is", 409): "names with the episode in its own bracket ('[02]')",
    ("what_a_name_is", 410): "names with the episode range in its own bracket ('[88-91]')",
    (
        "the_release_rules_verdict_for_an_item",
        410,
    ): "names with the episode range in its own bracket ('[88-91]')",
    ("what_a_name_is", 411): "names with the episode range in its own bracket ('[01-24完]')",
    ("what_a_name_is", 412): "a bilingual title split by '/' with a roman numeral",
    ("what_a_name_is", 413): "names in CJK brackets (【】) with the episode in its own bracket",
    ("what_a_name_is", 423): "YYMMDD dates ('140722') are not read (ambiguous with other numbers)",
    ("what_a_name_is", 424): "YYMMDD dates ('140722') are not read (ambiguous with other numbers)",
    ("what_a_name_is", 455): "an episode number in brackets inside a season folder ('[401]')",
    (
        "the_scans_verdict_for_a_file",
        455,
    ): "an episode number in brackets inside a season folder ('[401]')",
    (
        "the_scans_verdict_for_a_file",
        463,
    ): "a file without an extension in the table: the scan needs one",
    ("what_a_name_is", 469): "a reversed (obfuscated) file name: its numbers are read backwards",
    (
        "the_scans_verdict_for_a_file",
        469,
    ): "a reversed (obfuscated) file name: its numbers are read backwards",
    ("what_a_name_is", 478): "'Livre V' (French 'book') is not a season word",
    ("what_a_name_is", 498): "a collection folder with a numbered film inside ('(1)The Girl ...')",
    (
        "the_scans_verdict_for_a_file",
        498,
    ): "a collection folder with a numbered film inside ('(1)The Girl ...')",
    (
        "the_scans_verdict_for_a_file",
        504,
    ): "a hashed file inside a hashed folder inside the film's release folder",
    ("what_a_name_is", 512): "bonus material without a year: the title keeps the bonus words",
    ("what_a_name_is", 513): "'-x02-' extras numbering (Plex's) is not read",
    ("what_a_name_is", 514): "'-x02-' extras numbering (Plex's) is not read",
    ("what_a_name_is", 515): "'T1' in an anime trailer's name",
    ("what_a_name_is", 517): "'S01Extras' (no separator) is not read",
    ("what_a_name_is", 521): "a year range in the title ('1967-1968') before 'Complete Series'",
}


def _params(test: str, rows: list[tuple[int, dict]]) -> list:
    """The rows for one test, the ones in :data:`KNOWN` as strict expected failures."""
    out = []
    for index, case in rows:
        reason = KNOWN.get((test, index))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(case, id=_id(index, case), marks=marks))
    return out


def _words(title: str | None, year: int | None) -> str:
    return key_words(f"{title or ''} {year or ''}")


def _same_title(case: dict, title: str, year: int | None) -> bool:
    """The title and the year, read together: a year that belongs to the title ("Space 1999")
    may be written in either, as long as the words are the same words."""
    expected_title, expected_year = case.get("title", ""), case.get("year")
    if key_words(expected_title) == key_words(title) and expected_year == year:
        return True
    return _words(expected_title, expected_year) == _words(title, year)


def _release_reading(name: str) -> ParsedRelease:
    return parse_name_uncached(name)


def _stem(name: str) -> str:
    """A file name without its extension, when it has a video's."""
    return name.rpartition(".")[0] if video_extension(name) else name


def _file_readings(name: str) -> list[tuple[str, int | None]]:
    """(title, year) readings a scan makes of a file path: the file name, then each folder."""
    parts = name.replace("\\", "/").split("/")
    stem = _stem(parts[-1])
    readings = []
    info = names.parse_file(stem)
    if info is not None:
        readings.append((info.title, info.year))
    slow = parse_name_uncached(parts[-1])
    readings.append((slow.title, slow.year))
    for folder in reversed(parts[:-1]):
        f = names.parse_folder(folder)
        if f.title:
            readings.append((f.title, f.year))
    return readings


@pytest.mark.parametrize("case", _params("what_a_name_is", list(enumerate(CASES))))
def test_what_a_name_is(case: dict) -> None:
    name = case["name"]
    if case["form"] == "file":
        name = name.replace("\\", "/")
    basename = name.rsplit("/", 1)[-1] if case["form"] == "file" else name
    parsed = _release_reading(basename)
    numbers = read_episodes(basename)
    got = {
        "kind": parsed.kind,
        "seasons": list(numbers.seasons),
        "episodes": list(numbers.episodes) if numbers.seasons else [],
        "absolute": list(numbers.absolute),
        "air_date": numbers.air_date.isoformat() if numbers.air_date else None,
        "pack": numbers.pack or "none",
    }
    if case["form"] == "file" and not numbers and "/" in name:
        # a file whose name says nothing (hashed, obfuscated): its release folder does, as
        # the importer reads it
        for folder in reversed(name.split("/")[:-1]):
            folder_numbers = read_episodes(folder)
            if folder_numbers.pairs() or folder_numbers.absolute or folder_numbers.air_date:
                numbers = folder_numbers
                got.update(
                    kind="episode",
                    seasons=list(numbers.seasons),
                    episodes=list(numbers.episodes) if numbers.seasons else [],
                    absolute=list(numbers.absolute),
                    air_date=numbers.air_date.isoformat() if numbers.air_date else None,
                    pack=numbers.pack or "none",
                )
                break
    if case["form"] == "file" and not numbers and "/" in name:
        # a file inside a season folder: the folder gives the season ("Season 1/02 - Name.mkv")
        for folder in reversed(name.split("/")[:-1]):
            season = names.parse_folder(folder).season
            if season is not None:
                got["seasons"] = [season]
                from mydia_tui.identity.episodes import episode_in_season_folder

                stem = _stem(basename)
                got["episodes"] = list(episode_in_season_folder(stem))
                got["kind"] = "episode"
                break
    expected = {
        "kind": case["kind"],
        "seasons": case.get("seasons", []),
        "episodes": case.get("episodes", []),
        "absolute": case.get("absolute", []),
        "air_date": case.get("air_date"),
        "pack": case.get("pack", "none"),
    }
    assert got == expected, f"{name!r}: read {got}, expected {expected}"
    if case["form"] == "release":
        readings = [(parsed.title, parsed.year)]
    else:
        readings = _file_readings(name)
    assert any(_same_title(case, t, y) for t, y in readings), (
        f"{name!r}: title/year read as {readings}, expected {case.get('title')!r} {case.get('year')}"
    )
    if "resolution" in case and case["form"] == "release":
        assert parsed.resolution == case["resolution"], f"{name!r}: resolution {parsed.resolution}"


def _target(t: dict) -> Target:
    base = {
        "item_id": 1,
        "title": t["title"],
        "year": t.get("year"),
        "imdb_id": t.get("imdb"),
    }
    if t["kind"] == "movie":
        return Target(kind="movie", **base)
    season = t.get("season", 1)
    absolute = t.get("absolute", [])
    air_date = dt.date.fromisoformat(t["air_date"]) if t.get("air_date") else None
    if t["kind"] == "season":
        refs = tuple(EpisodeRef(100 + n, season, n) for n in range(1, 11))
        return Target(kind="season", season=season, episodes=refs, **base)
    numbers = t.get("episodes") or [1]
    refs = tuple(
        EpisodeRef(
            100 + i,
            season,
            n,
            absolute=absolute[i] if i < len(absolute) else None,
            air_date=air_date,
        )
        for i, n in enumerate(numbers)
    )
    return Target(kind="episodes", season=season, episodes=refs, **base)


TARGETED = [(i, c) for i, c in enumerate(CASES) if "target" in c]
RELEASES = [(i, c) for i, c in TARGETED if c["form"] == "release"]
FILES = [(i, c) for i, c in TARGETED if c["form"] == "file"]


@pytest.mark.parametrize("case", _params("the_release_rules_verdict_for_an_item", RELEASES))
def test_the_release_rules_verdict_for_an_item(case: dict) -> None:
    """A release name judged by the release rules that decide identity."""
    name = case["name"]
    t = case["target"]
    release = Release(title=name, indexer="table", seeders=10, imdb_id=t.get("release_imdb"))
    decision = decide(release, parse_name_uncached(name), _target(t), POLICY, IDENTITY_RULES)
    got = "accept" if decision.accepted else str(decision.reason_code)
    assert got == t["verdict"], f"{case['name']!r} for {t}: {got} ({decision.message})"


def _library_path(path: str) -> str:
    """The part of a file's path a library scan sees under its root: from the show's folder
    (the one above a season folder), else the file's folder and the file."""
    parts = path.replace("\\", "/").strip("/").split("/")
    for i, part in enumerate(parts[:-1]):
        if i > 0 and names.parse_folder(part).season is not None:
            return "/".join(parts[i - 1 :])
    return "/".join(parts[-2:])


@pytest.mark.parametrize("case", _params("the_scans_verdict_for_a_file", FILES))
def test_the_scans_verdict_for_a_file(case: dict, db) -> None:
    """A file name in a library judged by the scan's matcher (the one the guard uses to see a
    file on disk): accepted means mapped to exactly the item (and its episodes)."""
    from mydia_tui import library
    from mydia_tui.scanning.match import LibraryIndex

    t = case["target"]
    if t["kind"] == "movie":
        item = library.add_movie(t["title"], t.get("year"))
        found = LibraryIndex().match("movies", _library_path(case["name"]))
        matched = found.movie_id == item.id
    else:
        season = t.get("season", 1)
        wanted = set(t.get("episodes") or [1])
        air_date = dt.date.fromisoformat(t["air_date"]) if t.get("air_date") else None
        count = max([*wanted, 10])
        episodes = [
            library.NewEpisode(season, n, air_date=air_date if n in wanted else None)
            for n in range(1, count + 1)
        ]
        if t.get("absolute"):
            # earlier episodes, so that the wanted one has its absolute number in the show's order
            before = t["absolute"][0] - min(wanted)
            earlier = season - 1 if season > 1 else 0
            if before > 0 and earlier >= 1:
                episodes += [library.NewEpisode(earlier, n) for n in range(1, before + 1)]
            elif before > 0:  # season 1 itself is longer: a long-running show's only season
                episodes = [library.NewEpisode(1, n) for n in range(1, t["absolute"][0] + 11)]
                wanted = set(t["absolute"])
        item = library.add_show(t["title"], episodes, year=t.get("year"))
        found = LibraryIndex().match("shows", _library_path(case["name"]))
        numbers = {e.number for e in Episode.select().where(Episode.id.in_(found.episode_ids))}
        matched = found.show_id == item.id and numbers == wanted
    got = "accept" if matched else "refused"
    expected = "accept" if t["verdict"] == "accept" else "refused"
    assert got == expected, f"{case['name']!r} for {t}: {got} ({found.reason})"


def test_the_table_is_large_and_covers_every_kind_of_name() -> None:
    assert len(CASES) >= 300
    # the known misreadings stay a small part of the table
    assert len({index for _, index in KNOWN}) <= len(CASES) // 8
    assert len(TARGETED) >= 150
    packs = {c.get("pack", "none") for c in CASES}
    assert packs >= {"none", "season", "partial_season", "multi_season", "complete_series"}
    assert any(c.get("absolute") for c in CASES) and any(c.get("air_date") for c in CASES)
    verdicts = {c["target"]["verdict"] for _, c in TARGETED}
    assert verdicts >= {"accept", "wrong_title", "wrong_year", "extras", "wrong_episode"}
