#!/usr/bin/env bash
# The read model's projection lag under load (issue 14): the service on a fresh PostgreSQL, subscribers seeded, then
# the load tool's standard mix and a claims-only run, each for --duration, while GET /v1/admin/projections is sampled
# every 250 ms. Prints, per run, the events recorded per second and the lag's p50, p99 and max (lagSeconds: how long
# ago the oldest event the read model had not applied was recorded; 0 when it had applied them all).
#
#   bench/lag.sh [--subscribers N] [--seconds 20]
#
# The claims run files each seeded claims line's claim once (as bench/run.sh's), so it seeds 2,000 lines per second
# of run and warm-up.
set -euo pipefail
cd "$(dirname "$0")/.."

subscribers=10000 seconds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --subscribers) subscribers="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: bench/lag.sh [--subscribers N] [--seconds 20]" >&2; exit 2 ;;
  esac
done
duration="${seconds}s"
claim_subscribers=$(( 2000 * (seconds + 5) ))

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ)-lag"
mkdir -p "$out"
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_build "$out/build.log"
api_dll=src/Api/bin/Release/net10.0/Warranty.Api.dll
lt=(dotnet tools/LoadTest/bin/Release/net10.0/Warranty.LoadTest.dll)
bench_auth "$api_dll"
export Warranty__RateLimits__OperatorPerSecond=1000000 Warranty__RateLimits__SubscriberPerSecond=1000000

# shellcheck source=bench/pg.sh
source bench/pg.sh
api_pid="" sampler_pid=""
cleanup() {
  for pid in $sampler_pid $api_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pg_stop
}
trap cleanup EXIT
pg_start

api_url="http://127.0.0.1:$(free_port)"
Warranty__Storage=postgres ConnectionStrings__Warranty="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres" \
Warranty__SiloPort="$(free_port)" Warranty__GatewayPort="$(free_port)" Logging__LogLevel__Default=Warning \
  dotnet "$api_dll" --urls "$api_url" > "$out/api.log" 2>&1 &
api_pid=$!
wait_ready "$api_url" /health/ready

say() { echo "$*" | tee -a "$out/lag.txt"; }
sample() { # sample FILE: one line every 250 ms, "epoch logEnd lagSeconds", until killed (one process: no start-up per sample)
  exec python3 - "$api_url/v1/admin/projections" "$WARRANTY_TOKEN" "$1" <<'PY'
import json, sys, time, urllib.request
url, token, path = sys.argv[1:4]
request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
with open(path, "a", buffering=1) as out:
    while True:
        try:
            d = json.load(urllib.request.urlopen(request, timeout=5))
            out.write(f"{time.time()} {d['logEnd']} {d['lagSeconds']}\n")
        except Exception:
            pass
        time.sleep(0.25)
PY
}
measured() { # measured NAME ARGS...: a load tool run with the sampler on, then the lag's figures
  local name="$1"; shift
  sample "$out/$name-lag.txt" & sampler_pid=$!
  "${lt[@]}" run --url "$api_url" --out "$out/$name.json" "$@" > "$out/$name.txt"
  kill "$sampler_pid"; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
  python3 - "$name" "$out/$name-lag.txt" <<'PY' | tee -a "$out/lag.txt"
import statistics, sys
name, rows = sys.argv[1], [tuple(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
lags = sorted(r[2] for r in rows)
q = lambda p: lags[min(len(lags) - 1, int(p * len(lags)))]
rate = (rows[-1][1] - rows[0][1]) / max(rows[-1][0] - rows[0][0], 1e-9)
print(f"{name:<10} {rate:8.0f} events/s recorded   lag p50 {q(0.5):.2f} s   p99 {q(0.99):.2f} s   max {lags[-1]:.2f} s   ({len(lags)} samples)")
PY
}

say "bench/lag.sh: $subscribers subscribers, $duration per run, $(nproc) cores, $(date -u +%FT%TZ)"
"${lt[@]}" seed --url "$api_url" --subscribers "$subscribers" --concurrency 32 --prefix LAG --manifest "$out/seed.json" > "$out/seed.txt"
"${lt[@]}" seed --url "$api_url" --subscribers "$claim_subscribers" --concurrency 32 --prefix LAGC --manifest "$out/seed-claims.json" > "$out/seed-claims.txt"
measured standard --manifest "$out/seed.json" --duration "$duration" --warmup 5s
measured claims --manifest "$out/seed-claims.json" --duration "$duration" --warmup 5s --mix claim=100 --distribution once
say "results: $out"
