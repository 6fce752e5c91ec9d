#!/usr/bin/env bash
# Memory figures of issue 4, item 4 (the last two bullets):
#   1. N subscribers imported into ONE service process and all kept active: working set, and bytes per
#      active subscriber. Memory storage, so that 1,000,000 imports in minutes rather than hours; the
#      figure therefore includes the storage's own copy of every state (an upper bound for PostgreSQL).
#   2. More subscribers than memory: PostgreSQL storage, a GC heap limit (DOTNET_GCHeapHardLimit), each
#      subscriber looked up twice; every lookup must answer 200 while activation shedding keeps the heap
#      under the limit.
# Usage: bench/memory.sh [--subscribers 1000000] [--shed-subscribers 40000] [--heap-limit-mb 400] [--skip-import]
set -euo pipefail
cd "$(dirname "$0")/.."

subscribers=1000000 shed_subscribers=40000 heap_mb=400 skip_import=0
while [ $# -gt 0 ]; do
  case "$1" in
    --subscribers) subscribers="$2"; shift 2 ;;
    --shed-subscribers) shed_subscribers="$2"; shift 2 ;;
    --heap-limit-mb) heap_mb="$2"; shift 2 ;;
    --skip-import) skip_import=1; shift ;;
    *) echo "usage: bench/memory.sh [--subscribers N] [--shed-subscribers N] [--heap-limit-mb MB] [--skip-import]" >&2; exit 2 ;;
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

if [ "$skip_import" -eq 0 ]; then
  echo "bench: 1/2 importing $subscribers subscribers into one process (memory storage), all kept active" >&2
  start_api import Warranty__Storage=memory Warranty__Activations__CollectionAge=02:00:00 Warranty__Activations__ShedOnMemoryPressure=false
  before="$(rss_mb "$api_pid")"
  curl -fsS "${auth[@]}" -X PUT "$api_url/v1/catalog/models/35000001" -H 'content-type: application/json' \
    -d '{"maker":"Bench","model":"M1","kind":"android","releaseDate":"2025-01-01","wifiOnly":false,"soldInJapan":true,"hasGiteki":true,"repairableInJapan":true,"exchangeDesignated":true}' > /dev/null
  python3 - "$subscribers" <<'PY' | curl -fsS "${auth[@]}" -N --data-binary @- -H 'content-type: application/x-ndjson' "$api_url/v1/admin/imports?parallelism=64" > "$out/import.ndjson"
import json, sys
n = int(sys.argv[1])
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
for i in range(n):
    body = f"35000001{i:06d}"
    write(json.dumps({"lineId": f"MEM-{i:07d}", "plan": "giga", "simType": "esim", "serviceStartDate": "2026-01-05",
                      "warrantyOption": True, "device": {"imei": body + luhn(body), "registeredAt": "2026-01-06T10:00:00+09:00",
                      "declarations": declarations}}, separators=(",", ":")) + "\n")
PY
  # Let the GC settle, then read the working set.
  sleep 10
  after="$(rss_mb "$api_pid")"
  summary="$(tail -n 1 "$out/import.ndjson")"
  sample_ok=0
  for i in $(python3 -c "import random; print(' '.join(str(random.randrange($subscribers)) for _ in range(200)))"); do
    code="$(curl -s "${auth[@]}" -o /dev/null -w '%{http_code}' "$api_url/v1/lines/MEM-$(printf %07d "$i")")"
    [ "$code" = 200 ] && sample_ok=$((sample_ok + 1))
  done
  kill "$api_pid"; wait "$api_pid" 2>/dev/null || true
  python3 - "$subscribers" "$before" "$after" "$summary" "$sample_ok" <<'PY' | tee "$out/import-summary.txt"
import json, sys
n, before, after, summary, ok = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5])
print(f"import: {summary['imported']:,} imported, {summary['failed']:,} failed, {summary['ratePerSecond']:,.0f} records/s, {summary['elapsedMs']/1000:,.0f} s")
print(f"working set: {before:,} MB at start, {after:,} MB with {n:,} subscribers active ({after/1024:.2f} GiB; target <= 6 GiB)")
print(f"per active subscriber (a line and a device activation, plus the memory storage's copy): {(after-before)*1048576/n:,.0f} bytes")
print(f"random lines read back afterwards: {ok}/200 answered 200")
PY
fi

echo "bench: 2/2 more subscribers than memory: $shed_subscribers on PostgreSQL, GC heap limited to $heap_mb MB" >&2
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
