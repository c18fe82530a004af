#!/usr/bin/env bash
# Benchmarks the cache engine against native tar/gzip/pigz/zstd, one whole process per row, timed
# from outside with /usr/bin/time (wall seconds and peak RSS). See docs/performance.md.
#
# usage: eng/bench.sh [--quick] [--runs N] [--no-github] [--no-scale] [--keep] [--no-wait] [--work DIR]
#   --quick      corpus A is a ~64 MB subset of the .NET folder, 2 rounds, no scale series
#   --runs N     timed rounds per corpus (default 3); one untimed warm-up round comes first (A, B)
#   --no-github  skip save/restore through the github/actions backend (emulator + Azurite)
#   --no-scale   skip the scale series (64 MB / 640 MB / 1.9 GB, plus a one-file root for the fixed cost)
#   --keep       keep this run's archives and extraction folders (default: deleted at the end)
#   --no-wait    do not wait for a recent mass delete to age (see "hazards" below)
#   --work DIR   where corpora (kept between runs) and run folders go (default: <temp>/atmos-bench)
#
# Hazards on a journal-less ext4 (docs/performance.md): creating files soon after deleting many is
# 5-15x slower, so every extraction goes into a fresh folder, nothing is deleted until the end, and a
# run that starts within a few minutes of the previous run's clean-up waits first. Cases run in
# rounds that alternate engine and native rows, and ratios are taken pair by pair (same round).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/portable.sh
source "$repo_root/eng/lib/portable.sh"
runs=3
quick=0
github=1
scale=1
keep=0
wait_for_delete=1
work="$(dirname "$(mktemp -u)")/atmos-bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; runs=2; scale=0 ;;
    --runs) runs="$2"; shift ;;
    --no-github) github=0 ;;
    --no-scale) scale=0 ;;
    --keep) keep=1 ;;
    --no-wait) wait_for_delete=0 ;;
    --work) work="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- tools -------------------------------------------------------------------------------------
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v pigz >/dev/null || missing+=(pigz)
command -v zstd >/dev/null || missing+=(zstd)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet_root="$(dirname "$(real_path "$(command -v dotnet)")")"
[ -d /usr/share/dotnet/sdk ] && dotnet_root=/usr/share/dotnet

log "building the bench (Release)"
# Precompiled (ReadyToRun) like the package's task folders on linux-x64, so the engine runs as it
# does in a build; elsewhere a plain build (the package's other platforms JIT the same IL).
bench_out="$repo_root/bench/Atmos.Cache.Bench/bin/Release/published"
if [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ]; then
  dotnet publish "$repo_root/bench/Atmos.Cache.Bench" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$bench_out" -nodeReuse:false -v:q -nologo >/dev/null
else
  dotnet build "$repo_root/bench/Atmos.Cache.Bench" -c Release -o "$bench_out" -nodeReuse:false -v:q -nologo >/dev/null
fi
bench="$bench_out/Atmos.Cache.Bench"

# --- corpora (kept between runs) -----------------------------------------------------------------
mkdir -p "$work/corpora"
corpora="$work/corpora"
if [ ! -d "$corpora/dotnet" ]; then
  log "corpus A: copying $dotnet_root"
  cp -a "$dotnet_root" "$corpora/dotnet.partial" && mv "$corpora/dotnet.partial" "$corpora/dotnet"
fi
if [ ! -d "$corpora/dotnet-64m" ]; then
  log "corpus A at 64 MB: every 10th file of the copy"
  mkdir -p "$corpora/dotnet-64m.partial"
  # Every 10th file (in path order), with the offset whose total is nearest 64 MB: the same mix of files.
  (cd "$corpora/dotnet" && find . -type f | sort | while IFS= read -r f; do echo "$(file_size "$f") $f"; done | awk '
    { size[NR] = $1; path[NR] = substr($0, index($0, " ") + 1); total[NR % 10] += $1 }
    END { best = 0; for (o = 0; o < 10; o++) if ((total[o] - 64e6)^2 < (total[best] - 64e6)^2) best = o
          for (i = 1; i <= NR; i++) if (i % 10 == best) print path[i] }' > "$corpora/dotnet-64m.list")
  tar -C "$corpora/dotnet" -cf - -T "$corpora/dotnet-64m.list" | tar -C "$corpora/dotnet-64m.partial" -xf -
  mv "$corpora/dotnet-64m.partial" "$corpora/dotnet-64m"
fi
if [ ! -d "$corpora/small-files" ]; then
  log "corpus B: 20,000 small files"
  "$bench" make-small-files "$corpora/small-files.partial" 20000 "$corpora/dotnet" >/dev/null
  mv "$corpora/small-files.partial" "$corpora/small-files"
fi
if [ ! -d "$corpora/one-file" ]; then
  mkdir -p "$corpora/one-file" && echo "one small file" > "$corpora/one-file/file.txt"
fi
if [ "$scale" = 1 ] && [ ! -d "$corpora/dotnet-x3" ]; then
  log "scale corpus: three copies of corpus A"
  mkdir -p "$corpora/dotnet-x3.partial"
  for i in 1 2 3; do cp -a "$corpora/dotnet" "$corpora/dotnet-x3.partial/copy$i"; done
  mv "$corpora/dotnet-x3.partial" "$corpora/dotnet-x3"
fi
if [ "$scale" = 1 ] && [ ! -d "$corpora/dotnet-x9" ]; then
  # Hard links: 5.8 GB of file content for the archiver (it reads every path) at no disk cost.
  log "scale corpus: nine copies of corpus A (hard links)"
  mkdir -p "$corpora/dotnet-x9.partial"
  for i in 1 2 3 4 5 6 7 8 9; do
    cp -al "$corpora/dotnet" "$corpora/dotnet-x9.partial/copy$i"
    rm -rf "$corpora/dotnet-x9.partial/copy$i/.atmos-cache" # corpus A's own saves leave their marker there
  done
  mv "$corpora/dotnet-x9.partial" "$corpora/dotnet-x9"
fi

# %.0f, not %d: mawk's %d stops at 2^31 - 1.
content_bytes() { tree_bytes "$1"; }

# --- wait out a recent mass delete ---------------------------------------------------------------
if [ "$wait_for_delete" = 1 ] && [ -f "$work/last-cleanup" ]; then
  age=$(( $(date +%s) - $(cat "$work/last-cleanup") ))
  if [ "$age" -lt 400 ]; then
    log "the previous run deleted its trees ${age}s ago; waiting $((400 - age))s so file creation is not slowed (--no-wait skips)"
    sleep $((400 - age))
  fi
fi

# Extracted trees stay until the end (see the hazards): about 10 GB per round with the scale series.
need_gb=$(( (runs + 1) * (scale == 1 ? 10 : 5) ))
free_gb=$(df -Pk "$work" | awk 'NR == 2 { printf "%d", $4 / 1048576 }')
if [ "$free_gb" -lt "$need_gb" ]; then
  log "only ${free_gb} GB free under $work; this run needs about ${need_gb} GB (try --runs 2, --no-scale or --quick)"
  exit 1
fi

run="$work/run-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$run/x" "$run/a" "$run/store"
results="$run/results.tsv"
: > "$results"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "$keep" = 0 ]; then
    log "deleting this run's archives and extractions"
    rm -rf "$run/x" "$run/a" "$run/store" "$run/azurite"
    date +%s > "$work/last-cleanup"
  fi
}
trap cleanup EXIT

# --- github/actions backend: Azurite + the cache service emulator --------------------------------
# Signed URLs point straight at Azurite (--direct-blobs), as real ones point at Azure storage: the
# emulator's fault-injecting blob proxy is a test device and would only add a process on the path.
if [ "$github" = 1 ]; then
  # shellcheck source=lib/github-services.sh
  source "$repo_root/eng/lib/github-services.sh"
  start_github_services "$run" --direct-blobs
fi

# --- measuring -----------------------------------------------------------------------------------
# measure CORPUS KIND CASE ROUND INPUT_BYTES OUTPUT_FILE -- command...   (round 0 = warm-up, not kept)
measure() {
  local corpus="$1" kind="$2" name="$3" round="$4" input="$5" output="$6"
  shift 7
  # Untimed: flush what earlier rows left to write back, so no row pays for the one before it
  # (an extraction right after another one was otherwise slowed by the kernel's write-back).
  sync
  if ! /usr/bin/time -f '%e %M' -o "$run/time.txt" "$@" > "$run/last.log" 2>&1; then
    log "FAILED: $name ($corpus, round $round)"; tail -n 20 "$run/last.log" >&2; exit 1
  fi
  local wall rss out_bytes=0 engine
  read -r wall rss < <(tail -n 1 "$run/time.txt")
  engine=$(sed -n 's/^engine-seconds: //p' "$run/last.log" | tail -n 1)
  [ -n "$output" ] && [ -f "$output" ] && out_bytes=$(file_size "$output")
  printf '  %-28s %-24s r%s %6.2fs %5d MiB\n' "$corpus" "$name" "$round" "$wall" $((rss / 1024)) >&2
  if [ "$round" -gt 0 ]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$corpus" "$kind" "$name" "$round" "$wall" "$rss" "$out_bytes" "$input" "$engine" >> "$results"
  fi
}

# One round over a corpus: engine and native rows alternate.
corpus_round() {
  local label="$1" src="$2" round="$3" bytes="$4" id="$5"
  local a="$run/a/$id-r$round" x="$run/x/$id-r$round"
  mkdir -p "$a" "$x"
  measure "$label" native-archive 'tar | gzip -1' "$round" "$bytes" "$a/native.tgz" -- sh -c "tar -C '$src' -cf - . | gzip -1 > '$a/native.tgz'"
  measure "$label" archive 'archive gzip' "$round" "$bytes" "$a/atmos.tgz" -- "$bench" archive "$src" "$a/atmos.tgz" gzip
  # Each end-to-end row right after its step alone, so the pair sees the same machine state.
  local key="bench-$id-r$round-$$"
  measure "$label" save 'save local gzip' "$round" "$bytes" "" -- "$bench" save "$src" "local:$run/store" "$key" gzip
  measure "$label" native-archive 'tar | pigz -1' "$round" "$bytes" "$a/native-pigz.tgz" -- sh -c "tar -C '$src' -cf - . | pigz -1 > '$a/native-pigz.tgz'"
  measure "$label" archive 'archive zstd' "$round" "$bytes" "$a/atmos.tzst" -- "$bench" archive "$src" "$a/atmos.tzst" zstd
  # The same with the managed zstd port only (what runs where the machine has no threaded libzstd).
  measure "$label" archive 'archive zstd, managed port' "$round" "$bytes" "$a/atmos-managed.tzst" -- env ATMOS_CACHE_SYSTEM_ZSTD=0 "$bench" archive "$src" "$a/atmos-managed.tzst" zstd
  rm -f "$a/atmos-managed.tzst"
  measure "$label" native-archive 'tar | zstd -T0 -3' "$round" "$bytes" "$a/native.tzst" -- sh -c "tar -C '$src' -cf - . | zstd -q -T0 -3 > '$a/native.tzst'"
  measure "$label" native-archive 'tar | zstd -T0 -3 --long=30' "$round" "$bytes" "$a/native-long.tzst" -- sh -c "tar -C '$src' -cf - . | zstd -q -T0 -3 --long=30 > '$a/native-long.tzst'"
  rm -f "$a/native-pigz.tgz" "$a/native-long.tzst"
  mkdir "$x/native-gz" "$x/native-zstd"
  measure "$label" native-extract 'tar -xzf' "$round" "$bytes" "" -- tar -xzf "$a/native.tgz" -C "$x/native-gz"
  measure "$label" extract 'extract gzip' "$round" "$bytes" "" -- "$bench" extract "$a/atmos.tgz" "$x/atmos-gz"
  measure "$label" restore 'restore local gzip' "$round" "$bytes" "" -- "$bench" restore "$x/local" "local:$run/store" "$key" gzip
  measure "$label" native-extract 'zstd -dc | tar -x' "$round" "$bytes" "" -- sh -c "zstd -q -dc '$a/native.tzst' | tar -x -C '$x/native-zstd'"
  measure "$label" extract 'extract zstd' "$round" "$bytes" "" -- "$bench" extract "$a/atmos.tzst" "$x/atmos-zstd"
  if [ "$github" = 1 ]; then
    measure "$label" save 'save github gzip' "$round" "$bytes" "" -- env $(cat "$run/github.env") "$bench" save "$src" github "$key-gh" gzip
    measure "$label" restore 'restore github gzip' "$round" "$bytes" "" -- env $(cat "$run/github.env") "$bench" restore "$x/github" github "$key-gh" gzip
  fi
  # Archives are a few big files: deleting them at once costs nothing later (unlike trees).
  rm -rf "$a" "$run/store"/*
}

# The scale series: the engine's default path on one corpus at three sizes, and on a root holding
# one small file, whose time is the fixed cost of a run (process start, JIT, lock, state).
scale_round() {
  local round="$1" label src bytes id
  for spec in "scale fixed cost|$corpora/one-file|s0" "scale 64 MB|$corpora/dotnet-64m|s64" "scale 640 MB|$corpora/dotnet|s640" "scale 1.9 GB|$corpora/dotnet-x3|s1900"; do
    IFS='|' read -r label src id <<< "$spec"
    bytes=$(content_bytes "$src")
    local a="$run/a/$id-r$round" x="$run/x/$id-r$round" key="bench-$id-r$round-$$"
    mkdir -p "$a" "$x"
    measure "$label" archive 'archive gzip' "$round" "$bytes" "$a/atmos.tgz" -- "$bench" archive "$src" "$a/atmos.tgz" gzip
    measure "$label" extract 'extract gzip' "$round" "$bytes" "" -- "$bench" extract "$a/atmos.tgz" "$x/atmos-gz"
    measure "$label" save 'save local gzip' "$round" "$bytes" "" -- "$bench" save "$src" "local:$run/store" "$key" gzip
    measure "$label" restore 'restore local gzip' "$round" "$bytes" "" -- "$bench" restore "$x/local" "local:$run/store" "$key" gzip
    rm -rf "$a" "$run/store"/*
  done
  # 5.8 GB: the save side only (restoring it would write 5.8 GB of new trees per round, see the hazards).
  local a="$run/a/s5800-r$round" key="bench-s5800-r$round-$$"
  bytes=$(content_bytes "$corpora/dotnet-x9")
  mkdir -p "$a"
  measure "scale 5.8 GB" archive 'archive gzip' "$round" "$bytes" "$a/atmos.tgz" -- "$bench" archive "$corpora/dotnet-x9" "$a/atmos.tgz" gzip
  rm -f "$a/atmos.tgz"
  measure "scale 5.8 GB" save 'save local gzip' "$round" "$bytes" "" -- "$bench" save "$corpora/dotnet-x9" "local:$run/store" "$key" gzip
  rm -rf "$a" "$run/store"/*
}

log "load: $(cut -d' ' -f1-3 /proc/loadavg); results: $results"
for round in $(seq 0 "$runs"); do
  measure "-" idle idle "$round" 0 "" -- "$bench" idle
done

if [ "$quick" = 1 ]; then
  a_label="A: .NET folder, 64 MB subset"; a_src="$corpora/dotnet-64m"
else
  a_label="A: .NET folder copy"; a_src="$corpora/dotnet"
fi
b_label="B: 20,000 small files"; b_src="$corpora/small-files"
a_bytes=$(content_bytes "$a_src")
b_bytes=$(content_bytes "$b_src")

for round in $(seq 0 "$runs"); do
  log "corpus A, round $round of $runs (load $(cut -d' ' -f1 /proc/loadavg))"
  corpus_round "$a_label" "$a_src" "$round" "$a_bytes" A
done
for round in $(seq 0 "$runs"); do
  log "corpus B, round $round of $runs (load $(cut -d' ' -f1 /proc/loadavg))"
  corpus_round "$b_label" "$b_src" "$round" "$b_bytes" B
done
if [ "$scale" = 1 ]; then
  for round in $(seq 1 "$runs"); do
    log "scale series, round $round of $runs (load $(cut -d' ' -f1 /proc/loadavg))"
    scale_round "$round"
  done
fi

log "done; load: $(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "Machine: $(cpu_count) cores, $(uname -r), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  "$bench" report "$results"
} | tee "$run/report.md"
log "report: $run/report.md"
