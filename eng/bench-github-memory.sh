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

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_for_port() { # $1 = port, $2 = what
  for _ in $(seq 1 300); do
    (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$2 did not listen on port $1" >&2
  exit 1
}

# ---- Azurite and the emulator ----
bash "$repo/eng/install-azurite.sh" >/dev/null
azurite_port="$(free_port)"
node "$repo/.tools/azurite/node_modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$azurite_port" \
  --location "$work/azurite" --skipApiVersionCheck --loose --silent >"$work/azurite.log" 2>&1 &
pids+=($!)
wait_for_port "$azurite_port" Azurite

echo "building the emulator and packing Atmos.Cache.Build $version ..."
dotnet build "$repo/tests/Atmos.Cache.Emulator" -c Release -nodeReuse:false -v:q >/dev/null
dotnet pack "$repo/src/Atmos.Cache.Build" -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false -v:q >/dev/null
emulator_port="$(free_port)"
dotnet "$repo/tests/Atmos.Cache.Emulator/bin/Release/net10.0/Atmos.Cache.Emulator.dll" \
  --azurite "http://127.0.0.1:$azurite_port/devstoreaccount1" --port "$emulator_port" >"$work/emulator.log" 2>&1 &
pids+=($!)
wait_for_port "$emulator_port" "the emulator"
for _ in $(seq 1 100); do grep -q '^GITHUB_REPOSITORY=' "$work/emulator.log" && break; sleep 0.1; done
# The runner's variables, as the emulator printed them (its own throw-away tokens).
runner_env=()
while IFS= read -r line; do runner_env+=("$line"); done < <(grep -E '^(GITHUB_ACTIONS|ACTIONS_RESULTS_URL|ACTIONS_RUNTIME_TOKEN|GITHUB_API_URL|GITHUB_TOKEN|GITHUB_REPOSITORY)=' "$work/emulator.log")
[ "${#runner_env[@]}" -eq 6 ] || { echo "the emulator did not print its environment" >&2; cat "$work/emulator.log" >&2; exit 1; }

# The workspace and the three measured builds: eng/lib/memory-bench.sh.
bench_verbosity=n
# shellcheck source=lib/memory-bench.sh
source "$repo/eng/lib/memory-bench.sh"

echo
grep -h "Atmos cache: " "$work/save.log" "$work/restore.log" | sed 's/^ */  /'
echo
printf '%-34s %8s %12s\n' "peak RSS of the MSBuild process" "MB" "vs uncached"
printf '%-34s %8d %12s\n' "uncached (AtmosCacheEnabled=false)" "$uncached" "-"
printf '%-34s %8d %+12d\n' "cached: save ($size_mib MiB)" "$save" "$((save - uncached))"
printf '%-34s %8d %+12d\n' "cached: restore ($size_mib MiB)" "$restore" "$((restore - uncached))"
worst=$(( (save > restore ? save : restore) - uncached ))
if [ "$worst" -le "$goal_mb" ]; then
  echo "goal met: at most $goal_mb MB above the uncached build (worst: $worst MB)"
else
  echo "goal missed: $worst MB above the uncached build (goal: $goal_mb MB)"
  exit 2
fi
