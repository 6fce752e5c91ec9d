#!/usr/bin/env bash
# The crash test: a local cluster (a throwaway PostgreSQL, 3 silos, a front door) under a claim-heavy load while one
# silo after the other is killed with SIGKILL and started again; then the invariants, checked from PostgreSQL and the
# API, and the figures. Exits non-zero if a check fails.
#
#   cluster/crash-test.sh [--rounds 4] [--silos 3] [--interval 20s] [--subscribers 2000] [--exchange-subscribers 400]
#                         [--concurrency 16] [--setting KEY=VALUE]...
#
# --setting passes a setting to every silo and the front door, e.g. --setting Warranty__Cluster__ProbeTimeout=00:00:05
# (Warranty__ClusterClient__ResponseTimeout, given as hh:mm:ss, also sets the check's response timeout).
#
# 1. builds (Release), starts the cluster, seeds subscribers (tools/LoadTest seed) and, apart, lines for exchanges;
# 2. starts, for the whole test: the load (claims, withdrawals, coverage and line reads; every acknowledged claim
#    and every error logged), complete exchange lifecycles on the exchange lines with a known initial stock, and a
#    probe (/health/ready and coverage lookups every 100 ms);
# 3. --interval of steady load, then per round: SIGKILL one silo (round-robin), wait until the probe answers right
#    again, start it again (same ports), wait until it joined, --interval of load;
# 4. stops the load (exchanges under way are finished), then `LoadTest check` prints the figures.
# Everything (logs, NDJSON, results, figures) stays in cluster/results/<time>/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$CLUSTER_ROOT"

rounds=4 SILOS=3 interval=20 subscribers=2000 exchange_subscribers=400 concurrency=16
settings=()
usage() {
  echo "usage: cluster/crash-test.sh [--rounds N] [--silos N] [--interval SECONDS] [--subscribers N] [--exchange-subscribers N] [--concurrency N] [--setting KEY=VALUE]..." >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?}"; shift 2 ;;
    --silos) SILOS="${2:?}"; shift 2 ;;
    --interval) interval="${2%s}"; shift 2 ;;
    --subscribers) subscribers="${2:?}"; shift 2 ;;
    --exchange-subscribers) exchange_subscribers="${2:?}"; shift 2 ;;
    --concurrency) concurrency="${2:?}"; shift 2 ;;
    --setting) [[ "${2:-}" == *=* ]] || usage; settings+=("$2"); shift 2 ;;
    *) usage ;;
  esac
done
[ "$SILOS" -ge 2 ] || { echo "crash-test: --silos must be at least 2 (one is killed at a time)" >&2; exit 2; }

# The front door's grain-call timeout (Warranty:ClusterClient:ResponseTimeout, default 10 s) and the recovery bound.
response_timeout=10s recovery_limit=30s
for setting in "${settings[@]}"; do
  if [[ "$setting" == Warranty__ClusterClient__ResponseTimeout=* ]]; then
    response_timeout="$(python3 -c 'import sys; h,m,s=sys.argv[1].split(":"); print(f"{int(h)*3600+int(m)*60+float(s)}s")' "${setting#*=}")"
  fi
done

# The whole load comes from one address and one principal: the front door's per-client rate limits
# (Warranty:RateLimits, issue 5) are lifted for this test, so that every 429 would be a finding, not the limiter.
CLUSTER_EXTRA_ENV=(
  "Warranty__RateLimits__AnonymousPerSecond=1000000" "Warranty__RateLimits__AdminPerSecond=1000000"
  "Warranty__RateLimits__OperatorPerSecond=1000000" "Warranty__RateLimits__NetworkPerSecond=1000000"
  ${settings[@]+"${settings[@]}"}
)

out="$CLUSTER_ROOT/cluster/results/$(date -u +%Y%m%dT%H%M%SZ)"
cluster_init "$out"
lt=(dotnet "$LOADTEST_DLL")   # an array, not a function: "${lt[@]}" … & makes $! the tool's own pid
tools=()
cleanup() {
  local pid
  for pid in "${tools[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${tools[@]}"; do wait "$pid" 2>/dev/null || true; done
  cluster_stop
}
trap cleanup EXIT

cluster_build --with-loadtest > "$out/build.log" 2>&1 || { tail -n 30 "$out/build.log" >&2; exit 1; }
auth_init
pg_start
cluster_settings
log "PostgreSQL on 127.0.0.1:$PGPORT; starting $SILOS silos and the front door (results in $out)"
for i in $(seq 1 "$SILOS"); do silo_start "$i"; done
for i in $(seq 1 "$SILOS"); do silo_wait_joined "$i"; done
frontdoor_start
frontdoor_wait_ready
auth_token "$API_URL"

log "seeding $subscribers subscribers for the load and $exchange_subscribers for exchanges"
"${lt[@]}" seed --url "$API_URL" --subscribers "$subscribers" --concurrency 32 --prefix CRASH --manifest "$out/seed.json" > "$out/seed.txt" 2> "$out/seed.err"
"${lt[@]}" seed --url "$API_URL" --subscribers "$exchange_subscribers" --concurrency 16 --prefix XCHG --manifest "$out/seed-exchanges.json" > "$out/seed-exchanges.txt" 2> "$out/seed-exchanges.err"

"${lt[@]}" probe --url "$API_URL" --manifest "$out/seed.json" --interval 100ms --lookups 4 --log "$out/probe.ndjson" > "$out/probe.txt" 2>&1 &
tools+=($!)
"${lt[@]}" run --url "$API_URL" --manifest "$out/seed.json" --duration 1h --warmup 0s --concurrency "$concurrency" \
  --mix coverage=45,read=20,claim=20,withdraw=15 --out "$out/run.json" --chart "$out/run.png" \
  --ack-log "$out/acks.ndjson" --error-log "$out/errors.ndjson" > "$out/run.txt" 2> "$out/run.err" &
run_pid=$!
tools+=("$run_pid")
"${lt[@]}" exchanges --url "$API_URL" --manifest "$out/seed-exchanges.json" --concurrency 2 --interval 1s --stock 1000 \
  --log "$out/exchanges.ndjson" --error-log "$out/exchange-errors.ndjson" --out "$out/exchanges.json" > "$out/exchanges.txt" 2>&1 &
exchanges_pid=$!
tools+=("$exchanges_pid")
probe_pid="${tools[0]}"

# Until the probe has answered right for 2 s (20 rounds) in a row, all sent after $1; at most $2 seconds.
wait_recovered() {
  python3 - "$out/probe.ndjson" "$1" "$2" <<'PY'
import json, sys, time
from datetime import datetime
path, since, limit = sys.argv[1], datetime.fromisoformat(sys.argv[2].replace("Z", "+00:00")), float(sys.argv[3])
start = time.monotonic()
while time.monotonic() - start < limit:
    rounds = []
    for line in open(path):
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if datetime.fromisoformat(r["sentAt"]) >= since:
            rounds.append(r)
    rounds.sort(key=lambda r: r["sentAt"])
    tail = 0
    for r in rounds:
        tail = tail + 1 if r["ok"] else 0
    if tail >= 20:
        sys.exit(0)
    time.sleep(0.2)
sys.exit(1)
PY
}

log "load running; $interval s of steady load before the first kill"
sleep "$interval"
for r in $(seq 1 "$rounds"); do
  victim=$(( (r - 1) % SILOS + 1 ))
  killed_at="$(now_iso)"
  silo_kill "$victim"
  log "round $r/$rounds: SIGKILL silo $victim at $killed_at"
  if ! wait_recovered "$killed_at" 60; then
    log "round $r: the probe did not answer right within 60 s of the kill"
  fi
  restarted_at="$(now_iso)"
  silo_start "$victim"
  silo_wait_joined "$victim" 180
  joined_at="$(now_iso)"
  printf '{"silo":%d,"killedAt":"%s","restartedAt":"%s","joinedAt":"%s"}\n' "$victim" "$killed_at" "$restarted_at" "$joined_at" >> "$out/kills.ndjson"
  log "round $r/$rounds: silo $victim restarted at $restarted_at, joined at $joined_at; $interval s of load"
  sleep "$interval"
done

log "stopping the load (exchanges under way are finished first)"
kill -TERM "$exchanges_pid" 2>/dev/null || true   # it may have run out of lines already
wait "$exchanges_pid" || log "exchanges exited with $? (see $out/exchanges.txt)"
kill -TERM "$run_pid" 2>/dev/null || true
wait "$run_pid" || true
kill -TERM "$probe_pid" 2>/dev/null || true
wait "$probe_pid" || true
tools=()

log "checking"
status=0
"${lt[@]}" check --connection "$CONNECTION_STRING" --service-id "$CLUSTER_ID" --url "$API_URL" \
  --results "$out/run.json" --ack-log "$out/acks.ndjson" --error-log "$out/errors.ndjson,$out/exchange-errors.ndjson" \
  --exchange-summary "$out/exchanges.json" --exchange-log "$out/exchanges.ndjson" --probe-log "$out/probe.ndjson" \
  --kills "$out/kills.ndjson" --response-timeout "$response_timeout" --recovery-limit "$recovery_limit" \
  --out "$out/check.json" | tee "$out/check.txt" || status=$?
echo "results: $out"
exit "$status"
