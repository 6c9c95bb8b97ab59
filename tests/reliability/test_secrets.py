"""Secrets never shown: an API key inside an indexer URL (as Jackett gives it), a password
in ``user:password@``, the Deluge password. Every output, log and file written is grepped."""

from __future__ import annotations

from pathlib import Path

import pytest
from probes import Mydia

from mydia_tui.config import redact_text

KEY = "k3yInUrl0123456789"
USERPASS = "pw1nUrl98765"
DELUGE_PW = "deluge-pw-4711"
API_KEY = "apiKeyField-2468"


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""# my indexers, copied from Jackett
[deluge]
port = 1
timeout = 1.0
password = "{DELUGE_PW}"

[[indexers]]
name = "jackett"
url = "http://127.0.0.1:1/api/v2.0/indexers/all/results/torznab/api?apikey={KEY}&t=search"
timeout = 1.0

[[indexers]]
name = "private"
url = "http://user:{USERPASS}@127.0.0.1:1/torznab"
api_key = "{API_KEY}"
timeout = 1.0
""",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


SECRETS = (KEY, USERPASS, DELUGE_PW, API_KEY)


def _clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, (secret, text[:2000])


def test_config_show_hides_an_api_key_inside_an_indexer_url(mydia: Mydia, tmp_path):
    mydia.config = _config(tmp_path)
    for args in (("config", "show"), ("config", "show", "--json")):
        run = mydia(*args)
        assert run.code == 0, run.err
        _clean(run.out + run.err)
        assert "apikey=********" in run.out and "user:********@" in run.out


def test_no_output_log_or_written_file_holds_a_secret(mydia: Mydia, tmp_path):
    mydia.config = _config(tmp_path)
    assert mydia("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    runs = [
        mydia("config", "show"),
        mydia("doctor"),
        mydia("doctor", "--json"),
        mydia("search", "1"),
        mydia("search", "1", "--json"),
        mydia("-v", "monitor", "--once"),
        mydia("grab", "--movie", "1", "--url", f"http://127.0.0.1:1/dl?apikey={KEY}"),
        mydia("-v", "list"),
    ]
    for run in runs:
        assert "usage:" not in run.err, run.err  # every command ran
        _clean(run.out + run.err)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "config.toml"]
    home = Path(mydia.env["XDG_STATE_HOME"]).parent
    written += [p for p in home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in written), written
    for path in written:
        _clean(path.read_bytes().decode("utf-8", "replace"))


@pytest.mark.parametrize(
    "text",
    [
        f"http://h/api?apikey={KEY}&t=search",
        f"http://h/api?t=search&api_key={KEY}",
        f"http://h/api?passkey={KEY}",
        f"https://h/rss?torrent_pass={KEY}&x=1",
        f"https://h/rss?token={KEY}",
        f"https://h/rss?secret={KEY}",
        f"https://user:{KEY}@h/x",
        f"error at http://h/api?APIKEY={KEY}: refused",
    ],
)
def test_one_redaction_hides_every_kind_of_secret_in_a_url(text):
    assert KEY not in redact_text(text)
