"""The release rules, the release parser (fast path and guessit), the scanner and the importer
read the same episodes from every name they share: generated show names, across spellings of
single and multi-episode markers, separators, cases and tags (mydia-tui issue 14: three parsers
disagreed and the same episode was grabbed twice). The guard matches files with the scanner's
matcher; tests/test_guard.py checks it sees what the scan maps, layout by layout.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mydia_tui.config import QualityConfig
from mydia_tui.identity.episodes import read_episodes
from mydia_tui.identity.titles import key_words
from mydia_tui.monitor.importer import Importer
from mydia_tui.releases.decide import IDENTITY_RULES, Policy, decide
from mydia_tui.releases.parse import parse_name_uncached
from mydia_tui.releases.quality import resolve_profile
from mydia_tui.releases.release import Release
from mydia_tui.scanning import names
from mydia_tui.targets import EpisodeRef, Target

WORDS = ["Expanse", "Office", "Dark", "Lost", "Fargo", "House", "Ozark", "Severance", "Andor"]
TAGS = ["", "1080p.WEB-DL.x264-GRP", "720p.HDTV.x264-LOL", "2160p.BluRay.REMUX.HEVC-FraMeSToR"]
POLICY = Policy.from_config(resolve_profile("Any"), QualityConfig(min_seeders=0))


def _marker(style: str, season: int, episodes: list[int]) -> str:
    first, last = episodes[0], episodes[-1]
    multi = len(episodes) > 1
    if style == "SxxEyy":
        return f"S{season:02d}" + "".join(f"E{e:02d}" for e in episodes)
    if style == "SxxEyy-Ezz":
        return f"S{season:02d}E{first:02d}" + (f"-E{last:02d}" if multi else "")
    if style == "SxxEyy-zz":
        return f"S{season:02d}E{first:02d}" + (f"-{last:02d}" if multi else "")
    if style == "NxNN":
        return f"{season}x{first:02d}" + "".join(f"x{e:02d}" for e in episodes[1:])
    if style == "NxNN-NN":
        return f"{season}x{first:02d}" + (f"-{last:02d}" if multi else "")
    if style == "repeated":
        return ".".join(f"S{season:02d}E{e:02d}" for e in episodes)
    return f"Season {season} Episode {first}" + (f"-{last}" if multi else "")


@st.composite
def episode_names(draw):
    title = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True)))
    season = draw(st.integers(1, 30))
    first = draw(st.integers(1, 40))
    count = draw(st.integers(1, 3))
    episodes = list(range(first, first + count))
    style = draw(
        st.sampled_from(
            ["SxxEyy", "SxxEyy-Ezz", "SxxEyy-zz", "NxNN", "NxNN-NN", "repeated", "words"]
        )
    )
    sep = draw(st.sampled_from([".", " ", "_"]))
    marker = _marker(style, season, episodes)
    if draw(st.booleans()):
        marker = marker.lower()
    tags = draw(st.sampled_from(TAGS))
    parts = [*title.split(" "), marker, *([tags] if tags else [])]
    name = sep.join(p.replace(" ", sep) for p in parts)
    return name, title, season, tuple(episodes)


def _target(title: str, season: int, numbers) -> Target:
    refs = tuple(EpisodeRef(1000 + n, season, n) for n in numbers)
    return Target(kind="episodes", item_id=1, title=title, season=season, episodes=refs)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(episode_names())
def test_every_reader_sees_the_same_episodes(case):
    name, title, season, episodes = case
    pairs = {(season, e) for e in episodes}

    # the one episode parser
    assert read_episodes(name).pairs() == pairs, name

    # the release parser, fast path and guessit alike
    for fast in (True, False):
        parsed = parse_name_uncached(name, fast=fast)
        assert (parsed.seasons, parsed.episodes) == ((season,), episodes), (name, fast, parsed)
        assert key_words(parsed.title) == key_words(title), (name, fast, parsed.title)

    # the scanner, on the file the release would become
    info = names.parse_file(name)
    assert info is not None and (info.season, info.episodes) == (season, episodes), name
    assert key_words(info.title) == key_words(title), (name, info.title)

    # the importer, mapping that file to the episodes of the season
    refs = tuple(EpisodeRef(1000 + n, season, n) for n in range(1, 60))
    mapped = Importer._episodes_of(f"{name}.mkv", refs)
    assert {(r.season, r.number) for r in mapped} == pairs, name

    # the release rules: accepted for exactly its episodes, refused for one of them alone
    release = Release(title=name, indexer="t", seeders=5)
    parsed = parse_name_uncached(name)
    decision = decide(release, parsed, _target(title, season, episodes), POLICY, IDENTITY_RULES)
    assert decision.accepted, (name, decision.message)
    if len(episodes) > 1:
        one = decide(release, parsed, _target(title, season, episodes[:1]), POLICY, IDENTITY_RULES)
        assert one.reason_code == "wrong_episode", (name, one.message)
