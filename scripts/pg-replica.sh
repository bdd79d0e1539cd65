#!/usr/bin/env bash
# A streaming replica of the throwaway PostgreSQL server, for the replica router's tests.
#   source scripts/pg-throwaway.sh; source scripts/pg-replica.sh
#   → exports PG_REPLICA_PORT, PG_REPLICA_URL (the `dangjian` database on the replica) and
#     PG_REPLICA_CTL (a script: `$PG_REPLICA_CTL stop|start`, used by the tests to stop the
#     replica and bring it back); call pg_replica_stop before pg_stop.
# Made the way docs/replicas.md tells a deployment: pg_basebackup -R -X stream. The primary
# needs nothing more than initdb's defaults: wal_level=replica, max_wal_senders=10, and with
# -A trust a pg_hba line `host replication all 127.0.0.1/32 trust`.
[ -n "${PG_TMP:-}" ] && [ -n "${PG_PORT:-}" ] || { echo "source scripts/pg-throwaway.sh first" >&2; return 1 2>/dev/null || exit 1; }
PG_REPLICA_PORT=${PG_REPLICA_PORT:-$(( PG_PORT == 39999 ? 20000 : PG_PORT + 1 ))}
PG_REPLICA_DATA="$PG_TMP/replica"
as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$PG_REPLICA_DATA" -R -X stream -c fast
# The replica's own address and the throwaway server's speed settings; in its configuration file
# (not on pg_ctl's command line) so that a plain `pg_ctl start` brings it back the same.
as_pg tee -a "$PG_REPLICA_DATA/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $PG_REPLICA_PORT
unix_socket_directories = '$PG_TMP'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
hot_standby = on
EOF
PG_REPLICA_CTL="$PG_TMP/replica-ctl"
cat >"$PG_REPLICA_CTL" <<EOF
#!/usr/bin/env bash
# \$1: start or stop. Runs pg_ctl as postgres when called by root, as pg-throwaway.sh does.
set -eu
run() { if [ "\$(id -u)" = 0 ]; then runuser -u postgres -- "\$@"; else "\$@"; fi; }
case "\$1" in
  start) run "$PG_BIN/pg_ctl" -D "$PG_REPLICA_DATA" -l "$PG_TMP/replica.log" -w start >/dev/null ;;
  stop) run "$PG_BIN/pg_ctl" -D "$PG_REPLICA_DATA" -m fast -w stop >/dev/null ;;
  *) echo "usage: \$0 start|stop" >&2; exit 2 ;;
esac
EOF
chmod 755 "$PG_REPLICA_CTL"
"$PG_REPLICA_CTL" start
PG_REPLICA_URL="postgres://postgres@127.0.0.1:$PG_REPLICA_PORT/dangjian"
export PG_REPLICA_PORT PG_REPLICA_URL PG_REPLICA_CTL
pg_replica_stop() { "$PG_REPLICA_CTL" stop >/dev/null 2>&1 || true; }
