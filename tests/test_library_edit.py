"""Editing an item: its folder (inside a library folder) and its quality profile."""

from __future__ import annotations

import pytest

from mydia_tui.errors import UsageError
from mydia_tui.library import add_movie, item_settings, set_folder
from mydia_tui.models import LibraryRoot
from mydia_tui.profiles import item_profile_name, profile_names, set_item_profile

pytestmark = pytest.mark.both_databases


def test_folder_relative_or_absolute_inside_a_root_and_never_out_through_a_symlink(db, tmp_path):
    root = tmp_path / "movies"
    root.mkdir()
    other = tmp_path / "movies2"
    other.mkdir()
    LibraryRoot.create(path=str(root), kind="movies")
    LibraryRoot.create(path=str(other), kind="movies")
    info = add_movie("Sintel", 2010)
    assert set_folder(info.id, "Films/Sintel") == "Films/Sintel"
    assert item_settings(info.id).root == str(root)
    assert set_folder(info.id, f"{other}/Sintel (2010)/") == "Sintel (2010)"
    assert item_settings(info.id).root == str(other)
    (other / "out").symlink_to(tmp_path, target_is_directory=True)  # the item is in other now
    for bad in ("../x", "a//b", "out/Sintel", "/etc/Sintel", "CON", ""):
        with pytest.raises(UsageError):
            set_folder(info.id, bad)
    assert item_settings(info.id).folder == "Sintel (2010)"


def test_profile_by_name_or_the_default(db):
    info = add_movie("Sintel", 2010)
    name = profile_names()[-1]
    assert set_item_profile(info.id, name) is True
    assert set_item_profile(info.id, name) is False
    assert item_profile_name(info.id) == name
    with pytest.raises(UsageError, match="no quality profile named 'Nope'"):
        set_item_profile(info.id, "Nope")
    assert set_item_profile(info.id, None) is True and item_profile_name(info.id) is None
