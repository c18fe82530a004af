#!/usr/bin/env bash
# Peak memory of `dotnet build` with the s3 backend moving a large cache, against the same build
# without the cache. Starts s3rver (eng/install-s3rver.sh) on 127.0.0.1, packs the package, and
# builds a one-project workspace whose build writes <size> MiB of random (incompressible) data into
# the cache root. Measures the peak RSS (VmHWM, polled from /proc) of the MSBuild process (the
# `dotnet build` process itself: one project, -m:1, so every task runs in it) for:
#   uncached  AtmosCacheEnabled=false: the build writes the data, nothing else
#   save      the build writes the data, restores (miss) and saves it (multipart, parts in parallel)
#   restore   a fresh root: the build restores the data (exact hit, parallel ranges) and skips the save
# and checks that the restored data is the saved data byte for byte.
# Goal: save and restore at most 150 MB above uncached.
#   usage: eng/bench-s3-memory.sh [size-MiB]   (default 300; Linux only)
set -euo pipefail
size_mib="${1:-300}"
goal_mb=150
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/atmos-bench-s3-XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off
export NUGET_PACKAGES="$work/packages"
unset ATMOS_CI_CACHE_BACKEND ATMOS_CI_CACHE_ENABLED ATMOS_CI_CACHE_ROOT AWS_PROFILE || true
version="0.0.0-bench.$(date +%Y%m%d%H%M%S)"

# ---- s3rver ----
bash "$repo/eng/install-s3rver.sh" >/dev/null
node --openssl-legacy-provider "$repo/.tools/s3rver/node_modules/s3rver/bin/s3rver.js" --directory "$work/s3rver" \
  --address 127.0.0.1 --port 0 --silent --no-vhost-buckets --configure-bucket atmos-bench >"$work/s3rver.log" 2>&1 &
pids+=($!)
port=""
for _ in $(seq 1 300); do
  port="$(sed -n 's/.*S3rver listening on [^:]*:\([0-9]*\).*/\1/p' "$work/s3rver.log")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "s3rver did not start:" >&2; cat "$work/s3rver.log" >&2; exit 1; }
runner_env=(
  ATMOS_CI_CACHE_BACKEND=s3 ATMOS_CI_CACHE_S3_BUCKET=atmos-bench "ATMOS_CI_CACHE_S3_ENDPOINT=http://127.0.0.1:$port"
  ATMOS_CI_CACHE_S3_PATH_STYLE=true AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
)

echo "packing Atmos.Cache.Build $version ..."
dotnet pack "$repo/src/Atmos.Cache.Build" -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false -v:q >/dev/null

# The workspace and the three measured builds: eng/lib/memory-bench.sh.
bench_verbosity=d
# shellcheck source=lib/memory-bench.sh
source "$repo/eng/lib/memory-bench.sh"

echo
grep -h "Atmos cache \[[a-z]*\]: \(saved\|restored\)" "$work/save.log" "$work/restore.log" | sed 's/^ */  /' | sort -u
grep -h "Uploaded .* in [0-9]* parts\|Downloaded .* in [0-9]* ranges" "$work/save.log" "$work/restore.log" | sed 's/^ */  /' | sort -u
echo "  restored data identical to the saved data (cmp)"
echo
memory_verdict
