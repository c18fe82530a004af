#!/usr/bin/env bash
# The package end to end, on this machine, in one command: pack it, then build a small solution
# twice through the `local` backend, as two CI runs on fresh machines would.
#   run 1: a miss, the build fills the cache root, one save after the last project;
#   run 2: an empty root again (a new machine), an exact hit, and the save is skipped.
set -euo pipefail
cd "$(dirname "$0")/LocalRoundTrip"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off
unset GITHUB_ACTIONS ATMOS_CI_CACHE_BACKEND ATMOS_CI_CACHE_ROOT ATMOS_CI_CACHE_LOCAL_DIR ATMOS_CI_CACHE_KEY || true

work="$PWD/.work"
rm -rf "$work"
mkdir -p "$work"
export NUGET_PACKAGES="$work/packages"
version="0.0.0-sample.$(date +%Y%m%d%H%M%S)"

echo "== packing Atmos.Cache.Build $version"
dotnet pack ../../src/Atmos.Cache.Build -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false -v:q

build() { # $1 = run name
  echo
  echo "== $1: dotnet build LocalRoundTrip.slnx"
  dotnet build LocalRoundTrip.slnx -p:AtmosCacheSampleVersion="$version" -nodeReuse:false -v:n --no-incremental > "$work/$1.log" 2>&1 \
    || { tail -40 "$work/$1.log"; echo "build failed; full log: $work/$1.log"; exit 1; }
  grep -E 'Atmos cache:|Sample:|warning ATMOSCACHE' "$work/$1.log" | sed -E 's/^ +//; s/^[0-9]+>//'
}

tree() { # the root's content: path, type, mode, mtime (whole seconds, as tar keeps it; not for links), size, link target
  dotnet run ../../eng/list-tree.cs -- "$work/root" .atmos-cache
}

build "run 1"
tree > "$work/run1.tree"
echo
echo "== a new CI machine: the cache root is empty again, the store keeps the entry"
rm -rf "$work/root"
build "run 2"
tree > "$work/run2.tree"
echo
if diff -u "$work/run1.tree" "$work/run2.tree"; then
  echo "The restored root is identical to what run 1 saved ($(wc -l < "$work/run1.tree") entries: content size, permission bits, modification times, symlinks)."
else
  echo "The restored root differs from what run 1 saved (diff above)."
  exit 1
fi
echo
echo "Store: $work/store   Logs: $work/run 1.log, $work/run 2.log"
