"""Removing a quality profile (:func:`mydia_tui.profiles.remove_profile`): the rule Sonarr and
Radarr apply, no profile in use is deleted, lives in the core, so that the settings screen and
a command line refuse in the same words; on a real SQLite library and a real config file."""

from __future__ import annotations

import stat

import pytest

from mydia_tui.config import load_config
from mydia_tui.errors import ConfigError, UsageError
from mydia_tui.library import add_movie, add_show
from mydia_tui.profiles import profile_names, removal_refusal, remove_profile, set_item_profile

CONFIG = """\
# my profiles: keep this comment
[quality]
default_profile = "HD-1080p"

[[quality.profiles]]
name = "Mine"   # my own
qualities = ["WEBDL-1080p", "Bluray-1080p"]
"""


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    path.chmod(0o600)
    return path


def test_a_profile_of_the_file_that_no_item_uses_is_removed_keeping_the_comments(db, config_file):
    config = remove_profile(config_file, "Mine", load_config(config_file).quality)
    assert "Mine" not in profile_names(config.quality)
    text = config_file.read_text()
    assert "Mine" not in text and text.startswith("# my profiles: keep this comment\n")
    assert "profiles = []" not in text
    assert "Mine" not in profile_names(load_config(config_file).quality)
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600


def test_a_built_in_profile_that_no_item_uses_is_removed_by_name(db, config_file):
    config = remove_profile(config_file, "SD", load_config(config_file).quality)
    assert config.quality.removed_profiles == ("SD",)
    reread = load_config(config_file)
    assert "SD" not in profile_names(reread.quality) and "Any" in profile_names(reread.quality)
    with pytest.raises(UsageError):
        set_item_profile(add_movie("Sintel", 2010).id, "SD", reread.quality)


@pytest.mark.both_databases
def test_a_profile_in_use_is_not_removed_and_the_refusal_counts_its_items(db, config_file):
    quality = load_config(config_file).quality
    for title, year in (("Sintel", 2010), ("Big Buck Bunny", 2008)):
        set_item_profile(add_movie(title, year).id, "Mine", quality)
    set_item_profile(add_show("Pioneer One", []).id, "Mine", quality)
    before = config_file.read_bytes()
    refusal = "'Mine' is the profile of 2 films and 1 show: give them another profile first"
    assert removal_refusal("Mine", quality) == refusal
    with pytest.raises(UsageError) as info:
        remove_profile(config_file, "Mine", quality)
    assert str(info.value) == refusal
    assert config_file.read_bytes() == before


def test_a_profile_one_item_uses_is_refused_naming_that_item(db, config_file):
    """A new user's report: "the profile of 1 film: give them another profile first". One
    item is named, and called "it"."""
    quality = load_config(config_file).quality
    set_item_profile(add_movie("Sintel", 2010).id, "Mine", quality)
    assert removal_refusal("Mine", quality) == (
        "'Mine' is the profile of Sintel (2010): give it another profile first"
    )


def test_the_default_profile_is_not_removed(db, config_file):
    quality = load_config(config_file).quality
    before = config_file.read_bytes()
    refusal = "'HD-1080p' is the default profile: choose another default first"
    assert removal_refusal("HD-1080p", quality) == refusal
    with pytest.raises(UsageError):
        remove_profile(config_file, "HD-1080p", quality)
    assert config_file.read_bytes() == before


def test_removed_profiles_may_name_built_in_profiles_only(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[quality]\nremoved_profiles = ["SDD"]\n')
    with pytest.raises(ConfigError) as info:
        profile_names(load_config(path).quality)
    assert info.value.key == "quality.removed_profiles[0]"
