# Sourced by bench/run.sh, bench/memory.sh and cluster/lib.sh: what their scripts share.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() { # wait_ready URL [PATH]: polls URL+PATH (default /health/ready) for up to a minute
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$1${2:-/health/ready}" && return 0
    sleep 0.2
  done
  echo "bench: $1 did not become ready" >&2; return 1
}

bench_build() { # bench_build LOG: the service and the load tool, Release
  echo "bench: building (Release)" >&2
  dotnet build src/Api/Api.csproj -c Release -v quiet -nologo > "$1"
  dotnet build tools/LoadTest/LoadTest.csproj -c Release -v quiet -nologo >> "$1"
}

bench_build_sqlpeer() { # bench_build_sqlpeer LOG: the stateless SQL peer of bench/run.sh (bench/sqlpeer), Release
  dotnet build bench/sqlpeer/SqlPeer.csproj -c Release -v quiet -nologo >> "$1"
}

bench_wrk() { # bench_wrk: makes sure wrk (the independent HTTP driver of bench/run.sh) is installed
  command -v wrk > /dev/null && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench: wrk is not installed; as root: apt-get install -y wrk" >&2
    return 1
  fi
  echo "bench: installing wrk (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -q > /dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk > /dev/null
  command -v wrk > /dev/null
}

bench_auth() { # bench_auth API_DLL
  # Authentication is on, as in production: one signing key for the run, and one admin token for the load tool
  # and curl (seeding and imports write the catalogue, which is admin's). A benchmark is a single principal at
  # thousands of requests per second, so that role's rate limit is raised; the limiter still runs on every request.
  Warranty__Auth__SigningKey="$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')"
  export Warranty__Auth__SigningKey
  export Warranty__RateLimits__AdminPerSecond=1000000
  WARRANTY_TOKEN="$(dotnet "$1" dev-token admin)"
  export WARRANTY_TOKEN
}
