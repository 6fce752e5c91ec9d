#!/usr/bin/env bash
# Memory figures of issues 4 and 9:
#   1. The lookup set (the issue-9 target): N subscribers imported into PostgreSQL; then a fresh process looks up
#      every subscriber's device once, so each one answers from memory. Lookups activate only the device (its
#      line's facts are read from storage, the line is not activated), so this is what one process holds for N
#      subscribers whose lookups are served from memory: working set and bytes per subscriber.
#   2. Everything active (--all-active): N subscribers imported into ONE process with memory storage and all kept
#      active, a line AND a device activation each, plus the memory storage's own copy of every state: the upper
#      bound, as after a bulk import or a billing day that writes to every line.
#   3. More subscribers than memory: PostgreSQL storage, a GC heap limit (DOTNET_GCHeapHardLimit), each
#      subscriber looked up twice; every lookup must answer 200 while activation shedding keeps the heap
#      under the limit.
# Usage: bench/memory.sh [--subscribers 1000000] [--all-active] [--shed-subscribers 40000] [--heap-limit-mb 400]
#                        [--skip-import]
# Importing into PostgreSQL runs at about 500-600 subscribers/s on a 2-core machine: 1,000,000 take about half an hour.
set -euo pipefail
cd "$(dirname "$0")/.."

subscribers=1000000 shed_subscribers=40000 heap_mb=400 skip_import=0 all_active=0
while [ $# -gt 0 ]; do
  case "$1" in
    --subscribers) subscribers="$2"; shift 2 ;;
    --shed-subscribers) shed_subscribers="$2"; shift 2 ;;
    --heap-limit-mb) heap_mb="$2"; shift 2 ;;
    --skip-import) skip_import=1; shift ;;
    --all-active) all_active=1; shift ;;
    *) echo "usage: bench/memory.sh [--subscribers N] [--all-active] [--shed-subscribers N] [--heap-limit-mb MB] [--skip-import]" >&2; exit 2 ;;
  esac
done
[ "$subscribers" -le 1000000 ] || { echo "bench: at most 1,000,000 subscribers (one TAC's serial numbers)" >&2; exit 2; }

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
out="bench/results/memory-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
source bench/lib.sh
bench_build "$out/build.log"
api_dll=src/Api/bin/Release/net10.0/Warranty.Api.dll
lt=(dotnet tools/LoadTest/bin/Release/net10.0/Warranty.LoadTest.dll)

bench_auth "$api_dll"
auth=(-H "Authorization: Bearer $WARRANTY_TOKEN")

source bench/pg.sh
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop
}
trap cleanup EXIT
rss_mb() { echo $(( $(awk '/VmRSS/{print $2}' "/proc/$1/status") / 1024 )); }
start_api() { # start_api NAME ENV... : sets api_pid, api_url
  local name="$1"; shift
  api_url="http://127.0.0.1:$(free_port)"
  env "$@" Warranty__SiloPort="$(free_port)" Warranty__GatewayPort="$(free_port)" Logging__LogLevel__Default=Warning \
    dotnet "$api_dll" --urls "$api_url" > "$out/api-$name.log" 2>&1 &
  api_pid=$!
  pids+=("$api_pid")
  wait_ready "$api_url"
}

import_subscribers() { # import_subscribers: N subscribers through the bulk import of the running process; also
  # writes $out/lookups.txt, one coverage request per subscriber for bench/coverage.lua
  curl -fsS "${auth[@]}" -X PUT "$api_url/v1/catalog/models/35000001" -H 'content-type: application/json' \
    -d '{"maker":"Bench","model":"M1","kind":"android","releaseDate":"2025-01-01","wifiOnly":false,"soldInJapan":true,"hasGiteki":true,"repairableInJapan":true,"exchangeDesignated":true}' > /dev/null
  python3 - "$subscribers" "$WARRANTY_TOKEN" "$out/lookups.txt" <<'PY' | curl -fsS "${auth[@]}" -N --data-binary @- -H 'content-type: application/x-ndjson' "$api_url/v1/admin/imports?parallelism=64" > "$out/import.ndjson"
import json, sys
n, token = int(sys.argv[1]), sys.argv[2]
declarations = {"conditionOk": True, "ownedBySubscriber": True, "rentedOrLeased": False, "businessUse": False,
                "unofficialRepairOrModification": False, "thirdPartyLostOrStolen": False, "illegallyUnlocked": False,
                "coveredByOtherWarranty": False}
def luhn(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)
write = sys.stdout.write
with open(sys.argv[3], "w") as lookups:
    for i in range(n):
        body = f"35000001{i:06d}"
        imei = body + luhn(body)
        lookups.write(f"/v1/devices/{imei}/coverage\tBearer {token}\n")
        write(json.dumps({"lineId": f"MEM-{i:07d}", "plan": "giga", "simType": "esim", "serviceStartDate": "2026-01-05",
                          "warrantyOption": True, "device": {"imei": imei, "registeredAt": "2026-01-06T10:00:00+09:00",
                          "declarations": declarations}}, separators=(",", ":")) + "\n")
PY
  python3 - "$(tail -n 1 "$out/import.ndjson")" <<'PY' | tee -a "$out/import-summary.txt"
import json, sys
s = json.loads(sys.argv[1])
print(f"import: {s['imported']:,} imported, {s['failed']:,} failed, {s['ratePerSecond']:,.0f} records/s, {s['elapsedMs']/1000:,.0f} s")
PY
}

sample_lines() { # sample_lines: 200 random lines read back through the API; prints how many answered 200
  local ok=0
  for i in $(python3 -c "import random; print(' '.join(str(random.randrange($subscribers)) for _ in range(200)))"); do
    code="$(curl -s "${auth[@]}" -o /dev/null -w '%{http_code}' "$api_url/v1/lines/MEM-$(printf %07d "$i")")"
    [ "$code" = 200 ] && ok=$((ok + 1))
  done
  echo "$ok"
}

if [ "$skip_import" -eq 0 ]; then
  bench_wrk
  pg_start
  cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
  echo "bench: 1/3 the lookup set: importing $subscribers subscribers into PostgreSQL (about 500-600/s)" >&2
  start_api pg-import Warranty__Storage=postgres ConnectionStrings__Warranty="$cs"
  import_subscribers
  kill "$api_pid"; wait "$api_pid" 2>/dev/null || true
  echo "bench: 1/3 a fresh process looks up every subscriber's device once" >&2
  start_api lookups Warranty__Storage=postgres ConnectionStrings__Warranty="$cs" \
    Warranty__Activations__CollectionAge=02:00:00 Warranty__Activations__ShedOnMemoryPressure=false
  before="$(rss_mb "$api_pid")"
  # bench/coverage.lua's "once" mode: every subscriber before any twice; the window is long enough for each at
  # 1,500 cold lookups per second (wrk's done() prints the exact count, checked below).
  wrk -t2 -c64 -d"$(( subscribers / 1500 + 15 ))s" --latency -s bench/coverage.lua "$api_url" -- "$out/lookups.txt" once \
    > "$out/lookups-wrk.txt"
  sleep 10  # let the GC settle, then read the working set
  after="$(rss_mb "$api_pid")"
  python3 - "$subscribers" "$before" "$after" "$out/lookups-wrk.txt" <<'PY' | tee -a "$out/import-summary.txt"
import json, sys
sys.path.insert(0, "bench")
from benchtool import parse_wrk
n, before, after = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
r = parse_wrk(open(sys.argv[4]).read())
errors = r["non2xx"] + sum(r["socketErrors"].values())
print(f"lookups: {r['requests']:,} in {r['durationSeconds']:,.0f} s ({r['requestsPerSecond']:,.0f}/s, the first {n:,} cold), "
      f"{errors} non-2xx or errors; every subscriber looked up: {r['requests'] >= n}")
print(f"working set: {before:,} MB at start, {after:,} MB with {n:,} subscribers answering from memory "
      f"({after/1024:.2f} GiB; target <= 6 GiB for 1,000,000)")
print(f"per subscriber in the lookup set (a device activation holding its line's facts): {(after-before)*1048576/n:,.0f} bytes"
      f"; 1,000,000 would need {(before + (after-before)*1000000/n)/1024:.2f} GiB")
if errors or r["requests"] < n:
    print("INVALID: not every subscriber answered 200")
    sys.exit(1)
PY
  echo "random lines read back afterwards: $(sample_lines)/200 answered 200" | tee -a "$out/import-summary.txt"
  kill "$api_pid"; wait "$api_pid" 2>/dev/null || true
  pg_stop

  if [ "$all_active" -eq 1 ]; then
    echo "bench: 2/3 everything active: importing $subscribers subscribers into one process (memory storage)" >&2
    start_api import Warranty__Storage=memory Warranty__Activations__CollectionAge=02:00:00 Warranty__Activations__ShedOnMemoryPressure=false
    before="$(rss_mb "$api_pid")"
    import_subscribers
    sleep 10  # let the GC settle, then read the working set
    after="$(rss_mb "$api_pid")"
    python3 - "$subscribers" "$before" "$after" <<'PY' | tee -a "$out/import-summary.txt"
import sys
n, before, after = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
print(f"everything active: {before:,} MB at start, {after:,} MB with {n:,} subscribers' lines and devices active ({after/1024:.2f} GiB)")
print(f"per subscriber (a line and a device activation, plus the memory storage's copy): {(after-before)*1048576/n:,.0f} bytes")
PY
    echo "random lines read back afterwards: $(sample_lines)/200 answered 200" | tee -a "$out/import-summary.txt"
    kill "$api_pid"; wait "$api_pid" 2>/dev/null || true
  fi
fi

echo "bench: 3/3 more subscribers than memory: $shed_subscribers on PostgreSQL, GC heap limited to $heap_mb MB" >&2
pg_start
cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
start_api seed Warranty__Storage=postgres ConnectionStrings__Warranty="$cs"
"${lt[@]}" seed --url "$api_url" --subscribers "$shed_subscribers" --concurrency 32 --prefix SHED --manifest "$out/shed.json" > "$out/shed-seed.txt"
kill "$api_pid"; wait "$api_pid" 2>/dev/null || true
start_api shed Warranty__Storage=postgres ConnectionStrings__Warranty="$cs" DOTNET_GCHeapHardLimit="$(printf '0x%x' $((heap_mb * 1048576)))"
seconds=$(( shed_subscribers / 500 + 10 ))
for pass in 1 2; do
  "${lt[@]}" run --url "$api_url" --manifest "$out/shed.json" --out "$out/shed-$pass.json" --concurrency 32 \
    --duration "${seconds}s" --warmup 0s --mix coverage=100 --distribution once > "$out/shed-$pass.txt"
  echo "pass $pass: $(grep '^coverage ' "$out/shed-$pass.txt" | awk '{print $2 " lookups, p99 " $6 " ms, " $NF}'), working set $(rss_mb "$api_pid") MB"
done | tee "$out/shed-summary.txt"
python3 - "$out" "$shed_subscribers" <<'PY' | tee -a "$out/shed-summary.txt"
import json, sys, os
out, n = sys.argv[1], int(sys.argv[2])
for p in (1, 2):
    r = json.load(open(os.path.join(out, f"shed-{p}.json")))["operations"]["coverage"]
    bad = {k: v for k, v in r["statuses"].items() if k != "200"}
    print(f"pass {p}: every subscriber looked up: {r['count'] >= n}; non-200 answers: {sum(bad.values())} {bad or ''}; errors: {r['errors']}")
PY
echo "OutOfMemoryException in the log: $(grep -c OutOfMemory "$out/api-shed.log" || true)"
echo "results: $out"
