"""Untrusted text (a magnet's ``dn=``, ``grab --title``, titles, error messages) printed to a
terminal never carries a control character or a bidi override: it is made visible. ``--json``
keeps the text and lets JSON escape it."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from probes import Mydia

from mydia_tui.untrusted import UNSAFE, for_terminal

HOSTILE = "Evil\x1b[31m.Title\x07\u202e.2008\x9b2J.1080p"


@pytest.fixture
def refused_grab(mydia: Mydia, tmp_path: Path):
    """A grab Deluge never took (nobody listens on port 1): a failed download and its
    history, both holding the hostile title."""
    mydia.configure("[deluge]\nport = 1\ntimeout = 1.0\n")
    assert mydia("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    magnet = "magnet:?xt=urn:btih:" + "ab" * 20 + "&dn=" + quote(HOSTILE)
    run = mydia("grab", "--movie", "1", "--magnet", magnet)
    return mydia, run


def _safe(text: str) -> None:
    assert not UNSAFE.search(text.replace("\n", "")), repr(text)


def test_grab_prints_a_magnet_name_made_visible(refused_grab):
    _, run = refused_grab
    assert run.code == 1, run.err
    _safe(run.out + run.err)
    assert "Evil␛[31m.Title" in run.err


def test_grab_title_option_is_made_visible(refused_grab):
    mydia, _ = refused_grab
    run = mydia("grab", "--movie", "1", "--magnet", "ab" * 20, "--title", HOSTILE)
    _safe(run.out + run.err)


@pytest.mark.parametrize("args", [("downloads", "--all"), ("history",), ("list",)])
def test_listings_print_titles_made_visible(refused_grab, args):
    mydia, _ = refused_grab
    run = mydia(*args)
    assert run.code == 0, run.err
    _safe(run.out + run.err)


@pytest.mark.parametrize("args", [("downloads", "--all", "--json"), ("history", "--json")])
def test_json_keeps_the_text_and_escapes_it(refused_grab, args):
    mydia, _ = refused_grab
    run = mydia(*args)
    assert run.code == 0, run.err
    _safe(run.out)  # the raw bytes hold only escapes (\u001b, \u202e)
    assert any(HOSTILE in text for text in _strings(json.loads(run.out))), run.out


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return [s for item in data for s in _strings(item)]
    return []


def test_the_tui_and_the_command_line_use_one_sanitizer():
    from mydia_tui.releases.release import clean_text
    from mydia_tui.tui.text import clean
    from mydia_tui.untrusted import without_controls

    assert clean(HOSTILE) == for_terminal(HOSTILE)
    assert clean_text is without_controls
    assert not UNSAFE.search(for_terminal(HOSTILE)) and not UNSAFE.search(clean_text(HOSTILE))


#: a line break in outside text, and the line it would forge after it (breaker11b)
BREAKS = ["\n", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]
FORGED = "    99  downloading   100.0%  FORGED"


def _one_line_each(text: str, *names: str) -> None:
    """Every line of ``text`` naming one of ``names`` holds it whole, and no line is forged:
    nothing Python (or a terminal) takes for a line break is left inside a line."""
    lines = text.split("\n")
    assert not any(line.lstrip().startswith("99  downloading") for line in lines), text
    assert not any(line.lstrip().startswith("FORGED") for line in lines), text
    assert len(text.splitlines()) == len(lines) - (1 if text.endswith("\n") else 0), repr(text)
    for name in names:
        assert name in text, (name, text)


@pytest.fixture
def forged_grab(mydia: Mydia):
    """A grab Deluge never took, of a magnet whose ``dn=`` holds every line break each followed
    by a forged row of ``downloads``."""
    mydia.configure("[deluge]\nport = 1\ntimeout = 1.0\n")
    assert mydia("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    name = "Newline.Test" + "".join(b + FORGED for b in BREAKS)
    magnet = "magnet:?xt=urn:btih:" + "ab" * 20 + "&dn=" + quote(name)
    return mydia, mydia("grab", "--movie", "1", "--magnet", magnet)


def test_grab_prints_a_line_break_of_a_magnet_name_made_visible(forged_grab):
    _, run = forged_grab
    assert run.code == 1, run.err
    _one_line_each(run.out + run.err, "Newline.Test")


@pytest.mark.parametrize("args", [("downloads", "--all"), ("history",)])
def test_listings_print_a_line_break_made_visible(forged_grab, args):
    mydia, _ = forged_grab
    run = mydia(*args)
    assert run.code == 0, run.err
    _one_line_each(run.out, "Newline.Test␊" + FORGED, "␍␊", "␋", "␌", "␤")


def test_grab_title_option_with_a_line_break_is_made_visible(mydia: Mydia):
    mydia.configure("[deluge]\nport = 1\ntimeout = 1.0\n")
    assert mydia("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    title = "Gamma.2003\n" + FORGED
    mydia("grab", "--movie", "1", "--magnet", "ab" * 20, "--title", title)
    for args in (("downloads", "--all"), ("history",)):
        _one_line_each(mydia(*args).out, "Gamma.2003␊" + FORGED)


def test_blocklist_prints_a_reason_with_a_line_break_on_one_line(mydia: Mydia):
    reason = "line1\n" + FORGED
    assert mydia("blocklist", "add", "ab" * 20, "--reason", reason).code == 0
    run = mydia("blocklist")
    assert run.code == 0, run.err
    assert len(run.out.splitlines()) == 1, run.out
    _one_line_each(run.out, "line1␊" + FORGED)


def test_scan_and_delete_print_a_file_name_with_a_line_break_on_one_line(
    mydia: Mydia, tmp_path: Path
):
    movies = tmp_path / "Movies"
    sintel = movies / "Sintel (2010)"
    sintel.mkdir(parents=True)
    (sintel / "Sintel\n(2010) 1080p.mkv").write_bytes(b"x" * 1000)
    (movies / "Nothing Here (1999)\nFORGED everything ok.mkv").write_bytes(b"x" * 1000)
    mydia.configure(f'[library]\nmovies = ["{movies}"]\n')
    assert mydia("add", "movie", "Sintel", "--year", "2010").code == 0
    scan = mydia("scan")
    assert "Traceback" not in scan.err, scan.err
    _one_line_each(scan.out + scan.err, "Nothing Here (1999)␊FORGED everything ok.mkv")
    _one_line_each(mydia("history").out, "Sintel␊(2010) 1080p.mkv")
    delete = mydia("delete", "1", "--files")
    assert delete.code == 0, delete.err
    _one_line_each(delete.out, "Sintel␊(2010) 1080p.mkv")


@pytest.mark.parametrize("brk", BREAKS)
def test_for_terminal_leaves_no_line_break(brk):
    shown = for_terminal("a" + brk + "b")
    assert len(shown.splitlines()) == 1 and not UNSAFE.search(shown), repr(shown)


@pytest.mark.parametrize("brk", BREAKS)
def test_what_is_kept_has_a_space_for_a_line_break(brk):
    from mydia_tui.untrusted import without_controls

    assert without_controls("a" + brk + "b").split() == ["a", "b"]
