#!/usr/bin/env bash
# The whole suite: lint, Django checks, then pytest on SQLite and on a throwaway PostgreSQL,
# browser tests included. In CI (CI=true) a missing browser or PostgreSQL fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
bash scripts/system-deps.sh || true

echo "== ruff"
$BIN/ruff check src tests
$BIN/ruff format --check src tests
echo "== django checks"
export DANGJIAN_DATA_DIR=${DANGJIAN_DATA_DIR:-$(mktemp -d /tmp/dangjian-test.XXXXXX)}
$BIN/dangjian check --fail-level WARNING
$BIN/dangjian makemigrations --check --dry-run >/dev/null || { echo "missing migrations: run dangjian makemigrations" >&2; exit 1; }

if [ "${CI:-}" = "true" ]; then export DANGJIAN_REQUIRE_BROWSER=1; fi

echo "== pytest on SQLite"
$BIN/pytest -q -p no:cacheprovider -n "${DANGJIAN_TEST_WORKERS:-2}" --dist loadgroup --durations=25 "$@"

if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== pytest on PostgreSQL"
  source scripts/pg-throwaway.sh
  trap pg_stop EXIT
  # A streaming replica of it for the replica router's tests (tests/core/test_dbrouter.py).
  source scripts/pg-replica.sh
  trap 'pg_replica_stop; pg_stop' EXIT
  export DANGJIAN_TEST_REPLICA_URL="$PG_REPLICA_URL"
  # Browser tests run once, in the SQLite pass: they test what Chromium shows and does; every
  # view they drive is also tested on PostgreSQL without a browser. (Keeps CI under 20 minutes.)
  DANGJIAN_DATABASE_URL="$PG_URL" $BIN/pytest -q -p no:cacheprovider -n "${DANGJIAN_TEST_WORKERS:-2}" --dist loadgroup --durations=25 -m "not browser" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required in CI but its server binaries are missing" >&2; exit 1
else
  echo "warning: PostgreSQL server not installed; the suite ran on SQLite only" >&2
fi
