#!/usr/bin/env bash
# Builds and runs every test project in Warranty.sln once (Release), then prints one final line,
# summed over all projects:  "N passed, N failed, N skipped".
# Exits non-zero if the build failed or any test failed. Extra arguments go to `dotnet test`
# (e.g. ./test.sh --filter "FullyQualifiedName~Storage").
# PostgreSQL: the tests start their own server from the machine's binaries, or use
# WARRANTY_TEST_PG (a Npgsql connection string) when it is set.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results="$(mktemp -d "${TMPDIR:-/tmp}/warranty-test-results.XXXXXX")"
trap 'rm -rf "$results"' EXIT

# The contract tests (ContractLintTests) run the OpenAPI linters pinned in tools/contract: installed once, from the
# lockfile, when missing.
if [ ! -x tools/contract/node_modules/.bin/redocly ] || [ ! -x tools/contract/node_modules/.bin/spectral ]; then
  npm ci --prefix tools/contract --no-audit --no-fund --loglevel=error > /dev/null
fi

status=0
dotnet test Warranty.sln -c Release \
  --logger "trx;LogFilePrefix=results" \
  --results-directory "$results" \
  --blame-hang-timeout 10m --blame-hang-dump-type none \
  "$@" || status=$?

# One .trx per test project; its <Counters> element holds that project's totals.
counter() { # counter NAME COUNTERS-ELEMENT
  local value
  value="$(printf '%s' "$2" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p")"
  echo "${value:-0}"
}

passed=0 failed=0 skipped=0 reports=0
shopt -s nullglob
for trx in "$results"/*.trx "$results"/*/*.trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
  [ -n "$counters" ] || continue
  reports=$((reports + 1))
  passed=$((passed + $(counter passed "$counters")))
  failed=$((failed + $(counter failed "$counters") + $(counter error "$counters") + $(counter timeout "$counters") + $(counter aborted "$counters")))
  # Skipped tests are counted in "total" but not in "executed".
  skipped=$((skipped + $(counter total "$counters") - $(counter executed "$counters")))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  if [ "$reports" -eq 0 ]; then
    echo "test.sh: the build failed or no test project ran (dotnet test exited with $status)" >&2
  else
    echo "test.sh: dotnet test exited with $status (a project failed to build, or a test host crashed or hung; see above)" >&2
  fi
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"

if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$reports" -eq 0 ]; then
  exit 1
fi
