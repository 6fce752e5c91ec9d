# Sourced by cluster/run.sh and cluster/crash-test.sh: a local Warranty cluster on this machine, that is a
# throwaway PostgreSQL (bench/pg.sh), N src/Silo processes and one src/Api front door in client mode, all on
# 127.0.0.1 and free ports. Release build. Every process writes its log to "$CLUSTER_DIR/logs" and its pid to
# "$CLUSTER_DIR/<name>.pid"; "$CLUSTER_DIR/cluster.env" holds what `stop` (another shell) needs.
# shellcheck shell=bash

CLUSTER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bench/pg.sh
source "$CLUSTER_ROOT/bench/pg.sh"

SILO_DLL="$CLUSTER_ROOT/src/Silo/bin/Release/net10.0/Warranty.Silo.dll"
API_DLL="$CLUSTER_ROOT/src/Api/bin/Release/net10.0/Warranty.Api.dll"
LOADTEST_DLL="$CLUSTER_ROOT/tools/LoadTest/bin/Release/net10.0/Warranty.LoadTest.dll"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { echo "cluster: $*" >&2; }

# shellcheck source=../bench/lib.sh
source "$CLUSTER_ROOT/bench/lib.sh"

now_iso() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

cluster_build() { # cluster_build [--with-loadtest]; WARRANTY_CLUSTER_NO_BUILD=1: use the Release build as it is (the tests)
  if [ "${WARRANTY_CLUSTER_NO_BUILD:-0}" = 1 ]; then return 0; fi
  log "building (Release)"
  dotnet build "$CLUSTER_ROOT/src/Silo/Silo.csproj" -c Release -v quiet -nologo
  dotnet build "$CLUSTER_ROOT/src/Api/Api.csproj" -c Release -v quiet -nologo
  if [ "${1:-}" = "--with-loadtest" ]; then
    dotnet build "$CLUSTER_ROOT/tools/LoadTest/LoadTest.csproj" -c Release -v quiet -nologo
  fi
}

# ---------------------------------------------------------------------------------------------------------
# Authentication: the one place to change when src/Api's JWT authentication lands.
# Every process gets Warranty__Auth__SigningKey (base64 of 32 random bytes, one value per cluster), and every
# HTTP call of these scripts goes through api_curl, which sends "Authorization: Bearer $WARRANTY_TOKEN" when
# that variable is set (the load tool sends $WARRANTY_TOKEN by itself). auth_token asks the front door: if an
# API path answers 401, authentication is on, and the token comes from `Warranty.Api.dll dev-token ROLE`
# for the cluster's key (role $WARRANTY_TOKEN_ROLE, default admin). Before authentication exists nothing
# answers 401, no token is made and no header is sent.
# ---------------------------------------------------------------------------------------------------------
auth_init() { # auth_init [KEY]: use KEY, or generate one
  Warranty__Auth__SigningKey="${1:-$(head -c 32 /dev/urandom | base64)}"
  export Warranty__Auth__SigningKey
}

auth_token() { # auth_token URL
  local status
  status="$(curl -s -o /dev/null -w '%{http_code}' "$1/v1/catalog/models/00000000" || true)"
  if [ "$status" = "401" ] && [ -z "${WARRANTY_TOKEN:-}" ]; then
    WARRANTY_TOKEN="$(dotnet "$API_DLL" dev-token "${WARRANTY_TOKEN_ROLE:-admin}" | tail -n 1)"
    export WARRANTY_TOKEN
    log "authentication is on: WARRANTY_TOKEN set (role ${WARRANTY_TOKEN_ROLE:-admin})"
  fi
}

api_curl() { # api_curl ARGS... : curl with the bearer token when there is one
  if [ -n "${WARRANTY_TOKEN:-}" ]; then
    curl -H "Authorization: Bearer $WARRANTY_TOKEN" "$@"
  else
    curl "$@"
  fi
}

# ---------------------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------------------
cluster_init() { # cluster_init DIR: a fresh cluster folder; sets CLUSTER_DIR, LOG_DIR
  CLUSTER_DIR="$1"
  LOG_DIR="$CLUSTER_DIR/logs"
  mkdir -p "$LOG_DIR"
  export CLUSTER_DIR LOG_DIR
}

# The settings every silo and the front door share. ClusterId/ServiceId are fresh per cluster.
cluster_settings() { # cluster_settings: sets CONNECTION_STRING, CLUSTER_ID after pg_start
  CONNECTION_STRING="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
  CLUSTER_ID="${CLUSTER_ID:-warranty-$(date -u +%Y%m%d%H%M%S)}"
  export CONNECTION_STRING CLUSTER_ID
}

# Starts one .NET process in its own session (so a Ctrl-C in this terminal does not reach it) and records its pid.
# spawn NAME LOG ENV... -- ARGS...
spawn() {
  local name="$1" logfile="$2"; shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]}" setsid dotnet "$@" >> "$logfile" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_DIR/$name.pid"
  disown $!   # watched through its pid file, not as a job of this shell (and no "Killed" notices)
}

# Settings of every process; a script may add its own in the array CLUSTER_EXTRA_ENV.
common_env() {
  printf '%s\n' \
    "ASPNETCORE_ENVIRONMENT=Production" \
    "Warranty__Storage=postgres" \
    "ConnectionStrings__Warranty=$CONNECTION_STRING" \
    "Warranty__ClusterId=$CLUSTER_ID" \
    "Warranty__ServiceId=$CLUSTER_ID" \
    "Warranty__Cluster__Address=127.0.0.1" \
    "Warranty__Auth__SigningKey=$Warranty__Auth__SigningKey" \
    "Logging__LogLevel__Default=Warning" \
    "Logging__LogLevel__Warranty=Information" \
    "Logging__LogLevel__Warranty.Silo=Information" \
    "Logging__LogLevel__Orleans.Runtime.MembershipService=Information"
  if [ -n "${CLUSTER_EXTRA_ENV+x}" ]; then printf '%s\n' "${CLUSTER_EXTRA_ENV[@]}"; fi
}

silo_start() { # silo_start INDEX: ports from $CLUSTER_DIR/silo-INDEX.ports (chosen once, kept across restarts)
  local i="$1" ports="$CLUSTER_DIR/silo-$1.ports" silo_port gateway_port metrics_port envs=()
  if [ ! -f "$ports" ]; then
    echo "$(free_port) $(free_port) $(free_port)" > "$ports"
  fi
  read -r silo_port gateway_port metrics_port < "$ports"
  mapfile -t envs < <(common_env)
  echo "--- start $(now_iso) ---" >> "$LOG_DIR/silo-$i.log"
  spawn "silo-$i" "$LOG_DIR/silo-$i.log" "${envs[@]}" "Warranty__SiloPort=$silo_port" "Warranty__GatewayPort=$gateway_port" \
    "Warranty__Telemetry__MetricsPort=$metrics_port" -- "$SILO_DLL"
}

# Prometheus (Debian's `prometheus` package) scraping every process: the front door's /metrics with an admin
# token, each silo's metrics port. Sets PROMETHEUS_URL.
prometheus_start() {
  local bin port targets="" f
  bin="$(command -v prometheus || true)"
  [ -n "$bin" ] || { log "--prometheus needs Debian's prometheus package: apt-get install prometheus"; return 1; }
  [ -f "$CLUSTER_DIR/prometheus.port" ] || free_port > "$CLUSTER_DIR/prometheus.port"
  port="$(cat "$CLUSTER_DIR/prometheus.port")"
  PROMETHEUS_URL="http://127.0.0.1:$port"
  export PROMETHEUS_URL
  for f in "$CLUSTER_DIR"/silo-*.ports; do
    targets+="'127.0.0.1:$(awk '{print $3}' "$f")',"
  done
  rm -f "$CLUSTER_DIR/prometheus.token"
  (umask 077; printf '%s' "$WARRANTY_TOKEN" > "$CLUSTER_DIR/prometheus.token")
  cat > "$CLUSTER_DIR/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
scrape_configs:
  - job_name: frontdoor
    metrics_path: /metrics
    authorization:
      credentials_file: $CLUSTER_DIR/prometheus.token
    static_configs:
      - targets: ['${API_URL#http://}']
  - job_name: silos
    metrics_path: /metrics
    static_configs:
      - targets: [${targets%,}]
YAML
  setsid "$bin" --config.file="$CLUSTER_DIR/prometheus.yml" --storage.tsdb.path="$CLUSTER_DIR/prometheus-data" \
    --web.listen-address="127.0.0.1:$port" >> "$LOG_DIR/prometheus.log" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_DIR/prometheus.pid"
  disown $!
  for _ in $(seq 1 150); do
    curl -fs -o /dev/null "$PROMETHEUS_URL/-/ready" && return 0
    sleep 0.2
  done
  log "Prometheus was not ready within 30 s; see $LOG_DIR/prometheus.log"
  return 1
}

silo_wait_joined() { # silo_wait_joined INDEX [TIMEOUT_S]: the latest start of the silo logged that it joined
  local i="$1" timeout="${2:-120}" pid
  pid="$(cat "$CLUSTER_DIR/silo-$i.pid")"
  for _ in $(seq 1 $((timeout * 5))); do
    if sed -n '/^--- start /h; /^--- start /!H; ${x;p}' "$LOG_DIR/silo-$i.log" | grep -q "Warranty silo started"; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { log "silo $i exited while starting; see $LOG_DIR/silo-$i.log"; return 1; }
    sleep 0.2
  done
  log "silo $i did not join within ${timeout}s; see $LOG_DIR/silo-$i.log"
  return 1
}

frontdoor_start() { # frontdoor_start: sets API_URL (port chosen once)
  local envs=()
  [ -f "$CLUSTER_DIR/frontdoor.port" ] || free_port > "$CLUSTER_DIR/frontdoor.port"
  API_URL="http://127.0.0.1:$(cat "$CLUSTER_DIR/frontdoor.port")"
  export API_URL
  mapfile -t envs < <(common_env)
  echo "--- start $(now_iso) ---" >> "$LOG_DIR/frontdoor.log"
  spawn frontdoor "$LOG_DIR/frontdoor.log" "${envs[@]}" "Warranty__Hosting=client" -- "$API_DLL" --urls "$API_URL"
}

frontdoor_wait_ready() { # frontdoor_wait_ready [TIMEOUT_S]
  local timeout="${1:-120}" pid
  pid="$(cat "$CLUSTER_DIR/frontdoor.pid")"
  for _ in $(seq 1 $((timeout * 5))); do
    curl -fs -o /dev/null "$API_URL/health/ready" && return 0
    kill -0 "$pid" 2>/dev/null || { log "the front door exited while starting; see $LOG_DIR/frontdoor.log"; return 1; }
    sleep 0.2
  done
  log "the front door was not ready within ${timeout}s; see $LOG_DIR/frontdoor.log"
  return 1
}

proc_stop() { # proc_stop NAME [SIGNAL]: SIGTERM (or SIGNAL), wait up to 30 s, then SIGKILL; removes the pid file
  local name="$1" signal="${2:-TERM}" file="$CLUSTER_DIR/$1.pid" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) did not stop within 30 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

silo_kill() { # silo_kill INDEX: SIGKILL, no shutdown code runs (a power cut, an OOM kill)
  local file="$CLUSTER_DIR/silo-$1.pid" pid
  pid="$(cat "$file")"
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$file"
}

# Saves what a later `stop` needs (pg_stop's variables included). It holds the signing key: owner-only (0600).
cluster_save() {
  local file="$CLUSTER_DIR/cluster.env"
  rm -f "$file"
  (umask 077; : > "$file")
  {
    printf 'PGPORT=%q\nPGDATA_DIR=%q\nPG_BIN=%q\nPG_AS_ROOT=%q\n' "$PGPORT" "$PGDATA_DIR" "$PG_BIN" "${#PG_AS[@]}"
    printf 'API_URL=%q\nCONNECTION_STRING=%q\nCLUSTER_ID=%q\nSILOS=%q\n' "$API_URL" "$CONNECTION_STRING" "$CLUSTER_ID" "$SILOS"
    printf 'Warranty__Auth__SigningKey=%q\n' "$Warranty__Auth__SigningKey"
  } >> "$file"
}

cluster_load() {
  # shellcheck disable=SC1091
  source "$CLUSTER_DIR/cluster.env"
  PG_AS=()
  if [ "${PG_AS_ROOT:-0}" != "0" ]; then PG_AS=(runuser -u postgres --); fi
  export PGPORT PGDATA_DIR PG_BIN
}

# Front door, then silos (each shuts down gracefully: its grains deactivate and it leaves the membership),
# then PostgreSQL. Idempotent: what is not running is skipped.
cluster_stop() {
  local f stoppers=()
  proc_stop prometheus
  proc_stop frontdoor
  for f in "$CLUSTER_DIR"/silo-*.pid; do
    [ -e "$f" ] || continue
    proc_stop "$(basename "$f" .pid)" &
    stoppers+=($!)
  done
  for f in "${stoppers[@]}"; do wait "$f" || true; done
  pg_stop
}
