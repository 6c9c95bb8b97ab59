"""Parsing caches, qualities, profiles, rules and ranking."""

from __future__ import annotations

import datetime as _dt
import subprocess
import sys

import pytest

from mydia_tui.config import ProfileConfig, QualityConfig
from mydia_tui.errors import ConfigError
from mydia_tui.identity.titles import key_words, same_title
from mydia_tui.models import ParsedName
from mydia_tui.parsed_names import parse_name, parse_names
from mydia_tui.releases import parse
from mydia_tui.releases.decide import REASON_CODES, RULES, Policy, decide
from mydia_tui.releases.parse import PARSER_VERSION
from mydia_tui.releases.quality import QUALITIES, quality_of, resolve_profile
from mydia_tui.releases.rank import rank
from mydia_tui.releases.release import Release, clean_text
from mydia_tui.targets import EpisodeRef, Target

MATRIX = Target(
    kind="movie", item_id=1, title="The Matrix", year=1999, imdb_id="tt0133093", tmdb_id=603
)
SEASON = Target(
    kind="season",
    item_id=2,
    title="The Expanse",
    season=2,
    tvdb_id=280619,
    episodes=tuple(EpisodeRef(n, 2, n) for n in range(1, 11)),
)
GIB = 1024**3


def policy(name="Any", **kw) -> Policy:
    return Policy.from_config(resolve_profile(name), QualityConfig(), **kw)


def judge(title, target=MATRIX, pol=None, **release_kw):
    release_kw.setdefault("seeders", 10)
    r = Release(title=title, indexer="t", **release_kw)
    return decide(r, parse_name(title, persist=False), target, pol or policy())


# --- titles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # articles are compared, not dropped (a reboot without "The" is another show)
        ("The Matrix", "Matrix", False),
        ("Matrix, The", "The Matrix", True),
        ("Magnum P.I.", "Magnum PI", True),
        ("Rocky III", "Rocky 3", True),
        ("The Godfather Part III", "The Godfather Part 3", True),
        ("Dune: Part Two", "Dune Part 2", True),
        ("The Office (US)", "The Office US", True),
        ("The Office (US)", "The Office (UK)", False),
        ("The Office", "The Office UK", True),
        ("Malcolm X", "Malcolm 10", False),
        ("Amélie", "AMELIE", True),
        ("Law & Order", "Law and Order", True),
        ("Marvel's Agents of S.H.I.E.L.D.", "Marvels Agents of S H I E L D", True),
        ("2001: A Space Odyssey", "2001 A Space Odyssey", True),
        ("Léon: The Professional", "Leon The Professional", True),
        ("The Matrix", "The Matrix Reloaded", False),
        ("Alien", "Aliens", False),
        ("The", "The", True),
        ("", "", False),
    ],
)
def test_same_title(a, b, same):
    assert same_title(a, b) is same


def test_title_key_examples():
    assert (
        key_words("The Lord of the Rings: The Two Towers") == "the lord of the rings the two towers"
    )
    assert key_words("Straße") == "strasse"
    assert key_words("Doctor Who (2005)") == "doctor who 2005"


def test_clean_text_removes_controls_only():
    assert clean_text("a\x1b[2Jb\u009bc\u202ed\te [x] <y>") == "a[2Jbcd e [x] <y>"


# --- parse caches --------------------------------------------------------------------------------


def test_parse_cache_is_persisted_and_versioned(db, monkeypatch):
    name = "[SubsPlease] Some Show S2 - 05 (1080p) [ABCD1234].mkv"  # a guessit name
    first = parse_name(name)
    row = ParsedName.get_by_id(name)
    assert row.version == PARSER_VERSION and parse.ParsedRelease.from_json(row.data) == first
    parse.clear_memory_cache()
    calls = []
    monkeypatch.setattr(parse, "parse_name_uncached", lambda n, **kw: calls.append(n))
    assert parse_name(name) == first and calls == []  # from the table, not the parser
    # another parser version: parsed again
    ParsedName.update(version=PARSER_VERSION - 1).execute()
    parse.clear_memory_cache()
    monkeypatch.undo()
    assert parse_names([name])[name] == first
    assert ParsedName.get_by_id(name).version == PARSER_VERSION


def test_parse_without_database_works():
    assert parse_name("Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP", persist=False).year == 2008


def test_guessit_options_do_not_change_results():
    from test_release_matching import CASES, EXTRA_NAMES

    names = [
        "Movie.2019.GERMAN.DL.1080p.BluRay.x264-X",
        "The.Expanse.Complete.Series.1080p.BluRay.x264-GRP",
        "Breaking.Bad.S01-S03.720p.BluRay.x264-GRP",
        "Show 2x05 720p HDTV x264",
    ]
    # every name of the tables that the fast path leaves to guessit
    names += [n for n in {c[1] for c in CASES} | set(EXTRA_NAMES) if parse._fast_parse(n) is None]
    for name in names:
        restricted = parse._guessit_parse(name)
        saved = parse._GUESSIT_OPTIONS
        try:
            parse._GUESSIT_OPTIONS = {}
            full = parse._guessit_parse(name)
        finally:
            parse._GUESSIT_OPTIONS = saved
        assert restricted == full


# --- qualities and profiles ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "quality"),
    [
        ("X.2019.1080p.BluRay.x264-G", "Bluray-1080p"),
        ("X.2019.2160p.UHD.BluRay.REMUX.HEVC-G", "Remux-2160p"),
        ("X.2019.1080p.BluRay.REMUX.AVC-G", "Remux-1080p"),
        ("X.2019.720p.WEB-DL.H.264-G", "WEBDL-720p"),
        ("X.2019.1080p.WEB.h264-G", "WEBDL-1080p"),
        ("X.2019.1080p.WEBRip.x265-G", "WEBRip-1080p"),
        ("X.2019.720p.HDTV.x264-G", "HDTV-720p"),
        ("X.2019.HDTV.x264-G", "SDTV"),
        ("X.2019.DVDRip.XviD-G", "DVD"),
        ("X.2019.1080p.x264-G", "HDTV-1080p"),
        ("X.2019.CAM.x264-G", "CAM"),
        ("X.2019.TELESYNC.x264-G", "TELESYNC"),
        ("X.2019.BDRip.x264-G", "Bluray-480p"),
        ("X.2019.x264-G", "Unknown"),
    ],
)
def test_quality_of(name, quality):
    assert quality_of(parse_name(name, persist=False)) == quality


def test_builtin_profiles_and_config_overrides():
    assert resolve_profile("HD-1080p").qualities[0] == "HDTV-1080p"
    assert "Remux-2160p" in resolve_profile("Ultra-HD").qualities
    assert resolve_profile(None).name == "HD-1080p"  # the config's default
    custom = ProfileConfig(name="HD-1080p", qualities=("Bluray-1080p",), cutoff="Bluray-1080p")
    mine = ProfileConfig(name="Remux", qualities=("Remux-1080p", "Remux-2160p"))
    q = QualityConfig(profiles=(custom, mine))
    assert resolve_profile("HD-1080p", q).qualities == ("Bluray-1080p",)
    assert resolve_profile("Remux", q) is mine
    with pytest.raises(ConfigError, match="no quality profile named 'Nope'"):
        resolve_profile("Nope", q)
    with pytest.raises(ConfigError, match="unknown qualities"):
        resolve_profile(
            "x", QualityConfig(profiles=(ProfileConfig(name="x", qualities=("1080p",)),))
        )
    assert len(set(QUALITIES)) == len(QUALITIES)


# --- rules ----------------------------------------------------------------------------------------


def test_every_rule_code_is_documented():
    assert len(RULES) == 13
    for d in (
        judge("The.Matrix.Reloaded.2003.1080p.BluRay.x264-G"),
        judge("The.Matrix.1999.CAM-G"),
    ):
        assert d.reason_code in REASON_CODES


def test_external_ids_decide():
    # a matching id is decisive even when the title is written oddly
    d = judge("Matrix.AKA.Teh.Matrix.1080p.BluRay.x264-G", imdb_id="tt0133093")
    assert d.accepted, d.message
    d = judge("The.Matrix.1999.1080p.BluRay.x264-G", imdb_id="tt0234215")
    assert (d.reason_code, d.message) == (
        "id_mismatch",
        "the indexer says this is IMDb 234215, but The Matrix is IMDb 133093",
    )
    assert judge("The.Matrix.1999.1080p.BluRay.x264-G", tmdb_id=604).reason_code == "id_mismatch"


def test_quality_size_and_seeders_rules():
    hd = policy("HD-1080p")
    assert judge("The.Matrix.1999.720p.BluRay.x264-G", pol=hd).reason_code == "not_allowed_quality"
    sized = Policy(
        ProfileConfig(name="s", qualities=("Bluray-1080p",), min_size_mb=1000, max_size_mb=20000)
    )
    assert (
        judge("The.Matrix.1999.1080p.BluRay.x264-G", pol=sized, size=500 * 1024**2).reason_code
        == "too_small"
    )
    assert (
        judge("The.Matrix.1999.1080p.BluRay.x264-G", pol=sized, size=30 * GIB).reason_code
        == "too_big"
    )
    assert judge("The.Matrix.1999.1080p.BluRay.x264-G", pol=sized, size=8 * GIB).accepted
    # season packs are measured per episode: 10 episodes x 2 GiB
    pack = Policy(ProfileConfig(name="s", qualities=("Bluray-1080p",), max_size_mb=3000))
    assert judge("The.Expanse.S02.1080p.BluRay.x264-G", SEASON, pack, size=20 * GIB).accepted
    assert (
        judge("The.Expanse.S02.1080p.BluRay.x264-G", SEASON, pack, size=40 * GIB).reason_code
        == "too_big"
    )
    assert judge("The.Matrix.1999.1080p.BluRay.x264-G", seeders=0).reason_code == "no_seeders"
    assert judge("The.Matrix.1999.1080p.BluRay.x264-G", seeders=None).reason_code == "no_seeders"
    zero_ok = Policy(resolve_profile("Any"), min_seeders=0)
    assert judge("The.Matrix.1999.1080p.BluRay.x264-G", pol=zero_ok, seeders=0).accepted
    words = Policy(ProfileConfig(name="w", qualities=("Bluray-1080p",), blocked_words=("x265",)))
    assert judge("The.Matrix.1999.1080p.BluRay.x265-G", pol=words).reason_code == "blocked_word"
    # "TS" is a whole word: DTS audio is not a telesync
    assert judge("The.Matrix.1999.1080p.BluRay.DTS.x264-G").accepted


def test_upgrade_rules():
    have_720 = policy("Any", existing_quality="HDTV-720p")
    hd = Policy.from_config(resolve_profile("HD-1080p"), existing_quality="HDTV-1080p")
    assert judge("The.Matrix.1999.1080p.BluRay.x264-G", pol=hd).reason_code == "cutoff_met"
    capped = Policy(
        ProfileConfig(name="c", qualities=("HDTV-720p", "Bluray-1080p"), cutoff="Bluray-1080p"),
        existing_quality="HDTV-720p",
    )
    assert judge("The.Matrix.1999.1080p.BluRay.x264-G", pol=capped).accepted
    assert judge("The.Matrix.1999.720p.HDTV.x264-G", pol=capped).reason_code == "not_an_upgrade"
    no_up = Policy(
        ProfileConfig(name="n", qualities=("Bluray-1080p",), upgrades_allowed=False),
        existing_quality="HDTV-720p",
    )
    assert (
        judge("The.Matrix.1999.1080p.BluRay.x264-G", pol=no_up).reason_code == "upgrades_disabled"
    )
    assert have_720.existing_quality == "HDTV-720p"


# --- ranking ------------------------------------------------------------------------------------


def test_ranking_order_is_quality_preferred_seeders_size_age():
    pol = Policy(
        ProfileConfig(
            name="r", qualities=("WEBDL-1080p", "Bluray-1080p"), preferred_words=("HDR",)
        ),
        min_seeders=1,
    )
    old = _dt.datetime(2024, 1, 1, tzinfo=_dt.UTC)
    new = _dt.datetime(2025, 1, 1, tzinfo=_dt.UTC)
    rows = [
        ("a", "The.Matrix.1999.1080p.WEB-DL.x264-G", 500, 9 * GIB, new),
        ("b", "The.Matrix.1999.1080p.BluRay.x264-G", 2, 5 * GIB, old),
        ("c", "The.Matrix.1999.1080p.BluRay.HDR.x264-G", 2, 4 * GIB, old),
        ("d", "The.Matrix.1999.1080p.BluRay.x264-H", 40, 5 * GIB, old),
        ("e", "The.Matrix.1999.1080p.BluRay.x264-I", 50, 6 * GIB, old),  # same bucket as d; bigger
        ("f", "The.Matrix.1999.1080p.BluRay.x264-J", 50, 6 * GIB, new),  # as e, newer
    ]
    decisions = [
        decide(
            Release(t, "i", guid=g, seeders=s, size=z, published=p),
            parse_name(t, persist=False),
            MATRIX,
            pol,
        )
        for g, t, s, z, p in rows
    ]
    order = [d.release.guid for d in rank(decisions)]
    assert order == ["c", "f", "e", "d", "b", "a"]
    assert [d.release.guid for d in rank(reversed(decisions))] == order


def test_core_imports_without_textual():
    code = (
        "import sys; import mydia_tui.indexers.release_search, mydia_tui.releases.rank; "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_foreign_language_tag_before_the_year_is_left_to_guessit():
    p = parse_name("The.Matrix.German.1999.1080p.BluRay.x264-GRP", persist=False)
    assert p.parser == "guessit" and p.title == "The Matrix" and p.year == 1999


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_parsing_and_cleaning_never_crash(text):
    parsed = parse.parse_name_uncached(text)
    assert isinstance(parsed.title, str)
    cleaned = clean_text(text)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in cleaned)


def test_profiles_sync_into_the_table_and_back(db):
    from mydia_tui.models import QualityProfile
    from mydia_tui.profiles import profile_from_row, sync_profiles

    mine = ProfileConfig(name="Remux", qualities=("Remux-1080p",), preferred_words=("HDR",))
    ids = sync_profiles(QualityConfig(profiles=(mine,)))
    assert {"Any", "HD-1080p", "Ultra-HD", "Remux"} <= set(ids)
    assert profile_from_row(QualityProfile.get_by_id(ids["Remux"])) == mine
    again = sync_profiles(
        QualityConfig(profiles=(ProfileConfig(name="Remux", qualities=("Remux-2160p",)),))
    )
    assert again == ids
    assert profile_from_row(QualityProfile.get_by_id(ids["Remux"])).qualities == ("Remux-2160p",)


@pytest.mark.parametrize(
    ("name", "title", "year", "source"),
    [
        ("The.Matrix.1999.TS", "The Matrix", 1999, "telesync"),
        ("Some.Movie-2019", "Some Movie", 2019, None),
    ],
)
def test_fast_path_edge_shapes(name, title, year, source):
    p = parse_name(name, persist=False)
    assert (p.title, p.year, p.source) == (title, year, source)


def test_a_country_that_names_another_item_of_the_library_refuses_the_release():
    """ "The Office" (2001, the UK one) beside "The Office (US)" in one library: a release of
    The.Office.US is the other show's (without that namesake it is accepted for "The Office")."""
    uk = Target(
        kind="episodes",
        item_id=3,
        title="The Office",
        year=2001,
        season=1,
        episodes=(EpisodeRef(31, 1, 4),),
        namesake_countries=("us",),
    )
    d = judge("The.Office.US.S01E04.1080p.WEB-DL.x264-GRP", uk)
    assert d.reason_code == "wrong_title", d.message
    alone = Target(**{**uk.__dict__, "namesake_countries": ()})
    assert judge("The.Office.US.S01E04.1080p.WEB-DL.x264-GRP", alone).accepted
