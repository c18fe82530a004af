#!/usr/bin/env bash
# The product against the official GitHub cache client, whole processes in alternating rounds:
#   official   `node eng/official-cache.mjs save|restore` driving @actions/cache (pinned, see
#              eng/install-actions-cache.sh): tar + zstd -T0 --long=30, as actions/cache does
#   gzip/zstd  `dotnet build -t:SaveCiCache|RestoreCiCache` of a one-file project referencing the
#              package (packed from this checkout), AtmosCacheCompression=gzip (the default) / zstd
#   msbuild only  `dotnet build -t:BenchNothing` (an empty target) of the same project: the fixed
#              cost of a build step, which the product's rows include
# both through the cache service emulator (tests/Atmos.Cache.Emulator, --direct-blobs: signed URLs
# point straight at Azurite) and Azurite, on the same corpus. Each round saves with all three, then
# restores each into a fresh folder; the order alternates between rounds. Prints, per corpus and
# case, the median wall time, peak RSS and CPU (process, services, machine), and the paired ratios
# product / official of wall time, of machine CPU (every core's busy time: meaningful on a quiet
# machine only) and of the rows' own CPU (the measured process tree plus Azurite and the emulator,
# which other work on the machine disturbs much less), median over rounds, with the load average.
# See docs/performance.md.
#
# usage: eng/bench-official.sh [--quick] [--runs N] [--corpora "dotnet nuget"] [--corpus DIR] [--keep] [--work DIR] [--transfer "SPEC|SPEC..."]
#   --quick      every 10th file of each corpus (~64 MB of the .NET folder), 2 rounds
#   --runs N     timed rounds (default 5); one untimed warm-up round comes first
#   --corpora L  the corpora, one after the other (default "dotnet nuget"): dotnet, a copy of the
#                .NET folder; nuget, a NuGet global packages folder restored from a real solution
#                (eng/lib/nuget-corpus.sh); both kept under --work between runs
#   --corpus DIR one folder to cache instead of the corpora
#   --keep       keep this run's folders (default: restored trees are deleted at the end)
#   --work DIR   where corpora (kept between runs) and run folders go (default: <temp>/atmos-bench)
#   --no-wait    do not wait for a recent mass delete to age (as eng/bench.sh; see docs/performance.md)
#   --transfer   instead of the official client: transfer settings side by side, each SPEC a
#                comma-separated Name=Value list of TransferSettings (SingleShotLimit, BlockSize,
#                UploadParallelism, RangeSize, DownloadParallelism; empty = the defaults), run as
#                the engine's own save/restore gzip process (bench/Atmos.Cache.Bench, ATMOS_BENCH_TRANSFER)
#                in alternating rounds; ratios are against the first SPEC.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/portable.sh
source "$repo/eng/lib/portable.sh"
runs=5
quick=0
keep=0
wait_for_delete=1
corpus=""
corpora="dotnet nuget"
transfer=""
work="$(dirname "$(mktemp -u)")/atmos-bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; runs=2 ;;
    --runs) runs="$2"; shift ;;
    --corpus) corpus="$2"; shift ;;
    --corpora) corpora="$2"; shift ;;
    --keep) keep=1 ;;
    --no-wait) wait_for_delete=0 ;;
    --work) work="$2"; shift ;;
    --transfer) transfer="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[bench-official %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off
unset ATMOS_CI_CACHE_BACKEND ATMOS_CI_CACHE_ENABLED ATMOS_CI_CACHE_ROOT || true

# --- tools ---------------------------------------------------------------------------------------
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v zstd >/dev/null || missing+=(zstd)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
bash "$repo/eng/install-actions-cache.sh" >/dev/null

# --- corpora (kept between runs) -----------------------------------------------------------------
mkdir -p "$work/corpora"
dotnet_root="$(dirname "$(real_path "$(command -v dotnet)")")"
[ -d /usr/share/dotnet/sdk ] && dotnet_root=/usr/share/dotnet
# prepare_corpus NAME|DIR: prints the folder to cache (with --quick, every 10th file of it).
prepare_corpus() {
  local dir
  case "$1" in
    dotnet)
      dir="$work/corpora/dotnet"
      if [ ! -d "$dir" ]; then
        log "corpus: copying $dotnet_root"
        cp -a "$dotnet_root" "$dir.partial" && mv "$dir.partial" "$dir"
      fi ;;
    nuget)
      dir="$work/corpora/nuget"
      bash "$repo/eng/lib/nuget-corpus.sh" "$dir" ;;
    *) dir="$1" ;;
  esac
  if [ "$quick" = 1 ]; then
    local sub="$dir-quick"
    if [ ! -d "$sub" ]; then
      mkdir -p "$sub.partial"
      (cd "$dir" && find . -type f | sort | awk 'NR % 10 == 0') > "$sub.list"
      tar -C "$dir" -cf - -T "$sub.list" | tar -C "$sub.partial" -xf -
      mv "$sub.partial" "$sub"
    fi
    dir="$sub"
  fi
  (cd "$dir" && pwd)
}
corpus_dirs=()
if [ -n "$corpus" ]; then
  corpus_dirs=("$(prepare_corpus "$corpus")")
else
  for name in $corpora; do corpus_dirs+=("$(prepare_corpus "$name")"); done
fi
# Every round keeps its three restored trees to the end (deleting them mid-run would slow the next
# rounds' file creation, see below) and Azurite its three archives: refuse a run the disk cannot hold.
need=0
for dir in "${corpus_dirs[@]}"; do need=$(( need + (runs + 1) * 42 * $(tree_bytes "$dir") / 10 )); done
avail=$(( $(df -Pk "$work" | awk 'NR == 2 { print $4 }') * 1024 ))
if [ "$avail" -lt "$need" ]; then
  log "this run needs about $((need >> 30)) GiB free under $work and there are $((avail >> 30)) GiB: use fewer --runs, or one corpus at a time (--corpora)"
  exit 1
fi

# use_corpus DIR: the corpus the rows below cache.
use_corpus() {
  corpus="$1"
  corpus_parent="$(dirname "$corpus")"
  corpus_name="$(basename "$corpus")"
  content_mb=$(awk -v b="$(tree_bytes "$corpus")" 'BEGIN { printf "%.1f", b / 1e6 }')
  corpus_files=$(find "$corpus" -type f | wc -l)
  results="$run/results-$corpus_name.tsv"
  : > "$results"
}

# Creating files soon after deleting many is much slower on some file systems (see eng/bench.sh).
if [ "$wait_for_delete" = 1 ] && [ -f "$work/last-cleanup" ]; then
  age=$(( $(date +%s) - $(cat "$work/last-cleanup") ))
  if [ "$age" -lt 400 ]; then
    log "the previous run deleted its trees ${age}s ago; waiting $((400 - age))s (--no-wait skips)"
    sleep $((400 - age))
  fi
fi

run="$work/official-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$run/x" "$run/tmp"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$keep" = 0 ]; then
    log "deleting this run's folders"
    rm -rf "$run/x" "$run/azurite" "$run/tmp" "$run/feed" "$run/packages" "$run/ws"
    date +%s > "$work/last-cleanup"
  fi
}
trap cleanup EXIT

# --- Azurite, the emulator, the package and a one-project workspace ------------------------------
log "starting Azurite and the emulator, packing the package"
# shellcheck source=lib/github-services.sh
source "$repo/eng/lib/github-services.sh"
version="0.0.0-bench.$(date +%Y%m%d%H%M%S)"
dotnet pack "$repo/src/Atmos.Cache.Build" -c Release -o "$run/feed" -p:Version="$version" -nodeReuse:false -v:q -nologo >/dev/null

# Signed URLs point straight at Azurite (--direct-blobs), as real ones point at Azure storage.
start_github_services "$run" --direct-blobs
echo "RUNNER_TEMP=$run/tmp" >> "$run/github.env"

ws="$run/ws"
mkdir -p "$ws/Bench"
cat > "$ws/nuget.config" <<XML
<configuration><packageSources><clear /><add key="bench" value="$run/feed" /></packageSources></configuration>
XML
cat > "$ws/Directory.Packages.props" <<'XML'
<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>
XML
cat > "$ws/Bench/Bench.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageReference Include="Atmos.Cache.Build" Version="$version" PrivateAssets="all" /></ItemGroup>
  <!-- The fixed cost of a build step: MSBuild starting and evaluating the project with the package. -->
  <Target Name="BenchNothing" />
</Project>
XML
echo "namespace Bench; public static class C { }" > "$ws/Bench/C.cs"
(cd "$ws" && NUGET_PACKAGES="$run/packages" dotnet restore Bench/Bench.csproj -nodeReuse:false -v:q >/dev/null)

# --- measuring -----------------------------------------------------------------------------------

# Busy CPU time of the whole machine so far, in clock ticks (user, nice, system, irq, softirq, steal):
# the delta over a row is what every process of it used (the build, Azurite, the emulator), so
# delta / cores is the shortest wall time that work allows on this machine.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
# CPU ticks (user + system) Azurite and the emulator used so far: the service's share of a row,
# which on a real runner is spent on GitHub's machines, not on the runner's cores.
service_ticks() { local t=0 pid; for pid in "${pids[@]}"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
ticks_per_s=$(getconf CLK_TCK)

# measure CASE ROUND -- command...   (round 0 = warm-up, not kept)
measure() {
  local name="$1" round="$2"
  shift 3
  sync
  local busy_before service_before
  busy_before=$(busy_ticks)
  service_before=$(service_ticks)
  if ! (cd "$ws" && exec env $(cat "$run/github.env") NUGET_PACKAGES="$run/packages" /usr/bin/time -f '%e %M %U %S' -o "$run/time.txt" "$@") > "$run/last.log" 2>&1 \
     || grep -q "warning ATMOSCACHE\|error ATMOSCACHE" "$run/last.log"; then
    log "FAILED: $name (round $round)"; tail -n 30 "$run/last.log" >&2; exit 1
  fi
  local wall rss user sys load cpu service process
  cpu=$(awk -v a="$busy_before" -v b="$(busy_ticks)" -v t="$ticks_per_s" 'BEGIN { printf "%.2f", (b - a) / t }')
  service=$(awk -v a="$service_before" -v b="$(service_ticks)" -v t="$ticks_per_s" 'BEGIN { printf "%.2f", (b - a) / t }')
  read -r wall rss user sys < <(tail -n 1 "$run/time.txt")
  process=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf '  %-16s r%s %6.2fs %5d MiB  CPU s: process %5.2f, services %5.2f, machine %5.2f  (load %s)\n' \
    "$name" "$round" "$wall" $((rss / 1024)) "$process" "$service" "$cpu" "$load" >&2
  if [ "$round" -gt 0 ]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$wall" "$rss" "$load" "$cpu" "$process" "$service" >> "$results"
  fi
}

official() { # save|restore ROUND WORKSPACE KEY
  measure "$1 official" "$2" -- node "$repo/eng/official-cache.mjs" "$1" "$3" "$corpus_name" "$4"
}
# The root gets a trailing slash: the dotnet CLI mangles a `-p:` value that ends in "/dotnet"
# (the corpus's folder name) into a second project argument.
product() { # save|restore gzip|zstd ROUND ROOT KEY
  local target=SaveCiCache
  [ "$1" = restore ] && target=RestoreCiCache
  measure "$1 $2" "$3" -- dotnet build Bench/Bench.csproj --no-restore -nodeReuse:false -v:n "-t:$target" \
    "-p:AtmosCacheRoot=$4/" "-p:AtmosCacheKey=$5" "-p:AtmosCacheCompression=$2"
  if [ "$1" = restore ] && ! grep -q "exact hit" "$run/last.log"; then
    log "the $2 restore (round $3) did not hit"; tail -n 30 "$run/last.log" >&2; exit 1
  fi
}

if [ -n "$transfer" ]; then
  use_corpus "${corpus_dirs[0]}"
  log "building the bench (Release)"
  bench_out="$repo/bench/Atmos.Cache.Bench/bin/Release/published"
  dotnet publish "$repo/bench/Atmos.Cache.Bench" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$bench_out" -nodeReuse:false -v:q -nologo >/dev/null
  IFS='|' read -r -a specs <<< "$transfer"
  log "corpus: $corpus ($content_mb MB); transfer settings: ${specs[*]}; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  for round in $(seq 0 "$runs"); do
    log "round $round of $runs (load $(cut -d' ' -f1 /proc/loadavg))"
    order=("${!specs[@]}")
    [ $((round % 2)) = 1 ] && order=($(printf '%s\n' "${order[@]}" | reverse_lines))
    for i in "${order[@]}"; do
      k="bench-$$-r$round-t$i"
      measure "save t$i" "$round" -- env ATMOS_BENCH_TRANSFER="${specs[$i]}" "$bench_out/Atmos.Cache.Bench" save "$corpus" github "$k" gzip
    done
    for i in "${order[@]}"; do
      k="bench-$$-r$round-t$i"
      measure "restore t$i" "$round" -- env ATMOS_BENCH_TRANSFER="${specs[$i]}" "$bench_out/Atmos.Cache.Bench" restore "$run/x/r$round-t$i" github "$k" gzip
    done
  done
  {
    echo "Corpus: $corpus_name ($content_mb MB of file content); $runs paired rounds; $(cpu_count) cores; engine process save/restore gzip through the emulator (--direct-blobs) and Azurite"
    echo "Load average (1 min) per row: $(awk -F'\t' '{ print $5 }' "$results" | sort -n | awk '{ a[NR] = $1 } END { printf "%s-%s, median %s", a[1], a[NR], a[int((NR + 1) / 2)] }')"
    echo
    for i in "${!specs[@]}"; do echo "- t$i: ${specs[$i]:-defaults}"; done
    echo
    echo "| Case | Wall s median (min-max) | Peak RSS MiB median | Paired ratio vs t0 (median, min-max) |"
    echo "|---|---|---|---|"
    awk -F'\t' -v n="${#specs[@]}" -f "$repo/eng/lib/stats.awk" -f /dev/stdin "$results" <<'AWK'
      { wall[$1, $2] = $3; walls[$1] = walls[$1] " " $3; rss[$1] = rss[$1] " " int($4 / 1024); rounds[$2] = 1 }
      END {
        for (d = 1; d <= 2; d++) for (i = 0; i < n; i++) {
          name = (d == 1 ? "save" : "restore") " t" i; base = (d == 1 ? "save" : "restore") " t0"; ratios = ""
          if (i > 0) for (r in rounds) if ((name, r) in wall && (base, r) in wall) ratios = ratios " " wall[name, r] / wall[base, r]
          printf "| %s | %.2f (%s) | %d | %s |\n", name, median(walls[name]), minmax(walls[name]), median(rss[name]),
            ratios == "" ? "" : sprintf("**%.2f** (%s)", median(ratios), minmax(ratios))
        }
      }
AWK
  } | tee "$run/report.md"
  log "report: $run/report.md"
  exit 0
fi

bench_corpus() {
  log "corpus: $corpus ($content_mb MB of file content); load: $(cut -d' ' -f1-3 /proc/loadavg); results: $results"
  for round in $(seq 0 "$runs"); do
    log "round $round of $runs (load $(cut -d' ' -f1 /proc/loadavg))"
    k="bench-$$-$corpus_name-r$round"
    x="$run/x/$corpus_name-r$round"
    mkdir -p "$x/official"
    # Alternate who goes first, so a slow phase of the machine does not always hit the same side.
    measure "msbuild only" "$round" -- dotnet build Bench/Bench.csproj --no-restore -nodeReuse:false -v:n -t:BenchNothing
    if [ $((round % 2)) = 0 ]; then
      official save "$round" "$corpus_parent" "$k-official"
      product save gzip "$round" "$corpus" "$k-gzip"
      product save zstd "$round" "$corpus" "$k-zstd"
      official restore "$round" "$x/official" "$k-official"
      product restore gzip "$round" "$x/gzip" "$k-gzip"
      product restore zstd "$round" "$x/zstd" "$k-zstd"
    else
      product save zstd "$round" "$corpus" "$k-zstd"
      product save gzip "$round" "$corpus" "$k-gzip"
      official save "$round" "$corpus_parent" "$k-official"
      product restore zstd "$round" "$x/zstd" "$k-zstd"
      product restore gzip "$round" "$x/gzip" "$k-gzip"
      official restore "$round" "$x/official" "$k-official"
    fi
    # The restored trees must match the corpus (the product's state folder aside).
    for side in official/"$corpus_name" gzip zstd; do
      diff -rq --exclude=.atmos-cache --no-dereference "$corpus" "$x/$side" >/dev/null \
        || { log "the $side restore of round $round differs from the corpus"; exit 1; }
    done
  done
  log "done; load: $(cut -d' ' -f1-3 /proc/loadavg)"

  # --- report ----------------------------------------------------------------------------------------
  {
    echo "Corpus: $corpus_name ($content_mb MB of file content in $corpus_files files); $runs paired rounds; $(cpu_count) cores, $(uname -r)"
    echo "Load average (1 min) per row: $(awk -F'\t' '{ print $5 }' "$results" | sort -n | awk '{ a[NR] = $1 } END { printf "%s-%s, median %s", a[1], a[NR], a[int((NR + 1) / 2)] }')"
    echo
    echo "| Case | Wall s median (min-max) | Peak RSS MiB median | CPU s median: process / services / machine (machine ÷ $(cpu_count) cores) | Paired wall ratio vs official (median, min-max) | Paired machine-CPU ratio vs official (median, min-max) | Paired own-CPU ratio (process + services) vs official (median, min-max) | Paired wall / machine-CPU ratio net of the build step (median) |"
    echo "|---|---|---|---|---|---|---|---|"
    awk -F'\t' -f "$repo/eng/lib/stats.awk" -f "$repo/eng/lib/official-report.awk" cores="$(cpu_count)" "$results"
  } | tee -a "$run/report.md"
}

: > "$run/report.md"
for dir in "${corpus_dirs[@]}"; do
  use_corpus "$dir"
  bench_corpus
  echo | tee -a "$run/report.md"
done
log "report: $run/report.md"
