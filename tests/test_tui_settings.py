"""The settings screen, driven by keys on a real config file and a real database: saving keeps
the user's comments and formatting, mode 0600 and a symlink; an invalid value is shown beside
its field and changes nothing; a saved configuration is applied without a restart (the status
bar, the monitor); "test" reaches the real deluged fixture and the loopback Torznab server."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import pytest
from pilot_waits import wait_until
from test_tui import burst
from textual.widgets import Input, Select

from mydia_tui.config import load_config
from mydia_tui.tui.launch import tui_app
from mydia_tui.tui.screens.settings import SettingsScreen
from mydia_tui.tui.text import shorten
from mydia_tui.tui.widgets.footer import KeysFooter

COMMENTED = """\
# my mydia settings: keep this comment
[tui]
theme = "textual-dark"   # a dark theme

[monitor]
poll_interval   =   5.0   # odd spacing, kept
rss_interval = 900.0
"""


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def type_into(pilot, widget_id: str, text: str) -> None:
    """Focus the input ``widget_id`` and replace its text with ``text``, with keys."""
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await pilot.pause()
    await pilot.press("home", "ctrl+k", *text)


async def open_settings(pilot) -> SettingsScreen:
    await wait_until(pilot, lambda: pilot.app.main.is_mounted, what="the main screen")
    await pilot.press("O")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SettingsScreen), what="settings")
    return pilot.app.screen


def field_error(screen: SettingsScreen, widget_id: str) -> str:
    line = screen.query_one(f"#{widget_id}-error")
    return "" if line.has_class("-empty") else str(line.render())


def banner(screen: SettingsScreen) -> str:
    """The settings' status line ("" while the form is drawn again after a save)."""
    found = screen.query("#settings-status")
    return str(found.first().render()) if found else ""


def redrawn(screen: SettingsScreen, before: object, says: str) -> bool:
    """Whether the form was drawn again since the banner ``before`` (a save ends so: the form
    starts again from the file as saved) and its banner says ``says``."""
    found = screen.query("#settings-status")
    return bool(found) and found.first() is not before and says in banner(screen)


async def pressed(pilot, screen: SettingsScreen, *keys: str, says: str = "Saved to") -> None:
    """Press ``keys`` (ctrl+s; "y" to a removal's question), then wait for the end of the
    save: the form drawn again, its banner saying ``says``."""
    before = screen.query_one("#settings-status")
    await pilot.press(*keys)
    await wait_until(pilot, lambda: redrawn(screen, before, says), what=f"{says!r}, drawn again")


@pytest.fixture
def linked_config(tmp_path: Path) -> tuple[Path, Path]:
    """A commented config file in a dotfiles folder, and a symlink to it (what is opened)."""
    real = tmp_path / "dotfiles" / "mydia.toml"
    real.parent.mkdir()
    real.write_text(COMMENTED)
    real.chmod(0o600)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    return real, link


async def test_saving_through_keys_keeps_comments_formatting_mode_and_the_symlink(
    db, linked_config
):
    real, link = linked_config
    port = closed_port()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            await type_into(pilot, "deluge-port", str(port))
            await type_into(pilot, "monitor-rss_interval", "1200")
            await pressed(pilot, screen, "ctrl+s")
            assert app.config.monitor.rss_interval == 1200.0
    assert link.is_symlink() and link.resolve() == real
    text = real.read_text()
    assert "# my mydia settings: keep this comment" in text
    assert 'theme = "textual-dark"   # a dark theme' in text
    assert "poll_interval   =   5.0   # odd spacing, kept" in text
    assert "rss_interval = 1200\n" in text
    assert f"[deluge]\nport = {port}\n" in text
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    reread = load_config(link)
    assert reread.deluge.port == port and reread.monitor.rss_interval == 1200.0


async def test_keys_typed_at_once_go_to_their_fields_and_are_saved(db, linked_config):
    """A burst typed fast (the host, tab, the port, ctrl+s): each key goes to the field the
    keys before it left the focus on, editing keys in order, and the save sees all of it."""
    real, link = linked_config
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)  # the host has the focus, its text selected
            before = screen.query_one("#settings-status")
            burst(app, *"nas.lam", "backspace", "n", "tab", *"58847", "ctrl+s")
            await wait_until(pilot, lambda: redrawn(screen, before, "Saved to"), what="the save")
            assert app.config.deluge.port == 58847
            assert screen.query_one("#deluge-host", Input).value == "nas.lan"
    reread = load_config(link)
    assert (reread.deluge.host, reread.deluge.port) == ("nas.lan", 58847)


async def test_an_invalid_port_is_shown_beside_the_field_and_nothing_is_written(db, linked_config):
    real, link = linked_config
    before = real.read_bytes()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            await type_into(pilot, "deluge-port", "70000")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: field_error(screen, "deluge-port"), what="the error")
            assert field_error(screen, "deluge-port") == "must be between 1 and 65535"
            status = str(screen.query_one("#settings-status").render())
            assert status == "Not saved: Port: must be between 1 and 65535"
            # text in a number field: the same validation says what is wrong
            await type_into(pilot, "deluge-port", "abc")
            await pilot.press("ctrl+s")
            await wait_until(
                pilot, lambda: "whole number" in field_error(screen, "deluge-port"), what="error"
            )
            assert field_error(screen, "deluge-port") == "must be a whole number, not 'abc'"
            assert app.config.deluge.port == 58846  # not applied either
    assert real.read_bytes() == before


async def test_a_saved_deluge_setup_is_applied_without_a_restart(db, linked_config, deluged):
    """From "Deluge not configured" to connected: the status bar's setup line changes and the
    monitor is restarted on the new configuration (a new monitor, reaching the daemon)."""
    _real, link = linked_config
    daemon = deluged.config()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            status = app.main.status
            await wait_until(pilot, lambda: app.monitor is not None, what="the first monitor")
            assert status.deluge_text().plain == "Deluge not configured"
            first = app.monitor
            await open_settings(pilot)
            await type_into(pilot, "deluge-port", str(daemon.port))
            await type_into(pilot, "deluge-username", daemon.username)
            await type_into(pilot, "deluge-password", daemon.password)
            await pilot.press("ctrl+s")
            await wait_until(
                pilot,
                lambda: app.monitor is not None and app.monitor is not first,
                what="a new monitor",
            )
            assert app.monitor.config.deluge.port == daemon.port
            await wait_until(
                pilot, lambda: "connected" in status.deluge_text().plain, what="connected"
            )
            assert status.deluge_text().plain.startswith("Deluge ")
            assert "not configured" not in status.deluge_text().plain


async def test_test_connection_shows_the_daemons_version_or_the_exact_error(
    db, linked_config, deluged
):
    _real, link = linked_config
    daemon = deluged.config()
    version = deluged.rpc().call("daemon.info")
    version = version.decode() if isinstance(version, bytes) else str(version)
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            result = screen.query_one("#deluge-test")
            await type_into(pilot, "deluge-port", str(daemon.port))
            await type_into(pilot, "deluge-username", daemon.username)
            await type_into(pilot, "deluge-password", daemon.password)
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: "at 127.0.0.1" in str(result.render()))
            assert str(result.render()) == f"Deluge {version} at 127.0.0.1:{daemon.port}"
            # a wrong password: the daemon's refusal, without the password
            await type_into(pilot, "deluge-password", "not-the-password")
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: "password" in str(result.render()).lower())
            refused = str(result.render())
            assert "not-the-password" not in refused
            # nothing listens: the exact error of the Deluge client
            port = closed_port()
            await type_into(pilot, "deluge-port", str(port))
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: f":{port}" in str(result.render()))
            from mydia_tui.deluge import DelugeError, daemon_version

            with pytest.raises(DelugeError) as expected:
                daemon_version(
                    daemon.__class__(**{**daemon.__dict__, "port": port}),
                    check="check {keys} above",
                )
            assert str(result.render()) == str(expected.value)
            # what to check is named in the form's words: the fields above it, not the file
            assert str(result.render()).endswith(
                "refused the connection: is deluged running? check host/port above"
            )
            # a value the validation refuses: shown beside its field, nothing is tried
            await type_into(pilot, "deluge-port", "0")
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: "not tested" in str(result.render()))
            assert field_error(screen, "deluge-port") == "must be between 1 and 65535"
    assert "not-the-password" not in link.read_text()  # testing writes nothing


async def test_an_indexer_added_on_the_screen_is_tested_with_its_caps_and_saved(
    db, linked_config, torznab
):
    real, link = linked_config
    fake = torznab.add("loop")
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda: screen.query("#indexers-0-name"), what="the group")
            assert screen.focused is screen.query_one("#indexers-0-name")
            await pilot.press(*"loop")
            await type_into(pilot, "indexers-0-url", fake.url)
            await type_into(pilot, "indexers-0-api_key", "wrong-key-1")
            await type_into(pilot, "indexers-0-priority", "5")
            result = screen.query_one("#indexers-0-test")
            # a wrong key: the indexer's refusal, the key never shown
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: "Invalid API Key" in str(result.render()))
            assert "wrong-key-1" not in str(result.render())
            await type_into(pilot, "indexers-0-api_key", fake.api_key)
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: "answers" in str(result.render()), what="caps")
            assert str(result.render()) == "loop: answers (search, tv, movie)"
            # shown masked: the key is not on the screen
            assert fake.api_key not in str(screen.query_one("#indexers-0-api_key").render())
            await pressed(pilot, screen, "ctrl+s")
            assert len(app.config.indexers) == 1
            # the saved indexer is now an existing one: disable it and change its priority
            screen.query_one("#indexers-0-enabled").focus()
            await pilot.press("space")
            await type_into(pilot, "indexers-0-priority", "7")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: app.config.indexers[0].priority == 7, what="saved")
    (indexer,) = load_config(link).indexers
    assert (indexer.name, indexer.url, indexer.api_key) == ("loop", fake.url, fake.api_key)
    assert (indexer.priority, indexer.enabled) == (7, False)
    text = real.read_text()
    assert "# my mydia settings: keep this comment" in text and "[[indexers]]" in text
    assert [r["t"] for r in fake.requests] == ["caps", "caps"]  # the tests, nothing else


async def test_the_palette_runs_settings_actions_while_settings_are_open(db, linked_config):
    _real, link = linked_config
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_until(pilot, lambda: app.main.is_mounted)
            # the opener runs from anywhere: through the palette on the main screen
            await pilot.press("ctrl+p", *"Everywhere: Settings")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen))
            screen = app.screen
            await pilot.press("ctrl+p", *"Settings: Add indexer")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen.query("#indexers-0-name"), what="the group")
            assert app.screen is screen


async def test_settings_keys_are_remappable(db, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[tui.keys]\n"app.settings" = "f2"\n"settings.save" = "f6"\n')
    path.chmod(0o600)
    with tui_app(load_config(path), str(path)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_until(pilot, lambda: app.main.is_mounted)
            await pilot.press("f2")
            await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen))
            await type_into(pilot, "monitor-poll_interval", "7")
            await pilot.press("f6")
            await wait_until(pilot, lambda: app.config.monitor.poll_interval == 7.0)
    assert "poll_interval = 7" in path.read_text()


async def test_default_profile_cutoff_and_folders_are_saved_and_applied(db, linked_config):
    """The default quality profile is picked from the list; its cutoff and qualities are
    saved as a [[quality.profiles]] entry of its name (a cutoff outside its qualities is
    refused by the profile's own rule); a new library folder becomes a library root."""
    from mydia_tui.models import LibraryRoot, QualityProfile
    from mydia_tui.releases.quality import resolve_profile

    real, link = linked_config
    movies = real.parent.parent / "films"
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            select = screen.query_one("#quality-default_profile")
            select.focus()
            await pilot.press("enter")  # the list of profiles: HD-1080p is chosen
            await pilot.press("down", "enter")  # the next one: HD - 720p/1080p
            await wait_until(pilot, lambda: select.value == "HD - 720p/1080p")
            await wait_until(
                pilot, lambda: screen.query_one("#quality-cutoff").value == "HDTV-720p"
            )
            await type_into(pilot, "quality-cutoff", "Remux-2160p")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: field_error(screen, "quality-cutoff"), what="error")
            assert field_error(screen, "quality-cutoff") == (
                "'Remux-2160p' is not one of the profile's qualities"
            )
            await type_into(pilot, "quality-cutoff", "WEBDL-1080p")
            screen.query_one("#library-movies").focus()
            await pilot.press(*str(movies))
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: app.config.quality.default_profile == "HD - 720p/1080p")
            await wait_until(
                pilot,
                lambda: LibraryRoot.select().where(LibraryRoot.path == str(movies)).exists(),
                what="the new root",
            )
            # the profile as the library's items read it (their quality_profile row)
            await wait_until(
                pilot,
                lambda: (
                    QualityProfile.select()
                    .where(
                        (QualityProfile.name == "HD - 720p/1080p")
                        & (QualityProfile.cutoff == "WEBDL-1080p")
                    )
                    .exists()
                ),
                what="the profile row",
            )
    config = load_config(link)
    assert config.library.movies == (str(movies),)
    profile = resolve_profile(None, config.quality)
    assert (profile.name, profile.cutoff) == ("HD - 720p/1080p", "WEBDL-1080p")
    text = real.read_text()
    assert '[[quality.profiles]]\nname = "HD - 720p/1080p"' in text
    assert "# my mydia settings: keep this comment" in text


async def test_a_relative_library_folder_is_refused_beside_its_field(db, linked_config):
    """ "~/Films" typed as the films folder (a user's habit from the shell) is refused where it
    was typed: it is not expanded, and a relative folder would have films imported into a
    folder of that name under wherever the app was started."""
    from mydia_tui.models import LibraryRoot

    real, link = linked_config
    before = real.read_bytes()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            screen.query_one("#library-movies").focus()
            await pilot.press(*"~/Films")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: field_error(screen, "library-movies"), what="error")
            assert field_error(screen, "library-movies") == (
                "must be an absolute folder on this machine, not '~/Films'"
            )
            assert app.config.library.movies == ()
    assert real.read_bytes() == before
    assert not LibraryRoot.select().exists()


async def test_an_indexer_urls_secret_parameters_are_masked_and_kept_when_saved(db, tmp_path):
    """A Torznab URL may carry its keys (``?passkey=...&apikey=...``): the form shows them
    masked, as ``config show`` does, and saving another change keeps them in the file."""
    path = tmp_path / "config.toml"
    url = "http://127.0.0.1:9117/api?passkey=PK123secret&apikey=URLSECRET99&t=caps"
    path.write_text(f'[[indexers]]\nname = "jackett"\nurl = "{url}"\napi_key = "k3y"\n')
    path.chmod(0o600)
    with tui_app(load_config(path), str(path)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            shown = screen.query_one("#indexers-0-url", Input).value
            assert "PK123secret" not in shown and "URLSECRET99" not in shown
            assert "passkey=********" in shown and "apikey=********" in shown
            screen_text = "\n".join(s.text for s in screen._compositor.render_strips())
            assert "PK123secret" not in screen_text and "URLSECRET99" not in screen_text
            await type_into(pilot, "monitor-rss_interval", "1200")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: app.config.monitor.rss_interval == 1200.0)
    assert load_config(path).indexers[0].url == url


async def test_a_tests_refusal_is_not_called_a_save_and_a_later_success_clears_the_banner(
    db, linked_config, deluged, torznab
):
    """ctrl+t / ctrl+r with a value the validation refuses: the banner says the test was not
    run (nothing was being saved); once the values pass, the stale refusal leaves the banner.
    A refused save followed by a successful save: the banner says saved, nothing else."""
    _real, link = linked_config
    daemon = deluged.config()
    fake = torznab.add("loop")
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            result = screen.query_one("#deluge-test")
            await type_into(pilot, "deluge-port", "0")
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: "not tested" in str(result.render()))
            await wait_until(pilot, lambda: "Port" in banner(screen), what="the banner")
            assert "Not saved" not in banner(screen)
            assert banner(screen) == "Not tested: Port: must be between 1 and 65535"
            await type_into(pilot, "deluge-port", str(daemon.port))
            await type_into(pilot, "deluge-username", daemon.username)
            await type_into(pilot, "deluge-password", daemon.password)
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: "at 127.0.0.1" in str(result.render()))
            assert "must be between" not in banner(screen)
            # the indexer: a refused URL, then one that answers with an error (HTTP 404)
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda: screen.query("#indexers-0-name"), what="the group")
            await pilot.press(*"loop")
            await type_into(pilot, "indexers-0-url", "ftp://127.0.0.1/x")
            tested = screen.query_one("#indexers-0-test")
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: "not tested" in str(tested.render()))
            await wait_until(pilot, lambda: "http://" in banner(screen), what="the banner")
            assert banner(screen).startswith("Not tested: ") and "Not saved" not in banner(screen)
            await type_into(pilot, "indexers-0-url", f"{fake.server.base}/nowhere")
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: "404" in str(tested.render()), what="the 404")
            assert "http://" not in banner(screen) and "Not tested" not in banner(screen)
            # a refused save, then a save that succeeds: only "saved" remains
            await type_into(pilot, "indexers-0-url", "ftp://127.0.0.1/x")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "Not saved" in banner(screen), what="refused")
            await type_into(pilot, "indexers-0-url", fake.url)
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: len(app.config.indexers) == 1, what="saved")
            await wait_until(pilot, lambda: "Saved to" in banner(screen), what="the banner")
            assert "Not saved" not in banner(screen) and "http://" not in banner(screen)


async def test_an_interval_out_of_range_names_the_range_in_seconds_and_the_setting_once(
    db, linked_config
):
    """A new user's report: "RSS sync (s): must be between 10 min and 30 days" put the bound
    in minutes beside a field in seconds, and said nothing of what lifts it. The range is in
    the field's unit (then in people's), and the banner names `allow_short_intervals` once,
    however many intervals are refused."""
    real, link = linked_config
    before = real.read_bytes()
    hint = "[monitor] allow_short_intervals = true lifts the minimum (for a test indexer only)"
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            # 0.5 s: the minimum keeps the indexers from being asked again and again
            for typed in ("0", "0.5", "99999999999999999999999"):
                await type_into(pilot, "monitor-search_interval", typed)
                await pilot.press("ctrl+s")
                await wait_until(
                    pilot, lambda: field_error(screen, "monitor-search_interval"), what="error"
                )
                assert field_error(screen, "monitor-search_interval") == (
                    "must be between 900 and 2,592,000 s (15 min to 30 days)"
                )
                assert banner(screen) == (
                    "Not saved: Backlog search (s): must be between 900 and 2,592,000 s "
                    f"(15 min to 30 days) · {hint}"
                )
            await type_into(pilot, "monitor-rss_interval", "60")
            await pilot.press("ctrl+s")
            await wait_until(
                pilot, lambda: field_error(screen, "monitor-rss_interval"), what="error"
            )
            assert banner(screen) == (
                "Not saved: Backlog search (s): must be between 900 and 2,592,000 s "
                "(15 min to 30 days) · RSS sync (s): must be 0 (off) or between 600 and "
                f"2,592,000 s (10 min to 30 days) · {hint}"
            )
            assert banner(screen).count("allow_short_intervals") == 1
    assert real.read_bytes() == before


async def test_a_deluge_host_that_is_not_a_host_is_refused_beside_its_field(db, linked_config):
    """A slip of focus types ", Bluray-2160p" into the host: refused where it was typed,
    nothing written."""
    real, link = linked_config
    before = real.read_bytes()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            await type_into(pilot, "deluge-host", ", Bluray-2160p")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: field_error(screen, "deluge-host"), what="the error")
            assert field_error(screen, "deluge-host") == (
                "must be a host name (letters, digits, '-' and '.') or an IPv4 address, "
                "not ', Bluray-2160p'"
            )
            assert app.config.deluge.host == "127.0.0.1"
    assert real.read_bytes() == before


async def test_a_library_folder_that_does_not_exist_is_saved_with_a_warning(db, linked_config):
    """It may be a disk not mounted yet: it is saved (and becomes a library folder), and the
    banner says it does not exist; an existing folder saved later gets no such warning."""
    real, link = linked_config
    absent = real.parent.parent / "nonexistent" / "films"
    present = real.parent.parent / "films"
    present.mkdir()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            screen.query_one("#library-movies").focus()
            await pilot.press(*str(absent))
            await pressed(pilot, screen, "ctrl+s")
            assert app.config.library.movies == (str(absent),)
            assert banner(screen) == (
                f"Saved to {link} and applied; {absent} does not exist yet (not mounted?)"
            )
            screen.query_one("#library-movies").focus()
            await pilot.press("home", "ctrl+k", *str(present))  # the one line, typed over
            await pressed(pilot, screen, "ctrl+s")
            assert app.config.library.movies == (str(present),)
            assert banner(screen) == f"Saved to {link} and applied"
    assert load_config(link).library.movies == (str(present),)


async def test_a_path_mapping_without_its_arrow_says_how_to_write_one(db, linked_config):
    real, link = linked_config
    before = real.read_bytes()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            screen.query_one("#deluge-path_mappings").focus()
            await pilot.press(*"abc")
            await pilot.press("ctrl+s")
            await wait_until(
                pilot, lambda: field_error(screen, "deluge-path_mappings"), what="the error"
            )
            assert field_error(screen, "deluge-path_mappings") == (
                "use remote -> local, one per line, not 'abc'"
            )
            assert banner(screen).startswith("Not saved: ")
            assert "use remote -> local" in banner(screen)
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: banner(screen).startswith("Not tested: "))
            assert field_error(screen, "deluge-path_mappings") == (
                "use remote -> local, one per line, not 'abc'"
            )
            # written as the hint says, it is saved
            await pilot.press("ctrl+a", "ctrl+k", *"/downloads -> /srv/downloads")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: app.config.deluge.path_mappings, what="saved")
    (mapping,) = load_config(link).deluge.path_mappings
    assert (mapping.remote, mapping.local) == ("/downloads", "/srv/downloads")
    assert real.read_bytes() != before


async def test_a_refused_login_is_named_in_the_status_bar_not_called_offline(
    db, linked_config, deluged
):
    """A wrong Deluge password saved in the settings: the daemon answers but refuses the
    login, and the status bar says so (it said "Deluge offline since ...")."""
    _real, link = linked_config
    daemon = deluged.config()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(160, 36)) as pilot:
            status = app.main.status
            await open_settings(pilot)
            await type_into(pilot, "deluge-port", str(daemon.port))
            await type_into(pilot, "deluge-username", daemon.username)
            await type_into(pilot, "deluge-password", "not-the-password")
            await pilot.press("ctrl+s")
            await wait_until(
                pilot,
                lambda: (
                    status.deluge is not None and status.deluge.host.endswith(f":{daemon.port}")
                ),
                what="the new monitor's report",
            )
            text = status.deluge_text().plain
            assert text.startswith("Deluge refused the login"), text
            assert "offline" not in text and "not-the-password" not in text


async def test_an_indexer_saved_after_a_failed_test_is_not_counted_ok(
    db, linked_config, deluged, torznab
):
    """Breaker 5: right after saving an indexer whose test failed (HTTP 404), the status bar
    said "indexers 1 ok" while the health screen said it fails. An indexer that has not
    answered yet is not counted as ok."""
    real, link = linked_config
    daemon = deluged.config()
    real.write_text(
        real.read_text()
        + f'\n[deluge]\nport = {daemon.port}\nusername = "{daemon.username}"\n'
        + f'password = "{daemon.password}"\n'
    )
    torznab.add("loop")
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(160, 36)) as pilot:
            status = app.main.status
            await wait_until(
                pilot, lambda: "connected" in status.deluge_text().plain, what="connected"
            )
            screen = await open_settings(pilot)
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda: screen.query("#indexers-0-name"), what="the group")
            await pilot.press(*"nowhere")
            await type_into(pilot, "indexers-0-url", f"{torznab.base}/nowhere")
            tested = screen.query_one("#indexers-0-test")
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: "404" in str(tested.render()), what="the 404")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: len(app.config.indexers) == 1, what="saved")
            await wait_until(pilot, lambda: status.indexers is not None, what="the report")
            text = status.indexers_text().plain
            assert "indexers 1 ok" not in text, text
            assert text in ("indexers 0 ok, 1 not asked yet", "indexers 0 ok, 1 failing"), text


async def test_an_indexer_is_removed_from_the_settings_with_a_confirmation(db, tmp_path):
    """The settings screen removes the indexer holding the focus, after asking: the file loses
    its ``[[indexers]]`` table (the other indexer, and the comments, stay), the running
    configuration follows without a restart, and the form shows the indexers left. Escape at
    the question keeps it; with unsaved changes in the form it asks for a save first (the
    removal writes the file at once)."""
    from mydia_tui.tui.screens.confirm import ConfirmScreen

    path = tmp_path / "config.toml"
    path.write_text(
        "# my indexers\n"
        '[[indexers]]\nname = "jackett"\nurl = "http://127.0.0.1:9117/api"\n\n'
        '[[indexers]]\nname = "prowlarr"   # the one to keep\nurl = "http://127.0.0.1:9696/1/api"\n'
    )
    path.chmod(0o600)
    with tui_app(load_config(path), str(path)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            # unsaved changes: removing would write the file now, so it asks for a save first
            await type_into(pilot, "monitor-rss_interval", "1200")
            screen.query_one("#indexers-0-name", Input).focus()
            await pilot.press("ctrl+delete")
            await wait_until(
                pilot, lambda: "writes the file at once" in banner(screen), what="the refusal"
            )
            assert not isinstance(app.screen, ConfirmScreen)
            await type_into(pilot, "monitor-rss_interval", "900")

            # escape at the question keeps the indexer
            screen.query_one("#indexers-0-name", Input).focus()
            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="ask")
            assert "jackett" in app.screen.question
            assert "writes the file at once" not in banner(screen)  # the refusal is gone
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen, what="back to the settings")
            assert [i.name for i in load_config(path).indexers] == ["jackett", "prowlarr"]

            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="ask")
            await pilot.press("y")
            await wait_until(
                pilot, lambda: [i.name for i in app.config.indexers] == ["prowlarr"], what="applied"
            )
            await wait_until(pilot, lambda: "Removed" in banner(screen), what="the banner")
            await pilot.pause()
            assert screen.query_one("#indexers-0-name", Input).value == "prowlarr"
            assert not screen.query("#indexers-1-name")
    text = path.read_text()
    assert "jackett" not in text
    assert "# my indexers" in text and 'name = "prowlarr"   # the one to keep' in text
    assert [i.name for i in load_config(path).indexers] == ["prowlarr"]


async def test_one_save_names_every_refused_field_by_its_label(db, linked_config):
    """A new user's report: with a path mapping without its arrow, an empty backlog interval
    and an RSS interval of 99999999 s, three saves were needed to see the three problems, and
    the banner named config keys and the file (`key 'monitor.search_interval'`) rather than
    the fields on the screen. One save now shows each problem beside its field and names the
    fields, by their labels, in the banner; nothing is written. Breaker11a (item 8): a wrong
    cutoff hid the default profile's unknown qualities until it was fixed, and those were
    named as a Python list (`names unknown qualities ['[bold]x[/]']`)."""
    real, link = linked_config
    before = real.read_bytes()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            screen.query_one("#deluge-path_mappings").focus()
            await pilot.press(*"/downloads /mnt/dl")
            await type_into(pilot, "monitor-search_interval", "")
            await type_into(pilot, "monitor-rss_interval", "99999999")
            await type_into(pilot, "quality-cutoff", "nope")
            await type_into(pilot, "quality-qualities", "[bold]x[/], WEBDL-1080p, 4k")
            await pilot.press("ctrl+s")
            await wait_until(
                pilot, lambda: field_error(screen, "quality-qualities"), what="the errors"
            )
            assert field_error(screen, "quality-cutoff") == (
                "'nope' is not one of the profile's qualities"
            )
            qualities = field_error(screen, "quality-qualities")
            assert qualities.startswith("names unknown qualities: [bold]x[/], 4k;"), qualities
            assert field_error(screen, "deluge-path_mappings") == (
                "use remote -> local, one per line, not '/downloads /mnt/dl'"
            )
            assert field_error(screen, "monitor-search_interval") == "must be a number, not ''"
            assert field_error(screen, "monitor-rss_interval") == (
                "must be 0 (off) or between 600 and 2,592,000 s (10 min to 30 days)"
            )
            text = banner(screen)
            assert text.startswith("Not saved: ")
            for label in ("Path mappings", "Backlog search (s)", "RSS sync (s)", "Cutoff"):
                assert label in text, text
            assert str(real) not in text and "key '" not in text, text
    assert real.read_bytes() == before


async def test_the_banner_lists_refused_fields_in_the_order_of_the_screen(db, linked_config):
    """A new user's report: one save refused for several fields listed them in the banner in
    another order than the form's (the port before the host above it, a path mapping that
    cannot be read first, a new indexer after the monitor below it). The banner now reads
    top to bottom, as the fields stand on the screen."""
    real, link = linked_config
    before = real.read_bytes()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            await type_into(pilot, "deluge-host", "bad host")
            await type_into(pilot, "deluge-port", "70000")
            screen.query_one("#deluge-path_mappings").focus()
            await pilot.press(*"/downloads /mnt/dl")
            await type_into(pilot, "monitor-search_interval", "")
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda: screen.query("#indexers-0-name"), what="the group")
            await pilot.press(*"loop")
            await type_into(pilot, "indexers-0-url", "ftp://127.0.0.1/x")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "Not saved" in banner(screen), what="the refusal")
            await wait_until(
                pilot, lambda: field_error(screen, "indexers-0-url"), what="every error"
            )
            text = banner(screen)
            labels = (
                "Host:",
                "Port:",
                "Path mappings:",
                "URL of indexer 1:",
                "Backlog search (s):",
            )
            places = [text.find(label) for label in labels]
            assert -1 not in places and places == sorted(places), text
    assert real.read_bytes() == before


async def test_an_indexer_added_and_not_saved_is_dropped_by_the_remove_key(db, tmp_path):
    """A new user's report: ctrl+delete in an indexer added with ctrl+n and not saved yet was
    refused (the form has unsaved changes), so closing the settings was the only way out. It
    now drops that indexer from the form at once (nothing was written for it, so nothing is
    asked or written), the indexers added after it move up, and every other unsaved edit
    stays, to be saved with ctrl+s."""
    from mydia_tui.tui.screens.confirm import ConfirmScreen

    path = tmp_path / "config.toml"
    path.write_text('# mine\n[[indexers]]\nname = "jackett"\nurl = "http://127.0.0.1:9117/api"\n')
    path.chmod(0o600)
    before = path.read_bytes()
    with tui_app(load_config(path), str(path)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            await type_into(pilot, "monitor-rss_interval", "1200")
            for n, name in ((1, "new-a"), (2, "new-b")):
                await pilot.press("ctrl+n")
                await wait_until(pilot, lambda n=n: screen.query(f"#indexers-{n}-name"))
                await pilot.press(*name)
                await type_into(pilot, f"indexers-{n}-url", f"http://127.0.0.1:9/{name}")
            screen.query_one("#indexers-1-url", Input).focus()
            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: not screen.query("#indexers-2-name"), what="dropped")
            assert not isinstance(app.screen, ConfirmScreen)
            assert "new-a" in banner(screen) and "Not saved" not in banner(screen)
            assert screen.query_one("#indexers-1-name", Input).value == "new-b"
            assert screen.query_one("#indexers-1-url", Input).value == "http://127.0.0.1:9/new-b"
            assert screen.query_one("#indexers-0-name", Input).value == "jackett"
            assert screen.query_one("#monitor-rss_interval", Input).value == "1200"
            assert screen.focused is screen.query_one("#indexers-1-url")
            assert path.read_bytes() == before
            # the last one: the focus goes to the indexer above it
            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: not screen.query("#indexers-1-name"), what="dropped")
            assert screen.focused is screen.query_one("#indexers-0-url")
            assert path.read_bytes() == before
            # a saved indexer is still removed only after the question, and only once the
            # form has no unsaved change
            await pilot.press("ctrl+delete")
            await wait_until(
                pilot, lambda: "writes the file at once" in banner(screen), what="the refusal"
            )
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda: screen.query("#indexers-1-name"), what="the group")
            await pilot.press(*"new-c")
            await type_into(pilot, "indexers-1-url", "http://127.0.0.1:9/new-c")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: len(app.config.indexers) == 2, what="saved")
    saved = load_config(path)
    assert [i.name for i in saved.indexers] == ["jackett", "new-c"]
    assert saved.monitor.rss_interval == 1200.0
    assert path.read_text().startswith("# mine\n")


async def test_a_quality_profile_is_removed_after_a_confirmation_unless_it_is_in_use(db, tmp_path):
    """A new user's report: the settings screen edited quality profiles but could not delete
    one. ctrl+delete in the Quality section removes the profile chosen there, as an indexer
    is removed: one question, saved at once, comments kept, applied. The core refuses (in one
    line, nothing asked or written) the default profile and a profile films or shows use,
    counting them, as Sonarr and Radarr refuse deleting a profile in use."""
    from textual.widgets import Select

    from mydia_tui.library import add_movie
    from mydia_tui.profiles import set_item_profile
    from mydia_tui.tui.screens.confirm import ConfirmScreen

    path = tmp_path / "config.toml"
    path.write_text(
        '# my profiles\n[quality]\ndefault_profile = "HD-1080p"\n\n'
        '[[quality.profiles]]\nname = "Mine"   # mine\nqualities = ["WEBDL-1080p"]\n'
    )
    path.chmod(0o600)
    before = path.read_bytes()
    config = load_config(path)
    set_item_profile(add_movie("Sintel", 2010).id, "SD", config.quality)
    with tui_app(config, str(path)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            chosen = screen.query_one("#quality-default_profile", Select)
            chosen.focus()
            await pilot.pause()
            # the default profile, then one a film uses: refused at once, nothing asked
            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: "Not removed" in banner(screen), what="refusal")
            assert banner(screen) == (
                "Not removed: 'HD-1080p' is the default profile: choose another default first"
            )
            await pilot.press("enter", "up", "up", "enter")  # HD-720p, then SD above it
            await wait_until(pilot, lambda: chosen.value == "SD", what="SD chosen")
            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: "'SD'" in banner(screen), what="the refusal")
            assert banner(screen) == (
                "Not removed: 'SD' is the profile of Sintel (2010): give it another profile first"
            )
            assert not isinstance(app.screen, ConfirmScreen)
            # another unsaved change: the removal would save it unasked, so it asks a save first
            await pilot.press("enter", "end", "enter")  # the last: the file's own
            await wait_until(pilot, lambda: chosen.value == "Mine", what="Mine chosen")
            await type_into(pilot, "monitor-rss_interval", "1200")
            chosen.focus()
            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: "at once" in banner(screen), what="the refusal")
            assert not isinstance(app.screen, ConfirmScreen)
            await type_into(pilot, "monitor-rss_interval", "900")
            chosen.focus()
            # escape at the question keeps it
            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="ask")
            assert "'Mine'" in app.screen.question
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen, what="back to the settings")
            assert path.read_bytes() == before
            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="ask")
            await pilot.press("y")
            await wait_until(
                pilot, lambda: not app.config.quality.profiles, what="applied without a restart"
            )
            await wait_until(pilot, lambda: "Removed" in banner(screen), what="the banner")
            # the file's path shortened in its middle: the banner is one line (118 cells)
            around = "Removed the quality profile 'Mine' from {} and applied"
            fitted = shorten(str(path), 118 - len(around.format("")))
            assert banner(screen) == around.format(fitted)
            await pilot.pause()
            chosen = screen.query_one("#quality-default_profile", Select)
            assert chosen.value == "HD-1080p" and screen.focused is chosen
            assert "Mine" not in [value for _label, value in chosen._options]
    text = path.read_text()
    assert "Mine" not in text and text.startswith('# my profiles\n[quality]\ndefault_profile = "HD')
    assert load_config(path).quality.profiles == ()


def config_file(tmp_path: Path, text: str) -> Path:
    """A config file holding ``text``, mode 0600 (as the app writes it)."""
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def screen_text(screen) -> str:
    return "\n".join(s.text for s in screen._compositor.render_strips())


async def test_secrets_show_nothing_empty_keeps_them_typing_replaces_and_ctrl_l_clears(
    db, tmp_path
):
    """A new user's report: the masks gave the secrets' length away (19 dots: the length of
    the password). A secret's field starts empty, its placeholder saying one is saved; left
    empty it keeps the saved secret, typed it replaces it, and ctrl+l clears it (the config
    allows no password); after a save the field is empty again. Nothing of a secret is on the
    screen, not even a dot."""
    path = config_file(
        tmp_path,
        '[deluge]\nport = 58846\npassword = "mydia-test-password"\n\n'
        '[[indexers]]\nname = "feed"\nurl = "http://127.0.0.1:9117/api"\napi_key = "mydia-demo-key"\n',
    )
    with tui_app(load_config(path), str(path)) as app:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_settings(pilot)
            password = screen.query_one("#deluge-password", Input)
            key = screen.query_one("#indexers-0-api_key", Input)
            for field in (password, key):
                assert (field.value, field.placeholder) == ("", "(unchanged: saved secret)")
            assert "•" not in screen_text(screen) and "mydia-test" not in screen_text(screen)
            # another change saved: both secrets kept
            await type_into(pilot, "monitor-rss_interval", "1200")
            await pressed(pilot, screen, "ctrl+s")
            assert app.config.monitor.rss_interval == 1200.0
            assert app.config.deluge.password == "mydia-test-password"
            assert app.config.indexers[0].api_key == "mydia-demo-key"
            # typed: replaces it; the field is empty again once saved
            await type_into(pilot, "indexers-0-api_key", "new-key-1")
            await pressed(pilot, screen, "ctrl+s")
            assert app.config.indexers[0].api_key == "new-key-1"
            key = screen.query_one("#indexers-0-api_key", Input)  # the form drawn again
            assert key.value == ""
            assert key.placeholder == "(unchanged: saved secret)"
            # ctrl+l on the password: cleared by the save (pressed twice: kept)
            password = screen.query_one("#deluge-password", Input)
            password.focus()
            await pilot.pause()
            assert screen.check_action("clear_secret", ()) is True
            await pilot.press("ctrl+l")
            assert banner(screen) == (
                "The saved Deluge password is cleared when you save (^l again keeps it)"
            )
            await pilot.press("ctrl+l")
            assert banner(screen) == "The saved Deluge password is kept"
            await pilot.press("ctrl+l")
            assert password.placeholder == "(cleared: saved empty by ^s)"
            await pressed(pilot, screen, "ctrl+s")
            assert app.config.deluge.password == ""
            assert screen.query_one("#deluge-password", Input).placeholder == "(none saved)"
            assert screen.focused is screen.query_one("#deluge-password")  # kept its focus
            assert screen.check_action("clear_secret", ()) is False  # nothing left to clear
            assert "mydia-test" not in screen_text(screen) and "new-key" not in banner(screen)
    reread = load_config(path)
    assert (reread.deluge.password, reread.indexers[0].api_key) == ("", "new-key-1")


async def test_at_80_columns_a_long_value_ends_in_an_ellipsis_and_banners_fit_one_line(
    db, tmp_path
):
    """A new user's report: at 80 columns Ultra-HD's allowed qualities were cut at a comma,
    looking whole; banners began in lowercase and took two lines."""
    from textual.widgets import Select

    path = config_file(tmp_path, "[monitor]\nrss_interval = 900\n")
    with tui_app(load_config(path), str(path)) as app:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_settings(pilot)
            screen.query_one("#quality-default_profile", Select).value = "Ultra-HD"
            qualities = screen.query_one("#quality-qualities", Input)
            await wait_until(pilot, lambda: "Remux-2160p" in qualities.value, what="Ultra-HD")
            qualities.scroll_visible(animate=False)
            await pilot.pause()
            (line,) = [x for x in screen_text(screen).splitlines() if "Allowed qualities" in x]
            assert line.rstrip(" │").endswith("…") and "HDTV-2160p, " in line, line
            qualities.focus()  # while it is edited, the whole value scrolls as typed
            await pilot.pause()
            assert "…" not in qualities.render_line(0).text
            # a new indexer dropped: one line, from a capital
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda: screen.query("#indexers-0-name"), what="the group")
            await pilot.press(*"newidx")
            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: "Dropped" in banner(screen), what="the banner")
            assert banner(screen) == (
                "Dropped the new indexer 'newidx' (never saved: the file is unchanged)"
            )
            status = screen.query_one("#settings-status")
            assert status.size.height == 1


async def test_escape_with_unsaved_edits_asks_before_they_are_lost(db, linked_config):
    """A new user's report: one escape closed the settings and lost a filled-in section
    (an Alt key, sent by the terminal as escape and a letter, does the same). With edits not
    saved, escape asks; "keep editing" keeps them; "discard" closes; with none, it closes."""
    from mydia_tui.tui.screens.confirm import ConfirmScreen

    real, link = linked_config
    before = real.read_bytes()
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            await pilot.press("escape")  # nothing edited: closes at once
            await wait_until(pilot, lambda: app.screen is app.main, what="closed")

            screen = await open_settings(pilot)
            await type_into(pilot, "deluge-port", "12345")
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="asked")
            assert "without saving" in app.screen.question
            await pilot.press("n")  # keep editing
            await wait_until(pilot, lambda: app.screen is screen, what="back to the form")
            assert screen.query_one("#deluge-port", Input).value == "12345"
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="asked")
            await pilot.press("y")  # discard
            await wait_until(pilot, lambda: app.screen is app.main, what="closed")
    assert real.read_bytes() == before


async def test_after_a_save_the_form_starts_again_from_the_file_as_saved(db, tmp_path):
    """A new user's report: two apps on one config file, each in the settings. B saved an
    indexer's priority; A saved the backlog interval (merged into the file correctly), but
    A's form still held the old priority as if it were edited: escape asked about edits
    never made, and A's next save wrote the old priority back over B's. After a save the
    form, and what escape and the next save compare it with, are the file as written."""
    from mydia_tui.config import save_config

    path = config_file(
        tmp_path,
        "[monitor]\nsearch_interval = 3600\n\n"
        '[[indexers]]\nname = "feed"\nurl = "http://127.0.0.1:9117/api"\npriority = 25\n',
    )
    with tui_app(load_config(path), str(path)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            save_config(path, {("indexers", 0, "priority"): 30})  # the other app
            await type_into(pilot, "monitor-search_interval", "7200")
            await pressed(pilot, screen, "ctrl+s")
            assert load_config(path).indexers[0].priority == 30  # merged, as before
            assert screen.query_one("#indexers-0-priority", Input).value == "30"
            assert screen.focused is screen.query_one("#monitor-search_interval")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: banner(screen) == "Nothing changed", what="nothing")
            # a later save writes only what is edited afterwards
            await type_into(pilot, "monitor-rss_interval", "1200")
            await pressed(pilot, screen, "ctrl+s")
            assert app.config.monitor.rss_interval == 1200.0
            assert app.config.indexers[0].priority == 30
            await pilot.press("escape")  # nothing edited since: closes without asking
            await wait_until(pilot, lambda: app.screen is app.main, what="closed")
    reread = load_config(path)
    assert reread.indexers[0].priority == 30
    assert (reread.monitor.search_interval, reread.monitor.rss_interval) == (7200.0, 1200.0)


async def test_after_an_indexer_is_added_or_removed_the_form_is_the_file_as_saved(db, tmp_path):
    """The same for an indexer added on the screen and for one removed from it: what another
    app saved in the meantime is in the form afterwards, and escape has nothing to ask."""
    from mydia_tui.config import save_config
    from mydia_tui.tui.screens.confirm import ConfirmScreen

    path = config_file(
        tmp_path, '[[indexers]]\nname = "feed"\nurl = "http://127.0.0.1:9117/api"\npriority = 25\n'
    )
    with tui_app(load_config(path), str(path)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            save_config(path, {("monitor", "rss_interval"): 1200})  # the other app
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda: screen.query("#indexers-1-name"), what="the group")
            await pilot.press(*"loop")
            await type_into(pilot, "indexers-1-url", "http://127.0.0.1:9696/1/api")
            await pressed(pilot, screen, "ctrl+s")
            assert len(app.config.indexers) == 2
            assert screen.query_one("#monitor-rss_interval", Input).value == "1200"
            assert screen.query_one("#indexers-1-name", Input).value == "loop"
            # removed: the other app's change since is in the form too
            save_config(path, {("monitor", "search_interval"): 7200})
            screen.query_one("#indexers-0-name", Input).focus()
            await pilot.press("ctrl+delete")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="ask")
            await pressed(pilot, screen, "y", says="Removed")
            assert screen.query_one("#monitor-search_interval", Input).value == "7200"
            assert screen.query_one("#indexers-0-name", Input).value == "loop"
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is app.main, what="closed")
    reread = load_config(path)
    assert [i.name for i in reread.indexers] == ["loop"]
    assert (reread.monitor.search_interval, reread.monitor.rss_interval) == (7200.0, 1200.0)


async def test_an_indexers_test_result_leaves_when_its_url_or_api_key_is_edited(db, tmp_path):
    """A new user's report (breaker11a, item 5): after a failed test, the URL field was changed
    and the old result (`cannot connect to http://: ...`) stayed under it, as if about the new
    URL. Editing an indexer's URL or API key takes its shown result away."""
    port = closed_port()
    path = config_file(
        tmp_path, f'[[indexers]]\nname = "idx"\nurl = "http://127.0.0.1:{port}/api"\n'
    )
    with tui_app(load_config(path), str(path)) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_settings(pilot)
            tested = screen.query_one("#indexers-0-test")
            for field in ("url", "api_key"):
                screen.query_one(f"#indexers-0-{field}").focus()
                await pilot.press("ctrl+r")
                await wait_until(
                    pilot, lambda: "cannot connect" in str(tested.render()), what="the failure"
                )
                await pilot.press("end", "x")
                await wait_until(pilot, lambda: tested.has_class("-empty"), what="result gone")
                assert str(tested.render()) == ""
                await pilot.press("backspace")


async def test_a_long_host_is_refused_for_its_length_and_quoted_short_at_80x24(db, linked_config):
    """A new user's report (breaker11a, item 4): 600 letters typed as Deluge's host took 10 of
    the 24 lines of the banner, and 8 more under the field, and the reason given was the
    characters, not the length."""
    real, link = linked_config
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_settings(pilot)
            screen.query_one("#deluge-host", Input).value = "h" * 600
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: field_error(screen, "deluge-host"), what="error")
            error = field_error(screen, "deluge-host")
            assert error.startswith("is too long: a host name may have at most 253 characters")
            assert error.endswith("(600 characters)") and "h" * 50 not in error
            assert screen.query_one("#settings-status").region.height <= 3


async def test_the_default_profiles_menu_opens_below_its_field_at_80x24(db, linked_config):
    """A new user's report (breaker11a, item 8): at 80x24, tabbing to the Default profile and
    opening it drew its menu away from the field, over "Monitor intervals" and the footer
    (` esc Dismiss menu  ^sUltra-HD   tte`): the field was at the form's bottom, and Textual
    kept the menu inside the screen by moving it up. The form makes room below it."""
    real, link = linked_config
    with tui_app(load_config(link), str(link)) as app:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_settings(pilot)
            chosen = screen.query_one("#quality-default_profile", Select)
            while not chosen.has_focus:
                await pilot.press("tab")
            await pilot.press("enter")
            menu = chosen.query_one("SelectOverlay")
            footer = screen.query_one(KeysFooter)

            def below() -> bool:
                return menu.region.y == chosen.region.bottom

            await wait_until(pilot, lambda: chosen.expanded and below(), what="menu below")
            assert menu.region.bottom <= footer.region.y
