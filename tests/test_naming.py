"""File names of imported files: the naming patterns (Sonarr's and Radarr's tokens, checked
when the config is read) and safe names (255 bytes, Windows/SMB reserved names, trailing dots
and spaces)."""

from __future__ import annotations

import pytest

from mydia_tui.config import config_from_dict
from mydia_tui.errors import ConfigError
from mydia_tui.library import MAX_NAME_BYTES, safe_name
from mydia_tui.naming import DEFAULT_EPISODE, DEFAULT_MOVIE, render

EPISODE = {
    "Series Title": "The Expanse",
    "season": 1,
    "episode": 3,
    "Episode Title": "Remember the Cant",
    "Quality Full": "WEBDL-1080p",
}


@pytest.mark.parametrize(
    ("pattern", "values", "name"),
    [
        (DEFAULT_EPISODE, EPISODE, "The Expanse - S01E03 - Remember the Cant WEBDL-1080p"),
        (DEFAULT_EPISODE, {**EPISODE, "Episode Title": ""}, "The Expanse - S01E03 WEBDL-1080p"),
        (
            DEFAULT_EPISODE,
            {**EPISODE, "episode": (1, 2)},
            "The Expanse - S01E01E02 - Remember the Cant WEBDL-1080p",
        ),
        (
            DEFAULT_EPISODE,
            {**EPISODE, "Quality Full": ""},
            "The Expanse - S01E03 - Remember the Cant",
        ),
        ("{Series Title} {season}x{episode:00}", EPISODE, "The Expanse 1x03"),
        (
            DEFAULT_MOVIE,
            {"Movie Title": "Sintel", "Release Year": 2010, "Quality Full": "Bluray-1080p"},
            "Sintel (2010) Bluray-1080p",
        ),
        (
            DEFAULT_MOVIE,
            {"Movie Title": "Sintel", "Release Year": None, "Quality Full": ""},
            "Sintel",
        ),
        (
            "{Movie Title} ({Release Year}) [{Quality Full}]",
            {"Movie Title": "Sintel", "Release Year": 2010, "Quality Full": "Bluray-1080p"},
            "Sintel (2010) [Bluray-1080p]",
        ),
    ],
)
def test_patterns_render_like_sonarr(pattern, values, name):
    assert render(pattern, values) == name


@pytest.mark.parametrize(
    ("section", "error"),
    [
        ({"movie_file": "{Movie Title} {Foo}"}, "key 'movie_file' has the unknown token {Foo}"),
        ({"movie_file": "{Release Year} {Quality Full}"}, "must contain {Movie Title}"),
        (
            {"episode_file": "{Series Title} - {Episode Title}"},
            "must contain {episode} and {season}",
        ),
        ({"episode_file": "Season {season}/{episode}"}, "must be a file name: no / or \\"),
        ({"movie_file": "{Movie Title"}, "has an unbalanced { or }"),
        ({"episode_file": "{season:0x}{episode}"}, "has the unknown token {season:0x}"),
    ],
)
def test_a_bad_naming_pattern_is_refused_when_the_config_is_read(section, error):
    with pytest.raises(ConfigError, match=None) as caught:
        config_from_dict({"naming": section})
    message = str(caught.value)
    assert error in message and "\n" not in message and message.startswith("configuration [naming]")


@pytest.mark.parametrize(
    ("name", "extension", "safe"),
    [
        ("CON", "", "CON_"),
        ("nul", ".mkv", "nul_.mkv"),
        ("NUL.en", ".srt", "NUL_.en.srt"),
        ("Com1 ", "", "Com1_"),
        ("Console", "", "Console"),
        ("Dots at the end...", ".mkv", "Dots at the end.mkv"),
        ("Spaces and dots . . ", "", "Spaces and dots"),
        ('What: "Now"? <1/2>', ".mkv", "What Now 12.mkv"),
        ("...", "", "_"),
    ],
)
def test_safe_names_for_windows_and_smb_shares(name, extension, safe):
    assert safe_name(name, extension) == safe


@pytest.mark.parametrize("char", ["a", "é", "東", "🎬"])
def test_a_long_name_is_cut_to_255_bytes_keeping_its_extension(char):
    name = safe_name("Show - S01E01 - " + char * 300, ".mkv")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name.endswith(".mkv") and name.startswith("Show - S01E01 - " + char)
    name.encode("utf-8").decode("utf-8")  # never cut inside a character
