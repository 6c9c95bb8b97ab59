"""Realistic release names against targets: match, or refuse with the right reason.

Profile "Any", min_seeders 1, the default blocked words; every release has 10 seeders and
no size, so only identity, words and quality decide here.
"""

from __future__ import annotations

import pytest

from mydia_tui.config import QualityConfig
from mydia_tui.parsed_names import parse_name
from mydia_tui.releases.decide import Policy, decide
from mydia_tui.releases.parse import parse_name_uncached
from mydia_tui.releases.quality import resolve_profile
from mydia_tui.releases.release import Release
from mydia_tui.targets import EpisodeRef, Target


def movie(title, year, **ids):
    return Target(kind="movie", item_id=1, title=title, year=year, **ids)


def episodes(title, season, *numbers, year=None, **ids):
    # absolute numbers as a show with one season has them (anime names use them)
    refs = tuple(
        EpisodeRef(100 + n, season, n, absolute=n if season == 1 else None) for n in numbers
    )
    return Target(
        kind="episodes", item_id=2, title=title, year=year, season=season, episodes=refs, **ids
    )


def season(title, number, count=10, year=None, **ids):
    refs = tuple(EpisodeRef(200 + n, number, n) for n in range(1, count + 1))
    return Target(
        kind="season", item_id=3, title=title, year=year, season=number, episodes=refs, **ids
    )


T = {
    "matrix": movie("The Matrix", 1999),
    "alien": movie("Alien", 1979),
    "aliens": movie("Aliens", 1986),
    "bbb": movie("Big Buck Bunny", 2008),
    "odyssey": movie("2001: A Space Odyssey", 1968),
    "br2049": movie("Blade Runner 2049", 2017),
    "bladerunner": movie("Blade Runner", 1982),
    "amelie": movie("Amélie", 2001),
    "fast": movie("Fast & Furious", 2009),
    "1917": movie("1917", 2019),
    "dune": movie("Dune", 2021),
    "lotr": movie("The Lord of the Rings: The Fellowship of the Ring", 2001),
    "leon": movie("Léon: The Professional", 1994),
    "wall-e": movie("WALL·E", 2008),
    "expanse_s02e03": episodes("The Expanse", 2, 3),
    "expanse_s02e03e04": episodes("The Expanse", 2, 3, 4),
    "expanse_s02": season("The Expanse", 2, 13),
    "bb_s02": season("Breaking Bad", 2, 13),
    "bb_s01e01": episodes("Breaking Bad", 1, 1),
    "lo_s20e01": episodes("Law & Order", 20, 1),
    "office_s03e05": episodes("The Office", 3, 5),
    "who_s01e01": episodes("Doctor Who", 1, 1, year=2005),
    "jjk_s01e24": episodes("Jujutsu Kaisen", 1, 24),
    "frieren_s01": season("Frieren: Beyond Journey's End", 1, 28),
    "shield_s01e01": episodes("Marvel's Agents of S.H.I.E.L.D.", 1, 1),
    "got_s08e06": episodes("Game of Thrones", 8, 6),
    "severance_s01": season("Severance", 1, 9),
}

OK = "ok"

CASES = [
    # --- The Matrix and its look-alikes
    ("matrix", "The.Matrix.1999.1080p.BluRay.x264-SPARKS", OK),
    ("matrix", "The Matrix 1999 720p BluRay DTS x264-ESiR", OK),
    ("matrix", "The.Matrix.1999.2160p.UHD.BluRay.REMUX.HDR.HEVC.Atmos-EPSiLON", OK),
    ("matrix", "The Matrix (1999) 1080p BrRip x264 - YIFY", OK),
    ("matrix", "Matrix.1999.1080p.WEB-DL.DD5.1.H264-FGT", OK),
    ("matrix", "The.Matrix.1999.REMASTERED.1080p.BluRay.x264-GRP", OK),
    ("matrix", "The.Matrix.1999.PROPER.720p.HDTV.x264-GRP", OK),
    ("matrix", "The.Matrix.Reloaded.2003.1080p.BluRay.x264-SPARKS", "wrong_title"),
    ("matrix", "The.Matrix.Revolutions.2003.1080p.BluRay.x264-SPARKS", "wrong_title"),
    ("matrix", "The.Matrix.Resurrections.2021.1080p.WEB-DL.DDP5.1.H.264-EVO", "wrong_title"),
    ("matrix", "The.Animatrix.2003.1080p.BluRay.x264-GRP", "wrong_title"),
    ("matrix", "The.Matrix.1999.CAM.x264-GRP", "blocked_word"),
    ("matrix", "The.Matrix.1999.HDTS.x264-GRP", "not_allowed_quality"),
    ("matrix", "The.Matrix.2009.1080p.BluRay.x264-GRP", "wrong_year"),
    ("matrix", "The.Matrix.1080p.BluRay.x264-GRP", "wrong_year"),
    ("matrix", "The.Matrix.1998.1080p.BluRay.x264-GRP", OK),
    ("matrix", "The.Matrix.2000.1080p.BluRay.x264-GRP", OK),
    ("matrix", "The.Matrix.1999.1080p.BluRay.x264.sample-GRP", "blocked_word"),
    ("matrix", "The Matrix S01E01 1080p WEB h264-GRP", "not_a_movie"),
    ("matrix", "The.Matrix.1999.TS.XviD-GRP", "blocked_word"),
    ("matrix", "The.Matrix.1999.TELESYNC.XviD-GRP", "blocked_word"),
    ("matrix", "The.Matrix.1999.DVDRip.XviD-GRP", OK),
    ("matrix", "The.Matrix.1999.DVDSCR.XviD-GRP", "not_allowed_quality"),
    # --- Alien / Aliens
    ("alien", "Alien.1979.Directors.Cut.1080p.BluRay.x264-GRP", OK),
    ("alien", "Alien 1979 REMASTERED 2160p UHD BluRay x265-TERMiNAL", OK),
    ("alien", "Aliens.1986.1080p.BluRay.x264-GRP", "wrong_title"),
    ("alien", "Alien.Covenant.2017.1080p.BluRay.x264-GRP", "wrong_title"),
    ("alien", "Alien.Romulus.2024.1080p.WEB-DL.DDP5.1.H.264-FLUX", "wrong_title"),
    ("alien", "Alien.3.1992.1080p.BluRay.x264-GRP", "wrong_title"),
    ("alien", "Alien.Resurrection.1997.1080p.BluRay.x264-GRP", "wrong_title"),
    ("alien", "Alien.vs.Predator.2004.1080p.BluRay.x264-GRP", "wrong_title"),
    ("aliens", "Aliens.1986.Special.Edition.1080p.BluRay.x264-GRP", OK),
    ("aliens", "Aliens 1986 720p BluRay x264-GRP", OK),
    ("aliens", "Alien.1979.1080p.BluRay.x264-GRP", "wrong_title"),
    ("aliens", "Aliens.in.the.Attic.2009.1080p.BluRay.x264-GRP", "wrong_title"),
    # --- Big Buck Bunny
    ("bbb", "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP", OK),
    ("bbb", "Big Buck Bunny 2008 720p WEB-DL DD5.1 H.264-XYZ", OK),
    ("bbb", "Big.Buck.Bunny.2008.2160p.WEB-DL.x265-GRP", OK),
    ("bbb", "Big.Buck.Bunny.2.2012.1080p.BluRay.x264-GRP", "wrong_title"),
    ("bbb", "Big.Buck.Bunny.2.2008.1080p.BluRay.x264-GRP", "wrong_title"),
    ("bbb", "Big.Buck.Bunny.Returns.2010.1080p.WEB-DL.x264-GRP", "wrong_title"),
    ("bbb", "Big.Buck.2008.1080p.BluRay.x264-GRP", "wrong_title"),
    ("bbb", "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP.mkv", OK),
    ("bbb", "big_buck_bunny_2008_1080p_bluray_x264", OK),
    ("bbb", "BIG.BUCK.BUNNY.2008.1080P.BLURAY.X264-GRP", OK),
    # --- years in titles
    ("odyssey", "2001.A.Space.Odyssey.1968.1080p.BluRay.x264-GRP", OK),
    ("odyssey", "2001 A Space Odyssey 1968 2160p UHD BluRay REMUX HDR HEVC-GRP", OK),
    ("odyssey", "2010.The.Year.We.Make.Contact.1984.1080p.BluRay.x264-GRP", "wrong_title"),
    ("odyssey", "2001.A.Space.Odyssey.2001.1080p.BluRay.x264-GRP", "wrong_year"),
    ("br2049", "Blade.Runner.2049.2017.1080p.BluRay.x264-SPARKS", OK),
    ("br2049", "Blade Runner 2049 (2017) 2160p UHD BluRay x265 HDR-GRP", OK),
    ("br2049", "Blade.Runner.1982.Final.Cut.1080p.BluRay.x264-GRP", "wrong_title"),
    ("bladerunner", "Blade.Runner.1982.Final.Cut.1080p.BluRay.x264-GRP", OK),
    ("bladerunner", "Blade.Runner.2049.2017.1080p.BluRay.x264-SPARKS", "wrong_title"),
    ("bladerunner", "Blade.Runner.Black.Lotus.S01E01.1080p.WEB.h264-GRP", "wrong_title"),
    ("1917", "1917.2019.1080p.BluRay.x264-GRP", OK),
    ("1917", "1917 (2019) 720p WEB-DL x264-GRP", OK),
    ("1917", "1918.2019.1080p.BluRay.x264-GRP", "wrong_title"),
    # --- diacritics, &, punctuation
    ("amelie", "Amelie.2001.1080p.BluRay.x264-GRP", OK),
    ("amelie", "Amélie.2001.1080p.BluRay.x264-GRP", OK),
    ("amelie", "Amélie (2001) 720p BluRay x264-GRP", OK),
    ("amelie", "AMELIE.2001.FRENCH.1080p.BluRay.x264-GRP", OK),
    ("amelie", "Amelia.2009.1080p.BluRay.x264-GRP", "wrong_title"),
    ("fast", "Fast.and.Furious.2009.1080p.BluRay.x264-GRP", OK),
    ("fast", "Fast & Furious 2009 720p BluRay x264-GRP", OK),
    ("fast", "Fast.&.Furious.2009.1080p.WEB-DL.x264-GRP", OK),
    ("fast", "Fast.Five.2011.1080p.BluRay.x264-GRP", "wrong_title"),
    ("fast", "Fast.and.Furious.6.2013.1080p.BluRay.x264-GRP", "wrong_title"),
    ("fast", "The.Fast.and.the.Furious.2001.1080p.BluRay.x264-GRP", "wrong_title"),
    ("dune", "Dune.2021.1080p.WEB-DL.DDP5.1.Atmos.H.264-GRP", OK),
    ("dune", "Dune.1984.1080p.BluRay.x264-GRP", "wrong_year"),
    ("dune", "Dune.Part.Two.2024.1080p.WEB-DL.x264-GRP", "wrong_title"),
    ("dune", "Dune.2021.2160p.WEB-DL.x265-GRP", OK),
    (
        "lotr",
        "The.Lord.of.the.Rings.The.Fellowship.of.the.Ring.2001.EXTENDED.1080p.BluRay.x264-GRP",
        OK,
    ),
    ("lotr", "Lord of the Rings The Fellowship of the Ring 2001 720p BluRay x264-GRP", OK),
    ("lotr", "The.Lord.of.the.Rings.The.Two.Towers.2002.1080p.BluRay.x264-GRP", "wrong_title"),
    ("leon", "Leon.The.Professional.1994.1080p.BluRay.x264-GRP", OK),
    ("leon", "Léon.The.Professional.1994.EXTENDED.720p.BluRay.x264-GRP", OK),
    ("wall-e", "WALL-E.2008.1080p.BluRay.x264-GRP", OK),
    ("wall-e", "WALL-E.2.2012.1080p.BluRay.x264-GRP", "wrong_title"),
    # --- episodes: dotted, spaced, multi-episode
    ("expanse_s02e03", "The.Expanse.S02E03.1080p.WEB-DL.DD5.1.H.264-NTb", OK),
    ("expanse_s02e03", "The Expanse S02E03 720p HDTV x264-KILLERS", OK),
    ("expanse_s02e03", "The.Expanse.S02E03.Static.1080p.AMZN.WEB-DL.DDP5.1.H.264-NTb", OK),
    # articles are compared: without a year to confirm it, "Expanse" may be another show
    ("expanse_s02e03", "Expanse.S02E03.1080p.BluRay.x264-GRP", "wrong_title"),
    ("expanse_s02e03", "The.Expanse.s02e03.1080p.webrip.x264-grp", OK),
    ("expanse_s02e03", "The.Expanse.S02E03.REPACK.1080p.WEB.h264-GRP", OK),
    ("expanse_s02e03", "The.Expanse.S02E04.1080p.WEB-DL.DD5.1.H.264-NTb", "wrong_episode"),
    ("expanse_s02e03", "The.Expanse.S03E03.1080p.WEB-DL.DD5.1.H.264-NTb", "wrong_season"),
    ("expanse_s02e03", "The.Expanse.S02E03E04.1080p.WEB-DL.DD5.1.H.264-NTb", "wrong_episode"),
    ("expanse_s02e03", "The.Expanse.S02.1080p.BluRay.x264-GRP", "season_pack"),
    ("expanse_s02e03", "The.Expanse.Season.2.1080p.BluRay.x264-GRP", "season_pack"),
    ("expanse_s02e03", "The.Expanse.2015.1080p.BluRay.x264-GRP", "not_an_episode"),
    ("expanse_s02e03", "The.Expanse.Diaries.S02E03.1080p.WEB.h264-GRP", "wrong_title"),
    ("expanse_s02e03", "The.Expanse.S02E03.HDTV.x264-GRP", OK),
    ("expanse_s02e03", "The.Expanse.S02E03.480p.HDTV.x264-GRP", OK),
    ("expanse_s02e03e04", "The.Expanse.S02E03E04.1080p.WEB-DL.DD5.1.H.264-NTb", OK),
    ("expanse_s02e03e04", "The.Expanse.S02E03-E04.1080p.WEB-DL.DD5.1.H.264-NTb", OK),
    ("expanse_s02e03e04", "The Expanse S02E03 E04 720p HDTV x264-GRP", OK),
    ("expanse_s02e03e04", "The.Expanse.S02E03.1080p.WEB-DL.DD5.1.H.264-NTb", "wrong_episode"),
    ("expanse_s02e03e04", "The.Expanse.S02E03E04E05.1080p.WEB-DL.H.264-NTb", "wrong_episode"),
    # --- season packs
    ("expanse_s02", "The.Expanse.S02.1080p.BluRay.x264-ROVERS", OK),
    ("expanse_s02", "The.Expanse.Season.2.1080p.BluRay.x264-GRP", OK),
    ("expanse_s02", "The Expanse Season 2 Complete 720p WEB-DL x264-GRP", OK),
    ("expanse_s02", "The.Expanse.S02.COMPLETE.720p.AMZN.WEBRip.x264-GalaxyTV", OK),
    ("expanse_s02", "The.Expanse.Complete.Season.2.1080p.WEB-DL-GRP", OK),
    ("expanse_s02", "The.Expanse.S02E01.1080p.WEB-DL.DD5.1.H.264-NTb", "not_season_pack"),
    ("expanse_s02", "The.Expanse.S02E01E02.1080p.WEB-DL.DD5.1.H.264-NTb", "not_season_pack"),
    ("expanse_s02", "The.Expanse.S03.1080p.BluRay.x264-ROVERS", "wrong_season"),
    ("expanse_s02", "The.Expanse.Season.3.1080p.BluRay.x264-GRP", "wrong_season"),
    ("expanse_s02", "The.Expanse.S01-S03.1080p.BluRay.x264-GRP", "wrong_season"),
    ("expanse_s02", "The.Expanse.Complete.Series.1080p.BluRay.x264-GRP", "wrong_season"),
    ("expanse_s02", "The Expanse Seasons 1 to 6 Complete 1080p-GRP", "wrong_season"),
    ("bb_s02", "Breaking.Bad.Season.2.Complete.720p.BluRay.x264", OK),
    ("bb_s02", "Breaking.Bad.S02.1080p.BluRay.x264-ROVERS", OK),
    ("bb_s02", "Breaking Bad - Season 2 - 1080p BluRay x264", OK),
    ("bb_s02", "Breaking.Bad.S02.720p.HDTV.x264-GRP", OK),
    ("bb_s02", "Breaking.Bad.S02E05.720p.HDTV.x264-GRP", "not_season_pack"),
    ("bb_s02", "Better.Call.Saul.S02.1080p.BluRay.x264-GRP", "wrong_title"),
    ("bb_s02", "Breaking.Bad.S02.HDCAM.XviD-GRP", "blocked_word"),
    ("bb_s01e01", "Breaking.Bad.S01E01.Pilot.720p.BluRay.x264-GRP", OK),
    ("bb_s01e01", "Breaking Bad S01E01 1080p BluRay x265-GRP", OK),
    ("bb_s01e01", "Breaking.Bad.S01E01.1080p.BluRay.x264.SAMPLE-GRP", "blocked_word"),
    ("bb_s01e01", "Breaking.Bad.S10E01.1080p.BluRay.x264-GRP", "wrong_season"),
    ("bb_s01e01", "Breaking.Bad.S01E10.1080p.BluRay.x264-GRP", "wrong_episode"),
    ("bb_s01e01", "El.Camino.A.Breaking.Bad.Movie.2019.1080p.WEB-DL.x264-GRP", "wrong_title"),
    # --- & / and, The, years
    ("lo_s20e01", "Law.and.Order.S20E01.1080p.WEB.h264-GGEZ", OK),
    ("lo_s20e01", "Law & Order S20E01 720p HDTV x264-GRP", OK),
    ("lo_s20e01", "Law.And.Order.SVU.S20E01.1080p.WEB.h264-GRP", "wrong_title"),
    ("lo_s20e01", "Law.and.Order.Special.Victims.Unit.S20E01.720p.HDTV.x264-GRP", "wrong_title"),
    ("office_s03e05", "The.Office.S03E05.720p.BluRay.x264-GRP", OK),
    ("office_s03e05", "Office.S03E05.1080p.WEB-DL.x264-GRP", "wrong_title"),
    ("office_s03e05", "The.Office.US.S03E05.720p.HDTV.x264-GRP", OK),
    ("office_s03e05", "The.Office.S03E05.Initiation.1080p.AMZN.WEB-DL.DDP5.1.H.264-NTb", OK),
    ("office_s03e05", "The.Office.S03E06.720p.BluRay.x264-GRP", "wrong_episode"),
    ("office_s03e05", "The.Office.Superfan.Episodes.S03E05.1080p.WEB.h264-GRP", "wrong_title"),
    ("who_s01e01", "Doctor.Who.2005.S01E01.720p.BluRay.x264-GRP", OK),
    ("who_s01e01", "Doctor.Who.S01E01.720p.BluRay.x264-GRP", OK),
    ("who_s01e01", "Doctor.Who.1963.S01E01.DVDRip.XviD-GRP", "wrong_year"),
    ("who_s01e01", "Doctor.Who.2023.S01E01.1080p.WEB.h264-GRP", "wrong_year"),
    # --- anime-ish
    ("jjk_s01e24", "[SubsPlease] Jujutsu Kaisen - 24 (1080p) [ABCD1234].mkv", OK),
    ("jjk_s01e24", "[Erai-raws] Jujutsu Kaisen - 24 [720p][Multiple Subtitle].mkv", OK),
    ("jjk_s01e24", "Jujutsu.Kaisen.S01E24.1080p.WEB.H264-GRP", OK),
    ("jjk_s01e24", "[SubsPlease] Jujutsu Kaisen - 23 (1080p) [ABCD1234].mkv", "wrong_episode"),
    ("jjk_s01e24", "[SubsPlease] Jujutsu Kaisen S2 - 24 (1080p) [ABCD1234].mkv", "wrong_season"),
    ("jjk_s01e24", "Jujutsu Kaisen 0 (2021) [1080p] [BluRay]", "wrong_title"),
    (
        "frieren_s01",
        "[Judas] Frieren - Beyond Journey's End (Season 1) [1080p][HEVC x265 10bit][Multi-Subs] (Batch)",
        OK,
    ),
    ("frieren_s01", "Frieren.Beyond.Journeys.End.S01.1080p.CR.WEB-DL.AAC2.0.H.264-VARYG", OK),
    (
        "frieren_s01",
        "Frieren.Beyond.Journeys.End.S01E05.1080p.CR.WEB-DL.AAC2.0.H.264-VARYG",
        "not_season_pack",
    ),
    ("shield_s01e01", "Marvels.Agents.of.S.H.I.E.L.D.S01E01.720p.HDTV.X264-DIMENSION", OK),
    ("shield_s01e01", "Marvel's Agents of S.H.I.E.L.D. S01E01 1080p WEB-DL-GRP", OK),
    (
        "shield_s01e01",
        "Marvels.Agents.of.S.H.I.E.L.D.S01E02.720p.HDTV.X264-DIMENSION",
        "wrong_episode",
    ),
    # --- quality / words
    ("got_s08e06", "Game.of.Thrones.S08E06.1080p.WEB.H264-MEMENTO", OK),
    ("got_s08e06", "Game.of.Thrones.S08E06.2160p.AMZN.WEB-DL.DDP5.1.HDR.HEVC-GRP", OK),
    ("got_s08e06", "Game.of.Thrones.S08E06.The.Iron.Throne.720p.AMZN.WEB-DL.DDP5.1.H.264-GoT", OK),
    ("got_s08e06", "Game.of.Thrones.S08E06.iNTERNAL.1080p.WEB.H264-GRP", OK),
    ("got_s08e06", "Game.of.Thrones.S08E06.XviD-AFG", OK),
    ("got_s08e06", "Game.of.Thrones.S08E05.1080p.WEB.H264-MEMENTO", "wrong_episode"),
    ("got_s08e06", "Game.of.Thrones.S07E06.1080p.WEB.H264-MEMENTO", "wrong_season"),
    ("got_s08e06", "Game.of.Thrones.Conquest.and.Rebellion.2017.1080p.WEB.H264-GRP", "wrong_title"),
    ("got_s08e06", "House.of.the.Dragon.S01E06.1080p.WEB.H264-GRP", "wrong_title"),
    ("severance_s01", "Severance.S01.1080p.ATVP.WEB-DL.DDP5.1.H.264-FLUX", OK),
    ("severance_s01", "Severance.S01.2160p.ATVP.WEB-DL.DDP5.1.DV.H.265-FLUX", OK),
    ("severance_s01", "Severance.2022.S01.1080p.WEB.H264-GRP", OK),
    ("severance_s01", "Severance.S02.1080p.ATVP.WEB-DL.DDP5.1.H.264-FLUX", "wrong_season"),
    ("severance_s01", "Severance.2006.1080p.BluRay.x264-GRP", "not_an_episode"),
]


def _policy() -> Policy:
    return Policy.from_config(resolve_profile("Any"), QualityConfig())


@pytest.mark.parametrize(("target", "name", "expected"), CASES, ids=[c[1][:70] for c in CASES])
def test_release_against_target(target: str, name: str, expected: str) -> None:
    release = Release(title=name, indexer="test", seeders=10)
    decision = decide(release, parse_name(name, persist=False), T[target], _policy())
    got = OK if decision.accepted else decision.reason_code
    assert got == expected, (
        f"{name} for {T[target].label()}: {decision.reason_code} {decision.message}"
    )
    if not decision.accepted:
        assert decision.message


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 150


#: more shapes the fast path answers, checked against guessit too (library file and folder
#: names included: the scanner parses them with the same function)
EXTRA_NAMES = [
    "Big Buck Bunny (2008)",
    "Big Buck Bunny (2008) - Bluray-1080p.mkv",
    "The Expanse - S02E03 - Static.mkv",
    "The Expanse - S02E03E04 - Static + Godspeed WEBDL-1080p.mkv",
    "Doctor Who (2005) - S01E01 - Rose.mkv",
    "Amélie (2001).mkv",
    "[SubsPlease] One Piece - 1071 (1080p) [621AEF57].mkv",
    "[Erai-raws] Spy x Family - 03 (720p) [07F62BE5].mkv",
    "[Judas] Frieren - 28 [1080p][HEVC x265 10bit].mkv",
    "[SubsPlease] Jujutsu Kaisen - 24 (1080p).mkv",
    "[ASW] Kaiju No. 8 - 05 [1080p HEVC x265 10Bit][AAC]",
    "[SubsPlease] Mob Psycho 100 - 05 (1080p) [ABCDEF12].mkv",
    "Doctor.Who.Season.5.Complete.1080p.AMZN.WEB-DL.DDP5.1.H.264-EVO",
    "The.Expanse.S05.COMPLETE.480p.HDTV.x264-GalaxyRG",
    "Better Call Saul Season 2 Complete 1080p BluRay x264-GalaxyRG",
    "Some.Movie.2019.DC.1080p.BluRay.x264-GRP",
    "Some.Movie.2019.IMAX.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX",
    "Show.Name.S01E01E02E03.720p.HDTV.x264-GRP",
    "Show Name S03E10 1080p WEB H264-GRP",
    "show.name.s03e10.720p.hdtv.x264-grp.mkv",
    "Spider-Man.No.Way.Home.2021.1080p.WEB-DL.DDP5.1.Atmos.x264-CM",
    "Apollo.13.1995.REMASTERED.1080p.BluRay.x264-GRP",
    "The.Office.US.S05E14.720p.WEB-DL.DD5.1.H.264-GRP",
    "1883.S01E01.1080p.WEB.h264-GRP",
    "Star.Wars.Episode.IV.A.New.Hope.1977.1080p.BluRay.x264-GRP",
    "Se7en.1995.1080p.BluRay.x264-GRP",
    "The.Boys.S04E01.1080p.AMZN.WEB-DL.DDP5.1.H.264-NTb",
    "Ted.Lasso.S03E12.So.Long.Farewell.2160p.ATVP.WEB-DL.DDP5.1.Atmos.DV.H.265-FLUX",
    "Shogun.2024.S01E01.Anjin.1080p.DSNP.WEB-DL.DDP5.1.H.264-NTb",
    "Oppenheimer.2023.IMAX.2160p.UHD.BluRay.x265.10bit.HDR.TrueHD.7.1.Atmos-GRP",
    "Top.Gun.Maverick.2022.1080p.WEBRip.x264.AAC5.1-YTS",
    "The.Last.of.Us.S01.COMPLETE.1080p.HMAX.WEB-DL.DDP5.1.Atmos.H.264-GRP",
    "Fargo.S05E01.720p.HDTV.x264-SYNCOPY",
    "Chernobyl.S01E01.1.23.45.1080p.AMZN.WEB-DL.DDP5.1.H.264-NTb",
    "Band.of.Brothers.S01E01.Currahee.1080p.BluRay.x264-GRP",
    "Parasite.2019.KOREAN.1080p.BluRay.x264-GRP",
    "Mad.Max.Fury.Road.2015.Black.and.Chrome.Edition.1080p.BluRay.x264-GRP",
    "The.Mandalorian.S02E08.Chapter.16.The.Rescue.1080p.DSNP.WEB-DL.DDP5.1.Atmos.H.264-GRP",
    "Avatar.The.Way.of.Water.2022.1080p.WEB-DL.DDP5.1.Atmos.H.264-GRP",
    "Succession.S04E10.With.Open.Eyes.1080p.AMZN.WEB-DL.DDP5.1.H.264-GRP",
    "Interstellar 2014 1080p BluRay x264 DTS-HD MA 5.1-GRP",
    "Dark.S01E01.Secrets.GERMAN.1080p.NF.WEB-DL.DDP5.1.x264-GRP",
    "Movie.Title.2020.HC.HDRip.XviD-GRP",
    "Show.Name.S01E01.PROPER.720p.HDTV.x264-GRP",
    "Show.Name.S01E01.REAL.PROPER.720p.HDTV.x264-GRP",
]


#: what the fast path and guessit must read alike (the title is compared by its key)
AGREEING_FIELDS = (
    "year",
    "seasons",
    "episodes",
    "is_season_pack",
    "resolution",
    "source",
    "remux",
    "proper",
)


@pytest.mark.parametrize("name", sorted({c[1] for c in CASES} | set(EXTRA_NAMES)))
def test_fast_path_agrees_with_guessit(name: str) -> None:
    fast = parse_name_uncached(name)
    if fast.parser != "fast":
        return
    slow = parse_name_uncached(name, fast=False)
    assert {f: getattr(fast, f) for f in AGREEING_FIELDS} == {
        f: getattr(slow, f) for f in AGREEING_FIELDS
    }
    from mydia_tui.identity.titles import key_words as normalize_title

    assert normalize_title(fast.title) == normalize_title(slow.title)


def _bench_names(count: int) -> list[str]:
    import importlib.util
    import random
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "releases.py"
    spec = importlib.util.spec_from_file_location("bench_releases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.names(count, random.Random(11))


def test_fast_path_agrees_with_guessit_on_benchmark_names() -> None:
    from mydia_tui.identity.titles import key_words as normalize_title

    disagreements = []
    for name in _bench_names(300)[::3]:
        fast = parse_name_uncached(name)
        if fast.parser != "fast":
            continue
        slow = parse_name_uncached(name, fast=False)
        a = {f: getattr(fast, f) for f in AGREEING_FIELDS} | {"title": normalize_title(fast.title)}
        b = {f: getattr(slow, f) for f in AGREEING_FIELDS} | {"title": normalize_title(slow.title)}
        if a != b:
            disagreements.append((name, {k: (a[k], b[k]) for k in a if a[k] != b[k]}))
    assert disagreements == []
