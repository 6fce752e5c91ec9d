#!/usr/bin/env bash
# The benchmark of issue 4, in one run on one machine (ratios within the run, not absolute figures):
#   1. PostgreSQL's own single-row INSERT rate (pgbench, synchronous commit on)      -> durable-write ceiling
#   2. the bare-Kestrel ceiling: the load tool's own coverage-sized endpoint, no grain -> HTTP ceiling
#   3. warm coverage lookups (uniform, then Zipf) on the service, PostgreSQL storage
#   4. durable claim filings
#   5. cold coverage lookups at a fixed 1,000 requests/s: after a restart and a warm-up on other
#      subscribers, each lookup activates a device and a line that were not active (two PostgreSQL reads);
#      also, for information, the same rate in the first seconds of a fresh process
# Prints every figure and the ratios the issue sets targets for; keeps the JSON and charts in bench/results/.
# Usage: bench/run.sh [--subscribers 30000] [--cold-subscribers 12000] [--duration 20s] [--concurrency 64]
set -euo pipefail
cd "$(dirname "$0")/.."

subscribers=30000 cold_subscribers=12000 duration=20s concurrency=64
while [ $# -gt 0 ]; do
  case "$1" in
    --subscribers) subscribers="$2"; shift 2 ;;
    --cold-subscribers) cold_subscribers="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--subscribers N] [--cold-subscribers N] [--duration 20s] [--concurrency 64]" >&2; exit 2 ;;
  esac
done

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
source bench/lib.sh
bench_build "$out/build.log"
api_dll=src/Api/bin/Release/net10.0/Warranty.Api.dll
lt=(dotnet tools/LoadTest/bin/Release/net10.0/Warranty.LoadTest.dll)

bench_auth "$api_dll"

source bench/pg.sh
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop
}
trap cleanup EXIT
pg_start
field() { # field JSON-FILE PYTHON-EXPRESSION-ON-d
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

api_port="$(free_port)" silo_port="$(free_port)" gateway_port="$(free_port)"
api_url="http://127.0.0.1:$api_port"
start_api() {
  Warranty__Storage=postgres \
  ConnectionStrings__Warranty="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres" \
  Warranty__SiloPort="$silo_port" Warranty__GatewayPort="$gateway_port" Logging__LogLevel__Default=Warning \
    dotnet "$api_dll" --urls "$api_url" > "$out/api-$1.log" 2>&1 &
  api_pid=$!
  pids+=("$api_pid")
  wait_ready "$api_url" /health/ready
}

# The service's pool defaults to 16 connections (WarrantyStorageOptions.DefaultPostgresPoolSize); pgbench is
# measured at that many clients and at the load's concurrency, and the claims ratio uses the higher rate.
echo "bench: 1/6 pgbench single-row INSERT rate (16 and $concurrency clients, 20 s each)" >&2
pg_tps_16="$(pg_insert_rate 16 20)"
pg_tps_n="$(pg_insert_rate "$concurrency" 20)"

echo "bench: 2/6 seeding $subscribers subscribers, and $cold_subscribers more for the cold lookups" >&2
start_api first
"${lt[@]}" seed --url "$api_url" --subscribers "$subscribers" --concurrency 32 --prefix BENCH --manifest "$out/seed.json" | tee "$out/seed.txt"
"${lt[@]}" seed --url "$api_url" --subscribers "$cold_subscribers" --concurrency 32 --prefix COLD --manifest "$out/seed-cold.json" | tee "$out/seed-cold.txt"

run() { # run NAME URL ARGS... (on seed.json)
  run_on "$out/seed.json" "$@"
}
cpu_ticks() { # cpu_ticks PID... : user+system clock ticks of these processes
  local total=0 pid t
  for pid in "$@"; do
    t="$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)"
    total=$((total + t))
  done
  echo "$total"
}
run_on() { # run_on MANIFEST NAME URL ARGS...
  # Also records where the 2 cores went during the run: the service's, PostgreSQL's and the load tool's CPU
  # seconds per wall second ($out/NAME.cpu), since all three share the machine.
  local manifest="$1" name="$2" url="$3"; shift 3
  local service_pid="${api_pid:-}"; [ "$url" = "$api_url" ] || service_pid="${baseline_pid:-}"
  local s0 p0 t0 s1 p1 t1
  s0="$(cpu_ticks $service_pid)" p0="$(cpu_ticks $(pgrep -u postgres postgres || true))" t0="$(date +%s.%N)"
  /usr/bin/time -f "%U %S" -o "$out/$name.loadtool-cpu" \
    "${lt[@]}" run --url "$url" --manifest "$manifest" --out "$out/$name.json" --chart "$out/$name.png" "$@" > "$out/$name.txt"
  s1="$(cpu_ticks $service_pid)" p1="$(cpu_ticks $(pgrep -u postgres postgres || true))" t1="$(date +%s.%N)"
  python3 -c "
import json,sys
hz=$(getconf CLK_TCK); wall=$t1-$t0; u,s=open('$out/$name.loadtool-cpu').read().split()[-2:]
print(json.dumps({'wallSeconds':round(wall,1),'serviceCores':round(($s1-$s0)/hz/wall,2),'postgresCores':round(($p1-$p0)/hz/wall,2),'loadToolCores':round((float(u)+float(s))/wall,2)}))" > "$out/$name.cpu"
}

echo "bench: 3/6 bare-Kestrel ceiling" >&2
baseline_port="$(free_port)"
"${lt[@]}" serve-baseline --urls "http://127.0.0.1:$baseline_port" > "$out/baseline-server.log" 2>&1 &
baseline_pid=$!
pids+=("$baseline_pid")
wait_ready "http://127.0.0.1:$baseline_port" "/v1/devices/000000000000000/coverage"
run baseline "http://127.0.0.1:$baseline_port" --concurrency "$concurrency" --duration "$duration" --warmup 5s --mix coverage=100
kill "$baseline_pid"

echo "bench: 4/6 warm coverage lookups (uniform, then Zipf)" >&2
run warmup "$api_url" --concurrency "$concurrency" --duration 20s --warmup 0s --mix coverage=100
run warm-uniform "$api_url" --concurrency "$concurrency" --duration "$duration" --warmup 5s --mix coverage=100 --distribution uniform
run warm-zipf "$api_url" --concurrency "$concurrency" --duration "$duration" --warmup 5s --mix coverage=100 --distribution zipf

# Each line once in a random order, then each again: every filing is a line's first or second of the
# contract year, so CLM-1 refuses none until 2 x subscribers filings (refusals write nothing and would flatter
# the answered rate and understate the accepted one).
echo "bench: 5/6 durable claim filings (each line's first and second; 10 s warm-up of the claim path)" >&2
run claims "$api_url" --concurrency "$concurrency" --duration "$duration" --warmup 10s --mix claim=100 --distribution once

echo "bench: 6/6 cold lookups at 1,000/s: a fresh process, then cold grains in a warmed process" >&2
kill "$api_pid"; wait "$api_pid" 2>/dev/null || true
start_api cold
# The first seconds of a fresh process (JIT, empty pools): for information, no target.
run fresh "$api_url" --rate 1000 --duration 10s --warmup 0s --mix coverage=100 --distribution uniform
# Warm the process on the BENCH subscribers, then look up COLD subscribers, each once: every lookup
# activates its device and line grains from PostgreSQL.
run cold-warmup "$api_url" --rate 1000 --duration 20s --warmup 0s --mix coverage=100 --distribution uniform
run_on "$out/seed-cold.json" cold "$api_url" --rate 1000 --duration 10s --warmup 0s --mix coverage=100 --distribution once

python3 - "$out" "$pg_tps_16" "$pg_tps_n" "$concurrency" <<'PY'
import json, sys, os
out, pg16, pgn, conc = sys.argv[1], float(sys.argv[2] or 0), float(sys.argv[3] or 0), sys.argv[4]
pg_tps = max(pg16, pgn)
def load(name): return json.load(open(os.path.join(out, name + ".json")))
def op(r, name): return r["operations"][name]
base, warm, zipf, claims, cold, fresh = (load(n) for n in ("baseline", "warm-uniform", "warm-zipf", "claims", "cold", "fresh"))
b = op(base, "coverage"); w = op(warm, "coverage"); z = op(zipf, "coverage"); c = op(claims, "claim"); k = op(cold, "coverage"); f = op(fresh, "coverage")
accepted = c["statuses"].get("201", 0) / claims["measuredSeconds"]
rows = [
  ("bare-Kestrel ceiling (req/s)", f'{b["throughput"]:,.0f}', f'p99 {b["latency"]["p99"]:.2f} ms', ""),
  ("warm lookups, uniform (req/s)", f'{w["throughput"]:,.0f}', f'p99 {w["latency"]["p99"]:.2f} ms', f'{w["throughput"]/b["throughput"]:.2f} x ceiling (target >= 0.75, p99 <= 5 ms)'),
  ("warm lookups, Zipf (req/s)", f'{z["throughput"]:,.0f}', f'p99 {z["latency"]["p99"]:.2f} ms', f'p99 {z["latency"]["p99"]/w["latency"]["p99"]:.2f} x uniform (target <= 2)'),
  ("pgbench single-row INSERT (tps)", f'{pg_tps:,.0f}', "", f'16 clients {pg16:,.0f}, {conc} clients {pgn:,.0f}; the higher is used'),
  ("durable claim filings accepted (/s)", f'{accepted:,.0f}', f'p99 {c["latency"]["p99"]:.2f} ms', f'{accepted/pg_tps if pg_tps else 0:.2f} x pgbench (target >= 0.35, p99 <= 50 ms)'),
  ("cold lookups at 1,000/s", f'{k["throughput"]:,.0f}', f'p99 {k["latency"]["p99"]:.2f} ms', "target p99 <= 50 ms"),
  ("fresh process at 1,000/s (first 10 s)", f'{f["throughput"]:,.0f}', f'p99 {f["latency"]["p99"]:.2f} ms', "information"),
]
print("CPU, in cores of the 2 (service or baseline server / PostgreSQL / load tool):")
for n in ("baseline", "warm-uniform", "warm-zipf", "claims", "cold", "fresh"):
  try:
    c2 = json.load(open(os.path.join(out, n + ".cpu")))
    print(f"  {n:14} {c2['serviceCores']:.2f} / {c2['postgresCores']:.2f} / {c2['loadToolCores']:.2f}")
  except (OSError, ValueError):
    pass
errors = {n: op(r, m)["errors"] for n, r, m in (("baseline", base, "coverage"), ("warm", warm, "coverage"), ("zipf", zipf, "coverage"), ("claims", claims, "claim"), ("cold", cold, "coverage"), ("fresh", fresh, "coverage"))}
for name, value, latency, ratio in rows:
  print(f"{name:40} {value:>12}  {latency:18} {ratio}")
print("errors per run:", errors)
print(f"results: {out}")
PY
