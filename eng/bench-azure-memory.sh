#!/usr/bin/env bash
# Peak memory of `dotnet build` with the azure/blob backend moving a large cache, against the same
# build without the cache. Starts Azurite (eng/install-azurite.sh) on 127.0.0.1, packs the package,
# and builds a one-project workspace whose build writes <size> MiB of random (incompressible) data
# into the cache root. Measures the peak RSS (VmHWM, polled from /proc) of the MSBuild process (the
# `dotnet build` process itself: one project, -m:1, so every task runs in it) for:
#   uncached  AtmosCacheEnabled=false: the build writes the data, nothing else
#   save      the build writes the data, restores (miss) and saves it (blocks staged in parallel)
#   restore   a fresh root: the build restores the data (exact hit, parallel ranges) and skips the save
# and checks that the restored data is the saved data byte for byte. The account is Azurite's
# development account, given as AZURE_STORAGE_CONNECTION_STRING (Shared Key signing).
# Goal: save and restore at most 150 MB above uncached.
#   usage: eng/bench-azure-memory.sh [size-MiB]   (default 300; Linux only)
set -euo pipefail
size_mib="${1:-300}"
goal_mb=150
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/atmos-bench-azure-XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off
export NUGET_PACKAGES="$work/packages"
unset ATMOS_CI_CACHE_BACKEND ATMOS_CI_CACHE_ENABLED ATMOS_CI_CACHE_ROOT AZURE_STORAGE_CONNECTION_STRING AZURE_STORAGE_ACCOUNT || true
version="0.0.0-bench.$(date +%Y%m%d%H%M%S)"

# ---- Azurite ----
# shellcheck source=lib/github-services.sh
source "$repo/eng/lib/github-services.sh"  # free_port, wait_for_port
bash "$repo/eng/install-azurite.sh" >/dev/null
port="$(free_port)"
node "$repo/.tools/azurite/node_modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$port" \
  --location "$work/azurite" --skipApiVersionCheck --loose --silent >"$work/azurite.log" 2>&1 &
pids+=($!)
wait_for_port "$port" Azurite
# Azurite's well-known development account (public: Microsoft documents it for the emulator).
account=devstoreaccount1
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
# Create Container, signed with the account key (Shared Key), by node, which Azurite brought.
PORT="$port" ACCOUNT="$account" KEY="$key" node -e '
  const crypto = require("crypto"), http = require("http");
  const { PORT, ACCOUNT, KEY } = process.env;
  const date = new Date().toUTCString(), version = "2023-11-03", path = `/${ACCOUNT}/atmos-bench`;
  const toSign = "PUT\n" + "\n".repeat(11) + `x-ms-date:${date}\nx-ms-version:${version}\n/${ACCOUNT}${path}\nrestype:container`;
  const signature = crypto.createHmac("sha256", Buffer.from(KEY, "base64")).update(toSign, "utf8").digest("base64");
  const request = http.request({ host: "127.0.0.1", port: PORT, method: "PUT", path: path + "?restype=container",
    headers: { "x-ms-date": date, "x-ms-version": version, "Content-Length": 0, Authorization: `SharedKey ${ACCOUNT}:${signature}` } },
    response => { if (response.statusCode !== 201) { console.error("creating the container: HTTP " + response.statusCode); process.exit(1); } });
  request.end();'
runner_env=(
  ATMOS_CI_CACHE_BACKEND=azure/blob ATMOS_CI_CACHE_AZURE_CONTAINER=atmos-bench
  "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/$account;"
)

echo "packing Atmos.Cache.Build $version ..."
dotnet pack "$repo/src/Atmos.Cache.Build" -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false -v:q >/dev/null

# The workspace and the three measured builds: eng/lib/memory-bench.sh.
bench_verbosity=d
# shellcheck source=lib/memory-bench.sh
source "$repo/eng/lib/memory-bench.sh"

echo
grep -h "Atmos cache \[[a-z]*\]: \(saved\|restored\)" "$work/save.log" "$work/restore.log" | sed 's/^ */  /' | sort -u
grep -h "Uploaded .* in [0-9]* blocks\|Downloaded .* in [0-9]* ranges" "$work/save.log" "$work/restore.log" | sed 's/^ */  /' | sort -u
echo "  restored data identical to the saved data (cmp)"
echo
memory_verdict
