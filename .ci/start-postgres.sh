#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on loopback for the test suite and prints its URL.
# Usage: eval "$(bash .ci/start-postgres.sh)"   (sets DATABASE_URL and PGDATA_DIR)
set -euo pipefail
# The first free port from 54329 (a developer's own server may hold one), unless PGPORT_TEST says.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port="${PGPORT_TEST:-54329}"
if [ -z "${PGPORT_TEST:-}" ]; then while ! port_free "$port"; do port=$((port + 1)); done; fi
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
data="$(mktemp -d /tmp/consulto-pg.XXXXXX)"
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$data"
run "'$bin/initdb' -D '$data' -A trust -U postgres --no-sync" >/dev/null
if ! run "'$bin/pg_ctl' -D '$data' -l '$data/server.log' -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start" >/dev/null; then
  cat "$data/server.log" >&2
  exit 1
fi
echo "export DATABASE_URL=postgresql://postgres@127.0.0.1:$port/postgres PGDATA_DIR=$data"
