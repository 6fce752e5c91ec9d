#!/usr/bin/env bash
# The read side at scale (issue 14): a million subscribers' event histories written straight into a fresh
# PostgreSQL event log (Warranty.LoadTest events), projected by the service, then each report and the billing run
# timed over HTTP. Prints the figures; writes them to bench/results/<time>/reports.txt.
#
#   bench/reports.sh [--subscribers N] [--repeats N] [--rebuild]
#
# --rebuild also times POST /v1/admin/projections/rebuild until the read model has caught up again.
set -euo pipefail
cd "$(dirname "$0")/.."

subscribers=1000000 repeats=5 rebuild=0
while [ $# -gt 0 ]; do
  case "$1" in
    --subscribers) subscribers="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --rebuild) rebuild=1; shift ;;
    *) echo "usage: bench/reports.sh [--subscribers N] [--repeats N] [--rebuild]" >&2; exit 2 ;;
  esac
done

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ)-reports"
mkdir -p "$out"
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_build "$out/build.log"
api_dll=src/Api/bin/Release/net10.0/Warranty.Api.dll
lt=(dotnet tools/LoadTest/bin/Release/net10.0/Warranty.LoadTest.dll)
bench_auth "$api_dll"

# shellcheck source=bench/pg.sh
source bench/pg.sh
api_pid=""
cleanup() {
  [ -n "$api_pid" ] && { kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; }
  pg_stop
}
trap cleanup EXIT
pg_start
connection="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"

api_port="$(free_port)"
api_url="http://127.0.0.1:$api_port"
Warranty__Storage=postgres ConnectionStrings__Warranty="$connection" \
Warranty__SiloPort="$(free_port)" Warranty__GatewayPort="$(free_port)" Logging__LogLevel__Default=Warning \
  dotnet "$api_dll" --urls "$api_url" > "$out/api.log" 2>&1 &
api_pid=$!
wait_ready "$api_url" /health/live

say() { echo "$*" | tee -a "$out/reports.txt"; }
get() { curl -fsS -H "Authorization: Bearer $WARRANTY_TOKEN" "$api_url$1"; }
behind() { get /v1/admin/projections | python3 -c 'import json,sys; print(json.load(sys.stdin)["eventsBehind"])'; }
caught_up() { # waits until the read model has applied every event; prints the seconds it took
  local t0; t0=$(date +%s.%N)
  while [ "$(behind)" != "0" ]; do sleep 1; done
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t0" "$(date +%s.%N)"
}

say "bench/reports.sh: $subscribers subscribers' histories, $(nproc) cores, $(date -u +%FT%TZ)"
t0=$(date +%s.%N)
"${lt[@]}" events --connection "$connection" --subscribers "$subscribers" | tee -a "$out/reports.txt"
written=$(date +%s.%N)
wait_s=$(caught_up)
events=$(get /v1/admin/projections | python3 -c 'import json,sys; print(json.load(sys.stdin)["logEnd"])')
total_s=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t0" "$(date +%s.%N)")
say "projected $events events: caught up ${wait_s} s after the writes ended, ${total_s} s after they began"
"$PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -Atc \
  "SELECT 'read tables: ' || (SELECT count(*) FROM read_lines) || ' lines, ' || (SELECT count(*) FROM read_claims) || ' claims, ' || (SELECT count(*) FROM read_charges) || ' charges, ' || (SELECT count(*) FROM read_stock_movements) || ' stock movements'" postgres \
  | tee -a "$out/reports.txt"
# Autovacuum would get there on its own a little later: the reports are timed on tables as they settle.
"$PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "VACUUM ANALYZE" postgres

time_of() { # time_of NAME PATH: REPEATS timed GETs, prints median and max
  local times=()
  for _ in $(seq 1 "$repeats"); do
    times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $WARRANTY_TOKEN" "$api_url$2")")
  done
  python3 - "$1" "$2" "${times[@]}" <<'PY' | tee -a "$out/reports.txt"
import statistics, sys
name, path, times = sys.argv[1], sys.argv[2], sorted(float(t) * 1000 for t in sys.argv[3:])
print(f"{name:<24} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms   ({len(times)} runs: {path})")
PY
}

time_of "claims (a quarter)" "/v1/reports/claims?from=2026-07-01&to=2026-09-30"
time_of "claims (three years)" "/v1/reports/claims?from=2024-01-01&to=2026-12-31"
time_of "refusals (a year)" "/v1/reports/refusals?from=2026-01-01&to=2026-12-31"
time_of "turnaround (a quarter)" "/v1/reports/turnaround?from=2026-07-01&to=2026-09-30"
time_of "turnaround (three years)" "/v1/reports/turnaround?from=2024-01-01&to=2026-12-31"
time_of "stock (three years)" "/v1/reports/stock?from=2024-01-01&to=2026-12-31"
time_of "fees (36 months)" "/v1/reports/fees?from=2024-01&to=2026-12"
time_of "billing run (a month)" "/v1/admin/billing/2026-10"
say "billing run 2026-10 summary: $(get /v1/admin/billing/2026-10 | tail -n 1)"

if [ "$rebuild" -eq 1 ]; then
  curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $WARRANTY_TOKEN" "$api_url/v1/admin/projections/rebuild"
  say "rebuild: caught up again in $(caught_up) s"
fi
say "results: $out"
