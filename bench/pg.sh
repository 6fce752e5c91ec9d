# Sourced by bench/run.sh and cluster/lib.sh: a throwaway PostgreSQL server on a free 127.0.0.1 port, as the
# postgres user when run as root (PostgreSQL refuses to run as root). Sets PGPORT, PGDATA_DIR, PG_BIN.
pg_start() {
  PG_BIN="$(pg_config --bindir 2>/dev/null || true)"
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  fi
  [ -x "$PG_BIN/initdb" ] || { echo "bench: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; return 1; }
  PGDATA_DIR="$(mktemp -d /tmp/warranty-bench-pg.XXXXXX)"
  PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PGDATA_DIR"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$PG_BIN/initdb" -D "$PGDATA_DIR/data" -A trust -U postgres -E UTF8 > "$PGDATA_DIR/initdb.log"
  # Durable settings: synchronous commit and fsync stay on, as in production.
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/server.log" -w \
    -o "-h 127.0.0.1 -p $PGPORT -k $PGDATA_DIR -c max_connections=300 -c shared_buffers=512MB -c synchronous_commit=on" start > /dev/null
  PG_AS=("${as[@]}")
  export PGPORT PGDATA_DIR PG_BIN
}

pg_stop() {
  if [ -n "${PGDATA_DIR:-}" ] && [ -d "$PGDATA_DIR/data" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -m fast stop > /dev/null 2>&1 || true
    rm -rf "$PGDATA_DIR"
  fi
}

# pgbench's own single-row INSERT rate on the same server: the durable-write ceiling the
# claim filings are compared with. Prints transactions per second.
pg_insert_rate() { # pg_insert_rate CLIENTS SECONDS
  local clients="$1" seconds="$2" script
  script="$(mktemp /tmp/warranty-bench-insert.XXXXXX.sql)"
  echo "INSERT INTO bench_insert (payload) VALUES (repeat('x', 200));" > "$script"
  chmod 644 "$script"
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -q -c "SET client_min_messages = warning; DROP TABLE IF EXISTS bench_insert; CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload text NOT NULL);" postgres
  "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c "$clients" -j 2 -T "$seconds" -f "$script" postgres 2>/dev/null \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1
  rm -f "$script"
}
