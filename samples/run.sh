#!/usr/bin/env bash
# The package end to end, on this machine, in one command: pack it, then build a small solution
# twice through the `local` backend, as two CI runs on fresh machines would.
#   run 1: a miss, the build fills the cache root, one save after the last project;
#   run 2: an empty root again (a new machine), an exact hit, and the save is skipped.
# The GitHub Actions workflow (.github/workflows/ci.yml) runs the same two runs through the cache
# of the workflow itself: SAMPLE_BACKEND=github/actions and SAMPLE_KEY=<a key new to the cache>.
# With SAMPLE_RESTORE_ONLY=1 it only restores SAMPLE_KEY (saved by a job on another OS) into an
# empty root, and fails unless that is an exact hit.
set -euo pipefail
cd "$(dirname "$0")/LocalRoundTrip"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off
backend="${SAMPLE_BACKEND:-local}"
if [ "$backend" = local ]; then
  unset GITHUB_ACTIONS ATMOS_CI_CACHE_BACKEND ATMOS_CI_CACHE_ROOT ATMOS_CI_CACHE_LOCAL_DIR ATMOS_CI_CACHE_KEY || true
  cache_args=(-p:AtmosCacheBackend=local)
else
  : "${SAMPLE_KEY:?SAMPLE_KEY names the cache entry when SAMPLE_BACKEND is $backend}"
  cache_args=(-p:AtmosCacheBackend="$backend" -p:AtmosCacheKey="$SAMPLE_KEY")
fi

work="$PWD/.work"
rm -rf "$work"
mkdir -p "$work"
export NUGET_PACKAGES="$work/packages"
version="0.0.0-sample.$(date +%Y%m%d%H%M%S)"

echo "== packing Atmos.Cache.Build $version"
dotnet pack ../../src/Atmos.Cache.Build -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false -v:q

build() { # $1 = run name, then extra build arguments
  local name="$1"; shift
  echo
  echo "== $name: dotnet build LocalRoundTrip.slnx $* (backend $backend)"
  dotnet build LocalRoundTrip.slnx -p:AtmosCacheSampleVersion="$version" "${cache_args[@]}" -nodeReuse:false -v:n "$@" > "$work/$name.log" 2>&1 \
    || { tail -40 "$work/$name.log"; echo "build failed; full log: $work/$name.log"; exit 1; }
  grep -E 'Atmos cache( \[[^]]+\])?:|Sample:|warning ATMOSCACHE' "$work/$name.log" | sed -E 's/^ +//; s/^[0-9]+>//'
}

tree() { # the root's content: path, type, mode, mtime (whole seconds, as tar keeps it; not for links), size, link target
  dotnet run ../../eng/list-tree.cs -- "$work/root" .atmos-cache
}

if [ "${SAMPLE_RESTORE_ONLY:-0}" = 1 ]; then
  build "restore" -t:RestoreCiCache
  if ! grep -q "restored '$SAMPLE_KEY' (exact hit" "$work/restore.log"; then
    echo "'$SAMPLE_KEY' was not restored as an exact hit; full log: $work/restore.log"
    exit 1
  fi
  echo
  echo "== the restored root"
  tree
  exit 0
fi

build "run 1" --no-incremental
tree > "$work/run1.tree"
echo
echo "== a new CI machine: the cache root is empty again, the store keeps the entry"
rm -rf "$work/root"
build "run 2" --no-incremental
tree > "$work/run2.tree"
echo
if diff -u "$work/run1.tree" "$work/run2.tree"; then
  echo "The restored root is identical to what run 1 saved ($(wc -l < "$work/run1.tree" | tr -d ' ') entries: content size, permission bits, modification times, symlinks)."
else
  echo "The restored root differs from what run 1 saved (diff above)."
  exit 1
fi
echo
echo "Logs: $work/run 1.log, $work/run 2.log"
[ "$backend" = local ] && echo "Store: $work/store"
exit 0
