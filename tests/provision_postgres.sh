#!/usr/bin/env bash
# Provision a PostgreSQL server for the tests that also run on PostgreSQL (the guard's races).
#
# Prints the folder of the server's programs (postgres, initdb, pg_ctl). When none is installed
# and this runs as root with apt-get, installs Debian's postgresql package (about 30 s); the
# tests start their own private cluster from these programs (tests/pg_fixtures.py), never the
# system's. Prints nothing when no server can be had: the tests then skip, or fail under CI=true.
set -uo pipefail

find_bin() {
    for d in ${MYDIA_PG_BIN:-} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [ -x "$d/postgres" ] && [ -x "$d/initdb" ]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

if ! find_bin >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "provision_postgres: installing Debian's postgresql (about 30 s)" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql; } \
        >/dev/null 2>&1 || echo "provision_postgres: apt-get could not install postgresql" >&2
fi
find_bin || true
