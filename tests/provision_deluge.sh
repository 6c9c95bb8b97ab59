#!/usr/bin/env bash
# Provision a real `deluged` for the Deluge tests, without root.
#
# Creates <repo>/.deluge-venv (once) with Deluge 2.2.0 and libtorrent 2.1.1 from PyPI and prints
# the path of its `deluged`. The pins only resolve when given together in ONE pip install into a
# FRESH venv (see shared/reference/deluge.md); the daemon's old crypto pins stay in their own venv,
# away from the app's. Idempotent: skips everything when the existing deluged already runs.
#
# Usage: tests/provision_deluge.sh            prints the deluged path on stdout
#        export MYDIA_DELUGED="$(tests/provision_deluge.sh)"
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo/.deluge-venv"
deluged="$venv/bin/deluged"
python="${PYTHON:-python3}"

works() {
    [ -x "$deluged" ] && "$deluged" --version >/dev/null 2>&1
}

if ! works; then
    echo "provision_deluge: creating $venv (about 10-20 s)" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "deluge==2.2.0" "libtorrent==2.1.1" "pyOpenSSL==24.2.1" \
        "cryptography==43.0.3" "service-identity==24.2.0" "Twisted==25.5.0" "setuptools<81" >&2
    if ! works; then
        echo "provision_deluge: $deluged was installed but does not run" >&2
        "$deluged" --version >&2 || true
        exit 1
    fi
fi

echo "$deluged"
