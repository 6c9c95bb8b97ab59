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
