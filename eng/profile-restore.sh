#!/usr/bin/env bash
# Where a restore's CPU goes: saves <corpus> into a local store with a published engine
# (bench/Atmos.Cache.Bench), then restores it into a fresh folder under `perf record` (all threads,
# the kernel included) and prints the CPU time by part (inflation, digest, kernel, JIT, ...) and the
# top symbols. Give two engines (say, main's and a branch's) to compare them on the same corpus.
#
# usage: eng/profile-restore.sh <corpus dir> <gzip|zstd> <published bench dir>...
#   publish one with: dotnet publish bench/Atmos.Cache.Bench -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o DIR
#   needs perf (Debian: apt-get install linux-perf); JIT-compiled code is named through perf maps (DOTNET_PerfMapEnabled=1).
set -euo pipefail
corpus="$(cd "${1:?corpus}" && pwd)"; compression="${2:?gzip|zstd}"; shift 2
work="$(mktemp -d "${TMPDIR:-/tmp}/atmos-profile-XXXXXX")"
trap 'rm -rf "$work"' EXIT
key="profile-$$-$(date +%s)"
for bench in "$@"; do
  name="$(basename "$bench")"
  "$bench/Atmos.Cache.Bench" save "$corpus" "local:$work/store-$name" "$key-$name" "$compression" >/dev/null 2>&1
  sync
  DOTNET_PerfMapEnabled=1 perf record -q -F 1999 -g -o "$work/$name.data" -- \
    "$bench/Atmos.Cache.Bench" restore "$work/root-$name" "local:$work/store-$name" "$key-$name" "$compression" 2> "$work/$name.err" >/dev/null
  echo "== $name: restore of $(basename "$corpus") ($compression) ($(grep engine-seconds "$work/$name.err" || true)); load $(cut -d' ' -f1 /proc/loadavg)"
  # Self time by part (CPU seconds = samples / 1999 Hz): symbols matched by name and library, the rest as "other".
  perf report -i "$work/$name.data" --stdio -q -n --no-children -g none --sort dso,sym 2>/dev/null | awk '
    $1 ~ /%$/ {
      p = $2 + 0; total += p; line = tolower($0)
      if (line ~ /\[kernel/) part = "kernel (file creation, page cache copies, syscalls)"
      else if (line ~ /libsystem\.io\.compression|libdeflate|inflate|zng_/) part = "inflate (zlib-ng or libdeflate)"
      else if (line ~ /libzstd|zstd_|huf_|fse_/) part = "zstd"
      else if (line ~ /sha256|libcrypto|cryptography/) part = "SHA-256 digest"
      else if (line ~ /memmove|memcpy|memset/) part = "memmove/memcpy"
      else if (line ~ /libclrjit/) part = "JIT"
      else if (line ~ /libcoreclr|libsystem/) part = "runtime (GC, stubs, native shim)"
      else part = "managed code and other"
      share[part] += p
    }
    END { for (k in share) printf "  %5.2f s  %4.1f%%  %s\n", share[k] / 1999, 100 * share[k] / total, k; printf "  %5.2f s  100.0%%  total\n", total / 1999 }' | sort -rn
  echo "  top symbols (self):"
  perf report -i "$work/$name.data" --stdio -q --no-children -g none --sort dso,sym 2>/dev/null | grep '%' | awk 'NR <= 15' | sed 's/^/   /'
done
