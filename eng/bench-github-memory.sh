#!/usr/bin/env bash
# Peak memory of `dotnet build` with the github/actions backend moving a large cache, against the
# same build without the cache. Starts Azurite and the cache service emulator, packs the package,
# and builds a one-project workspace whose build writes <size> MiB of random (incompressible) data
# into the cache root. Measures the peak RSS (VmHWM, polled from /proc) of the MSBuild process
# (the `dotnet build` process itself: one project, -m:1, so every task runs in it) for:
#   uncached  AtmosCacheEnabled=false: the build writes the data, nothing else
#   save      the build writes the data, restores (miss) and saves it
#   restore   a fresh root: the build restores the data (exact hit) and skips the save
# Goal: save and restore at most 150 MB above uncached.
#   usage: eng/bench-github-memory.sh [size-MiB]   (default 300; Linux only)
#   zstd archives (a 64 MiB decoder window): ATMOS_CI_CACHE_COMPRESSION=zstd eng/bench-github-memory.sh [size-MiB]
set -euo pipefail
size_mib="${1:-300}"
goal_mb=150
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/atmos-bench-gh-XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off
export NUGET_PACKAGES="$work/packages"
unset ATMOS_CI_CACHE_BACKEND ATMOS_CI_CACHE_ENABLED ATMOS_CI_CACHE_ROOT || true
version="0.0.0-bench.$(date +%Y%m%d%H%M%S)"

# ---- Azurite and the emulator (through its blob proxy) ----
# shellcheck source=lib/github-services.sh
source "$repo/eng/lib/github-services.sh"
start_github_services "$work"
mapfile -t runner_env < "$work/github.env"

echo "packing Atmos.Cache.Build $version ..."
dotnet pack "$repo/src/Atmos.Cache.Build" -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false -v:q >/dev/null

# The workspace and the three measured builds: eng/lib/memory-bench.sh.
bench_verbosity=n
# shellcheck source=lib/memory-bench.sh
source "$repo/eng/lib/memory-bench.sh"

echo
grep -h "Atmos cache \[[a-z]*\]: \(saved\|restored\)" "$work/save.log" "$work/restore.log" | sed 's/^ */  /' | sort -u
echo
memory_verdict
