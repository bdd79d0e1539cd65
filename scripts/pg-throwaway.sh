#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback in a temporary directory.
#   source scripts/pg-throwaway.sh   → exports PG_TMP, PG_PORT, PG_URL; call pg_stop when done.
# The server refuses to run as root, so as root it runs as the `postgres` user.
set -euo pipefail
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PG_BIN" ] || { echo "PostgreSQL server binaries not found" >&2; return 1 2>/dev/null || exit 1; }
PG_TMP=$(mktemp -d /tmp/dangjian-pg.XXXXXX)
PG_PORT=${PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PG_TMP"
as_pg "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w -o "-h 127.0.0.1 -p $PG_PORT -k $PG_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" start >/dev/null
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres dangjian
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/dangjian"
export PG_TMP PG_PORT PG_URL PG_BIN
pg_stop() { as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PG_TMP"; }
