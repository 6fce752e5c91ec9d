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
