#!/usr/bin/env bash
# Is a .NET team's CI faster with the package, and by how much? A real multi-project solution
# (eng/lib/nuget-solution.sh: five projects and a test project, popular packages, ~600 MB restored)
# built the way CI builds it, every time on a "new machine" (an empty NuGet packages folder and HTTP
# cache, no bin/obj), in three set-ups, in paired rounds whose order rotates:
#   without    `dotnet build`: NuGet downloads every package from the feed
#   sdk        the package's SDK form (global.json msbuild-sdks + the two Directory.Build imports), the
#              github/actions backend: the NuGet cache is restored before NuGet restore, then the build
#   official   the official recipe: @actions/cache (eng/official-cache.mjs) restores the NuGet folder
#              under a key hashed from the same project files, then `dotnet build`
# Second CI runs: the store is warm (each set-up saved once before the timed rounds). First CI runs:
# `without` against `sdk` with an empty store (a key no round used: a miss, the downloads, the build
# and the save). The cache service is the emulator (tests/Atmos.Cache.Emulator, --direct-blobs) over
# Azurite, both on this machine. Prints per row the median wall time, process and machine CPU, and
# the paired ratios; the figures go in docs/performance.md.
# Both NuGet's feed and the cache store are a loopback hop away here, which no CI runner has: by
# default every byte of both goes through one shaped link (eng/lib/shaped-link.mjs) with a hosted
# runner's bandwidth and latency, the same for all three set-ups (NuGet through HTTPS_PROXY, the
# cache's blobs through a forwarder in front of Azurite).
#
# usage: eng/bench-nuget.sh [--runs N] [--first-runs N] [--work DIR] [--keep]
#   --runs N        timed second-run rounds (default 4)
#   --first-runs N  timed first-run pairs (default 2; 0 skips them)
#   --work DIR      where the solutions and run folders go (default: <temp>/atmos-bench-nuget)
#   --link R,L      the link: R MB/s each way, L ms one-way latency (default 60,10: the 50-90 MB/s
#                   hosted runners see from the cache store, actions/cache#928 and #944); "none"
#                   for the bare loopback
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/portable.sh
source "$repo/eng/lib/portable.sh"
runs=4
first_runs=2
keep=0
work="$(dirname "$(mktemp -u)")/atmos-bench-nuget"
link="60,10"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --first-runs) first_runs="$2"; shift ;;
    --work) work="$2"; shift ;;
    --keep) keep=1 ;;
    --link) link="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[bench-nuget %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off
unset ATMOS_CI_CACHE_BACKEND ATMOS_CI_CACHE_ENABLED ATMOS_CI_CACHE_ROOT NUGET_PACKAGES || true

missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v zstd >/dev/null || missing+=(zstd)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
bash "$repo/eng/install-actions-cache.sh" >/dev/null

rm -rf "$work"
mkdir -p "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ "$keep" = 1 ] || rm -rf "$work/runs"
}
trap cleanup EXIT
# shellcheck source=eng/lib/github-services.sh
source "$repo/eng/lib/github-services.sh"

# --- the package and the two copies of the solution ----------------------------------------------
version="0.0.0-bench.$(date +%s)"
log "packing Atmos.Cache.Build $version"
dotnet pack "$repo/src/Atmos.Cache.Build" -c Release -o "$work/feed" -p:Version="$version" \
  --artifacts-path "$work/artifacts" -nodeReuse:false -m:1 -v:q >/dev/null

bash "$repo/eng/lib/nuget-solution.sh" "$work/plain"
bash "$repo/eng/lib/nuget-solution.sh" "$work/sdk"
solution="$(basename "$(ls "$work/plain"/*.slnx)")"
cat > "$work/sdk/global.json" <<JSON
{ "msbuild-sdks": { "Atmos.Cache.Build": "$version" } }
JSON
cat > "$work/sdk/nuget.config" <<XML
<configuration>
  <packageSources>
    <add key="atmos" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > "$work/sdk/Directory.Build.props" <<'XML'
<Project>
  <Import Project="Sdk.props" Sdk="Atmos.Cache.Build" />
</Project>
XML
cat > "$work/sdk/Directory.Build.targets" <<'XML'
<Project>
  <Import Project="Sdk.targets" Sdk="Atmos.Cache.Build" />
</Project>
XML
# The official recipe's key, as a workflow writes it: hashFiles('**/*.csproj').
official_key="nuget-official-$(cd "$work/plain" && find . -name '*.csproj' | LC_ALL=C sort | xargs cat | sha256_hex | cut -c1-16)"

proxy_env=()
if [ "$link" != none ]; then
  link_port="$(free_port)"
  # Called by start_github_services once Azurite listens: the link goes in front of it, and serves
  # NuGet's feed as an HTTPS proxy.
  azurite_front() {
    azurite_front_port="$(free_port)"
    mkdir -p "$work/services"
    node "$repo/eng/lib/shaped-link.mjs" --rate "${link%,*}" --latency-ms "${link#*,}" \
      --connect "$link_port" --forward "$azurite_front_port=127.0.0.1:$1" >"$work/services/link.log" 2>&1 &
    pids+=($!)
    wait_for_port "$azurite_front_port" "the shaped link"
    log "the shaped link: $(head -n 1 "$work/services/link.log")"
  }
  # NO_PROXY: the cache store's URLs are on 127.0.0.1 and reach the link through its forwarder
  # (the Azure SDK in @actions/cache would otherwise send plain-HTTP requests to the CONNECT proxy).
  proxy_env=(HTTPS_PROXY="http://127.0.0.1:$link_port" NO_PROXY=127.0.0.1,localhost)
fi
log "starting Azurite and the cache service emulator"
start_github_services "$work/services" --direct-blobs

# --- measuring -------------------------------------------------------------------------------------
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
ticks_per_s=$(getconf CLK_TCK)
results="$work/results.tsv"
: > "$results"

# A new machine: an empty NuGet folder and HTTP cache, no build output in either solution copy.
new_machine() {
  run="$work/runs/$1"
  rm -rf "$run" "$work"/{plain,sdk}/{src,tests}/*/{bin,obj}
  mkdir -p "$run"
}

# measure CASE ROUND SOLUTION -- command...  (the command runs in the solution folder)
measure() {
  local name="$1" round="$2" folder="$3"
  shift 4
  sync
  local before
  before=$(busy_ticks)
  if ! (cd "$folder" && exec env $(cat "$work/services/github.env") "${proxy_env[@]}" NUGET_PACKAGES="$run/packages" NUGET_HTTP_CACHE_PATH="$run/http" \
        /usr/bin/time -f '%e %U %S' -o "$run/time.txt" "$@") > "$run/build.log" 2>&1; then
    log "FAILED: $name (round $round)"; tail -n 30 "$run/build.log" >&2; exit 1
  fi
  local wall user sys machine load
  read -r wall user sys < <(tail -n 1 "$run/time.txt")
  machine=$(awk -v a="$before" -v b="$(busy_ticks)" -v t="$ticks_per_s" 'BEGIN { printf "%.2f", (b - a) / t }')
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf '  %-18s r%s %7.2fs  CPU s: process %6.2f, machine %6.2f  (load %s)\n' "$name" "$round" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$machine" "$load" >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$machine" "$load" >> "$results"
}

build() { dotnet build "$solution" -nodeReuse:false -v:m; }

second_run() { # CASE ROUND
  new_machine "$1-$2"
  case "$1" in
    without) measure "second without" "$2" "$work/plain" -- dotnet build "$solution" -nodeReuse:false -v:m ;;
    sdk)
      measure "second sdk" "$2" "$work/sdk" -- dotnet build "$solution" -nodeReuse:false -v:m
      grep -q "Atmos cache \[nuget\]: restored .*(exact hit)" "$run/build.log" || { log "the sdk run $2 was not an exact hit"; tail -n 30 "$run/build.log" >&2; exit 1; } ;;
    official)
      measure "second official" "$2" "$work/plain" -- bash -c \
        "node '$repo/eng/official-cache.mjs' restore '$run' packages '$official_key' && dotnet build '$solution' -nodeReuse:false -v:m" ;;
  esac
}

# --- warm the store: each set-up's first run saves what the second runs restore ---------------------
log "warming: the sdk form saves the NuGet cache"
new_machine warm-sdk
measure "warm sdk" 0 "$work/sdk" -- dotnet build "$solution" -nodeReuse:false -v:m
grep -q "Atmos cache \[nuget\]: saved" "$run/build.log" || { log "the warm-up did not save"; tail -n 30 "$run/build.log" >&2; exit 1; }
grep -h "Atmos cache \[nuget\]" "$run/build.log" | sed 's/^ */  /' >&2
log "warming: the official client saves the NuGet folder after a plain build"
new_machine warm-official
measure "warm official" 0 "$work/plain" -- bash -c \
  "dotnet build '$solution' -nodeReuse:false -v:m && node '$repo/eng/official-cache.mjs' save '$run' packages '$official_key'"
du -sh "$run/packages" | sed 's/^/  packages folder: /' >&2

# --- second CI runs --------------------------------------------------------------------------------
cases=(without sdk official)
for round in $(seq 1 "$runs"); do
  log "second-run round $round of $runs"
  for i in 0 1 2; do
    second_run "${cases[$(( (i + round) % 3 ))]}" "$round"
  done
done

# --- restoring over a folder that already holds the packages (a self-hosted runner) ---------------
# The cache's own restore time (from its summary line) into an empty folder, and over the folder a
# previous run left (its state marker removed, so the key is not taken as already restored there).
restore_seconds() { grep -o "Atmos cache \[nuget\]: restored .* archive, [0-9.]* s" "$run/build.log" | grep -o "[0-9.]* s$" | cut -d' ' -f1; }
for round in $(seq 1 "$runs"); do
  new_machine "into-empty-$round"
  measure "restore into empty" "$round" "$work/sdk" -- dotnet restore "$solution" -nodeReuse:false -v:m
  empty_s=$(restore_seconds)
  rm -rf "$run/packages/.atmos-cache"
  rm -rf "$work/sdk"/{src,tests}/*/obj
  measure "restore over full" "$round" "$work/sdk" -- dotnet restore "$solution" -nodeReuse:false -v:m
  full_s=$(restore_seconds)
  printf 'cache restore\t%s\t%s\t%s\n' "$round" "$empty_s" "$full_s" >> "$work/merge.tsv"
  log "  the cache's restore: into an empty folder ${empty_s} s, over the full folder ${full_s} s"
done

# --- first CI runs (empty store) -------------------------------------------------------------------
for round in $(seq 1 "$first_runs"); do
  log "first-run round $round of $first_runs"
  order=(without sdk)
  [ $((round % 2)) = 0 ] && order=(sdk without)
  for case in "${order[@]}"; do
    new_machine "first-$case-$round"
    if [ "$case" = without ]; then
      measure "first without" "$round" "$work/plain" -- dotnet build "$solution" -nodeReuse:false -v:m
    else
      ATMOS_CI_CACHE_NUGET_KEY="nuget-bench-first-$round-$(date +%s)" measure "first sdk" "$round" "$work/sdk" -- dotnet build "$solution" -nodeReuse:false -v:m
      grep -q "Atmos cache \[nuget\]: saved" "$run/build.log" || { log "the first sdk run did not save"; tail -n 30 "$run/build.log" >&2; exit 1; }
    fi
  done
done

# --- report ----------------------------------------------------------------------------------------
{
  echo "Solution: eng/lib/nuget-solution.sh ($(find "$work/plain" -name '*.csproj' | wc -l) projects); packages folder $(du -sm "$work/runs/warm-official/packages" 2>/dev/null | cut -f1) MB"
  echo "Link: $( [ "$link" = none ] && echo "the bare loopback" || echo "${link%,*} MB/s each way, ${link#*,} ms one way, for NuGet's feed and the cache store")"
  echo "$runs second-run rounds, $first_runs first-run pairs; $(cpu_count) cores, $(uname -r); load average (1 min) per row: $(awk -F'\t' '{ print $6 }' "$results" | sort -n | awk '{ a[NR] = $1 } END { printf "%s-%s, median %s", a[1], a[NR], a[int((NR + 1) / 2)] }')"
  echo
  echo "| Row | Wall s median (min-max) | CPU s median: process / machine | Paired wall ratio (median, min-max) |"
  echo "|---|---|---|---|"
  awk -F'\t' -f "$repo/eng/lib/stats.awk" -f /dev/stdin "$results" <<'AWK'
    function ratio(a, b,   r, list) { list = ""; for (r in rounds) if ((a, r) in wall && (b, r) in wall) list = list " " wall[a, r] / wall[b, r]; return list == "" ? "" : sprintf("**%.2f** (%s)", median(list), minmax(list)) }
    $2 > 0 { wall[$1, $2] = $3; walls[$1] = walls[$1] " " $3; proc[$1] = proc[$1] " " $4; mach[$1] = mach[$1] " " $5; rounds[$2] = 1 }
    END {
      n = split("second without|second official|second sdk|first without|first sdk", rows, "|")
      for (i = 1; i <= n; i++) {
        name = rows[i]; if (!(name in walls)) continue
        note = ""
        if (name == "second sdk") note = "vs without " ratio(name, "second without") "; vs official " ratio(name, "second official")
        if (name == "second official") note = "vs without " ratio(name, "second without")
        if (name == "first sdk") note = "vs without " ratio(name, "first without")
        printf "| %s | %.2f (%s) | %.2f / %.2f | %s |\n", name, median(walls[name]), minmax(walls[name]), median(proc[name]), median(mach[name]), note
      }
    }
AWK
  echo
  [ -f "$work/merge.tsv" ] && awk -F'\t' -f "$repo/eng/lib/stats.awk" -f /dev/stdin "$work/merge.tsv" <<'AWK'
    { empty = empty " " $3; full = full " " $4; ratios = ratios " " ($3 > 0 ? $4 / $3 : 0) }
    END { if (NR) printf "The NuGet cache's own restore (its summary line), median of %d: into an empty folder %.2f s, over a folder that holds the packages %.2f s; paired ratio **%.2f**\n", NR, median(empty), median(full), median(ratios) }
AWK
} | tee "$work/report.md"
log "report: $work/report.md"
