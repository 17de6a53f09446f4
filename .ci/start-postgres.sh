#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on loopback for the test suite and prints its URL.
# Usage: eval "$(bash .ci/start-postgres.sh)"   (sets DATABASE_URL and PGDATA_DIR)
set -euo pipefail
port="${PGPORT_TEST:-54329}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
data="$(mktemp -d /tmp/consulto-pg.XXXXXX)"
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$data"
run "'$bin/initdb' -D '$data' -A trust -U postgres --no-sync" >/dev/null
run "'$bin/pg_ctl' -D '$data' -l '$data/server.log' -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start" >/dev/null
echo "export DATABASE_URL=postgresql://postgres@127.0.0.1:$port/postgres PGDATA_DIR=$data"
