#!/usr/bin/env bash
# A local Warranty cluster in one command: a throwaway PostgreSQL, N silos (src/Silo) and one front door
# (src/Api, Warranty__Hosting=client), Release build, all on 127.0.0.1 and free ports.
#
#   cluster/run.sh [--silos 3] [--prometheus]   build, start everything in the background, print where it is, return
#                                 (--prometheus: also Debian's prometheus, scraping every process)
#   cluster/run.sh status        what runs
#   cluster/run.sh stop          front door, then silos (graceful), then PostgreSQL; nothing is left running
#
# The processes run in the background, detached from this terminal (Ctrl-C does not stop them; `stop` does).
# State and logs live in $WARRANTY_CLUSTER_DIR (default ${TMPDIR:-/tmp}/warranty-cluster); logs stay after `stop`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir="${WARRANTY_CLUSTER_DIR:-${TMPDIR:-/tmp}/warranty-cluster}"
usage() { echo "usage: cluster/run.sh [--silos N] [--prometheus] | status | stop" >&2; exit 2; }

running() { # any process of the cluster in $dir still alive?
  local f
  for f in "$dir"/*.pid; do
    [ -e "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && return 0
  done
  [ -f "$dir/cluster.env" ] && (cluster_init "$dir"; cluster_load; [ -f "$PGDATA_DIR/data/postmaster.pid" ]) && return 0
  return 1
}

case "${1:-start}" in
  stop)
    [ $# -eq 1 ] || usage
    if [ ! -f "$dir/cluster.env" ]; then
      echo "cluster: nothing to stop ($dir/cluster.env not found)"
      exit 0
    fi
    cluster_init "$dir"
    cluster_load
    log "stopping the front door, $SILOS silo(s), then PostgreSQL"
    cluster_stop
    rm -f "$dir/cluster.env" "$dir"/*.ports "$dir/frontdoor.port" "$dir/prometheus.port" "$dir/prometheus.token"
    echo "cluster: stopped; logs kept in $LOG_DIR"
    exit 0
    ;;
  status)
    [ $# -eq 1 ] || usage
    [ -f "$dir/cluster.env" ] || { echo "cluster: not running"; exit 1; }
    cluster_init "$dir"
    cluster_load
    for f in "$dir"/*.pid; do
      [ -e "$f" ] || continue
      name="$(basename "$f" .pid)"
      if kill -0 "$(cat "$f")" 2>/dev/null; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: exited"; fi
    done
    if [ -f "$PGDATA_DIR/data/postmaster.pid" ]; then echo "postgresql: running on 127.0.0.1:$PGPORT"; else echo "postgresql: stopped"; fi
    echo "url: $API_URL"
    exit 0
    ;;
  start|--silos|--prometheus) ;;
  *) usage ;;
esac

SILOS=3
PROMETHEUS=0
[ "${1:-}" = "start" ] && shift
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) SILOS="${2:?}"; shift 2 ;;
    --prometheus) PROMETHEUS=1; shift ;;
    *) usage ;;
  esac
done
[[ "$SILOS" =~ ^[1-9][0-9]?$ ]] || { echo "cluster: --silos must be 1-99" >&2; exit 2; }

if running; then
  echo "cluster: already running in $dir (cluster/run.sh status; cluster/run.sh stop)" >&2
  exit 1
fi
rm -rf "$dir"
cluster_init "$dir"
cluster_build

started=0
on_exit() {
  if [ "$started" -eq 0 ]; then
    log "start failed; stopping what was started (logs in $LOG_DIR)"
    cluster_stop
    rm -f "$dir/cluster.env"
  fi
}
trap on_exit EXIT

auth_init
pg_start
cluster_settings
API_URL="" cluster_save
log "PostgreSQL on 127.0.0.1:$PGPORT; starting $SILOS silo(s)"
for i in $(seq 1 "$SILOS"); do silo_start "$i"; done
for i in $(seq 1 "$SILOS"); do silo_wait_joined "$i"; done
frontdoor_start
cluster_save
frontdoor_wait_ready
auth_token "$API_URL"
PROMETHEUS_URL=""
if [ "$PROMETHEUS" = 1 ]; then
  prometheus_start
fi
started=1

cat <<EOF

Warranty cluster: $SILOS silo(s) and a front door on PostgreSQL (cluster id $CLUSTER_ID)
  url:         $API_URL          (reference: $API_URL/reference/v1, health: $API_URL/health/ready)
  postgresql:  $CONNECTION_STRING
  logs:        $LOG_DIR  (silo-N.log, frontdoor.log; PostgreSQL: $PGDATA_DIR/server.log)
  stop:        cluster/run.sh stop      (status: cluster/run.sh status)
EOF
if [ -n "$PROMETHEUS_URL" ]; then
  echo "  prometheus:  $PROMETHEUS_URL   (scraping the front door and $SILOS silo(s) every 5 s)"
fi
if [ -n "${WARRANTY_TOKEN:-}" ]; then
  echo "  token:       export WARRANTY_TOKEN=$WARRANTY_TOKEN"
fi
