"""Command-line bounds: absurd titles, ids, years and limits are one line (exit 2 for usage,
1 for a failure), never a traceback; a title that passes can be grabbed for (its folder name
fits the file system)."""

from __future__ import annotations

import pytest
from probes import Mydia, one_line

LONG = "A" * 10_000


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("add", "movie", LONG, "--year", "2008"), 2, ("at most 200 bytes",)),
        (("add", "movie", "Évé" * 60, "--year", "2008"), 2, ("at most 200 bytes",)),
        (("add", "show", LONG, "--seasons", "1:2"), 2, ("at most 200 bytes",)),
        (("add", "movie", "Evil\x1b[31mRed", "--year", "2008"), 2, ("control characters",)),
        (("add", "movie", "Back\u202eward", "--year", "2008"), 2, ("control characters",)),
        (("add", "movie", "   ", "--year", "2008"), 2, ("needs a title",)),
        (("add", "movie", "X", "--year", "99999999999999999999"), 2, ("year",)),
        (("add", "movie", "X", "--year", "-5"), 2, ("year",)),
        (("grab", "--movie", "99999999999999999999", "--magnet", "ab" * 20), 2, ()),
        (("search", "99999999999999999999"), 2, ()),
        (("history", "--limit", "-1"), 2, ("limit",)),
        (("history", "--limit", "99999999999999999999"), 2, ("limit",)),
        (("retry-import", "99999999999999999999"), 2, ()),
        (("history", "--item", "99999999999999999999"), 2, ()),
        (("add", "show", "X", "--seasons", "1:99999999999"), 2, ()),
        (("demo", "--no-tui", "--timeout", "nan"), 2, ("seconds",)),
        (("demo", "--no-tui", "--timeout", "inf"), 2, ("seconds",)),
    ],
    ids=lambda v: " ".join(v)[:60] if isinstance(v, tuple) else str(v),
)
def test_absurd_input_is_one_line(mydia: Mydia, tmp_path, args, code, words):
    mydia.configure("[deluge]\nport = 1\ntimeout = 1.0\n")
    run = mydia(*args)
    line = one_line(run, code, *words)
    assert "\x1b" not in line and "\u202e" not in line


def test_a_title_at_the_bound_makes_a_folder_the_file_system_takes(mydia: Mydia, tmp_path):
    from mydia_tui.library import MAX_TITLE_BYTES, movie_folder

    title = "é" * (MAX_TITLE_BYTES // 2)
    assert mydia("add", "movie", title, "--year", "2008").code == 0
    folder = tmp_path / movie_folder(title, 2008)
    folder.mkdir()  # "File name too long" would raise here
    assert folder.is_dir()
