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


def test_a_library_folder_taken_out_of_the_config_is_no_longer_chosen(db, tmp_path):
    """The database keeps a library folder the config no longer names (files may still refer
    to it), but new items, and a folder typed by hand, go only to the folders the config
    names, first one first. Seen by a new user: after the films folder was changed in the
    settings, `e` still took paths in the old one, and new films were still placed there."""
    from mydia_tui.library import first_root, sync_roots

    old, new, second = (tmp_path / name for name in ("old", "new", "second"))
    for folder in (old, new, second):
        folder.mkdir()
    sync_roots((str(old),), ())
    kept = add_movie("Sintel", 2010)  # placed in the old folder while it was configured
    assert item_settings(kept.id).root == str(old)

    sync_roots((str(new), str(second)), ())  # the settings now name two other folders
    assert LibraryRoot.select().where(LibraryRoot.path == str(old)).exists()  # kept in the db
    assert first_root("movies").path == str(new)
    added = add_movie("Big Buck Bunny", 2008)
    assert item_settings(added.id).root == str(new)
    with pytest.raises(UsageError, match="not inside a library folder"):
        set_folder(added.id, f"{old}/Big Buck Bunny (2008)")
    assert set_folder(added.id, f"{second}/Big Buck Bunny (2008)") == "Big Buck Bunny (2008)"
    assert item_settings(added.id).root == str(second)
    # a folder typed relative goes to the item's own folder while the config still names it
    assert set_folder(added.id, "Films/Big Buck Bunny") == "Films/Big Buck Bunny"
    assert item_settings(added.id).root == str(second)
    # the film placed in the old folder: a relative folder now goes to the first named one
    assert set_folder(kept.id, "Sintel (2010)") == "Sintel (2010)"
    assert item_settings(kept.id).root == str(new)

    sync_roots((), ())  # no films folder configured at all
    assert item_settings(kept.id).base == ""
    assert first_root("movies") is None


def placed(item_id: int) -> tuple[str, str, str]:
    """The item's library folder, the one a relative folder goes inside, its folder as shown."""
    settings = item_settings(item_id)
    return settings.root, settings.base, settings.typed_folder


def test_the_folder_a_relative_path_goes_inside_is_named_where_it_is_resolved(db, tmp_path):
    """Seen by a new user: after the films folder was changed, the edit form named the item's
    old folder as the one a relative folder goes inside, while a relative folder went into
    the new one; its error named the new one. One function says which (folder_base): the
    settings the form shows and every error of a folder typed relative name it."""
    from mydia_tui.library import sync_roots

    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        folder.mkdir()
    sync_roots((str(old),), ())
    info = add_movie("Sintel", 2010)
    assert set_folder(info.id, "Sintel (2010)") == "Sintel (2010)"
    assert placed(info.id) == (str(old), str(old), "Sintel (2010)")

    sync_roots((str(new),), ())  # the settings now name another films folder
    # where it is now, whole: shown relative, it would read as a folder inside the new one
    assert placed(info.id) == (str(old), str(new), f"{old}/Sintel (2010)")
    (new / "out").symlink_to(tmp_path, target_is_directory=True)
    for typed, words in (
        ("", f"inside {new}"),
        ("../Sintel", f"(a folder inside {new})"),
        ("out/Sintel", f"leads out of the library folder {new}"),
    ):
        with pytest.raises(UsageError) as refused:
            set_folder(info.id, typed)
        assert words in str(refused.value) and str(old) not in str(refused.value)
    assert set_folder(info.id, "Sintel (2010)") == "Sintel (2010)"
    assert placed(info.id) == (str(new), str(new), "Sintel (2010)")
