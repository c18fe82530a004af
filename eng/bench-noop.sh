#!/usr/bin/env bash
# Overhead of Atmos.Cache.Build on a no-op incremental build of a 10-project solution, built with
# the package against the same solution without it, in two rows:
#   inactive: no backend available (a developer machine, or CI without a cache service);
#             target <= 3 % or <= 50 ms per project.
#   active:   the `local` backend on an already-restored root (the steady state of every CI run
#             after the first: restore and save find their work done); target <= 3 % or <= 20 ms
#             per project.
# Builds alternate (without, with, without, with...); prints the median of each, the ratio, the
# median of the paired differences and the cost per project.
#   usage: eng/bench-noop.sh [runs]   (default 7)
set -euo pipefail
runs="${1:-7}"
projects=10
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/atmos-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 MSBUILDTERMINALLOGGER=off
export NUGET_PACKAGES="$work/packages"
unset GITHUB_ACTIONS ATMOS_CI_CACHE_BACKEND ATMOS_CI_CACHE_ENABLED || true
version="0.0.0-bench.$(date +%Y%m%d%H%M%S)"

echo "packing Atmos.Cache.Build $version ..."
dotnet pack "$repo/src/Atmos.Cache.Build" -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false -v:q >/dev/null

make_tree() { # $1 = folder, $2 = "with" | "without"
  local dir="$1" reference=""
  mkdir -p "$dir"
  [ "$2" = with ] && reference="<PackageReference Include=\"Atmos.Cache.Build\" Version=\"$version\" PrivateAssets=\"all\" />"
  cat > "$dir/nuget.config" <<XML
<configuration><packageSources><clear /><add key="bench" value="$work/feed" /></packageSources></configuration>
XML
  cat > "$dir/Directory.Packages.props" <<'XML'
<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>
XML
  cat > "$dir/Directory.Build.props" <<XML
<Project>
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup>$reference</ItemGroup>
</Project>
XML
  echo "<Solution>" > "$dir/Bench.slnx"
  for i in $(seq 1 $projects); do
    mkdir -p "$dir/P$i"
    local refs=""
    [ "$i" -gt 1 ] && refs="<ItemGroup><ProjectReference Include=\"../P$((i - 1))/P$((i - 1)).csproj\" /></ItemGroup>"
    echo "<Project Sdk=\"Microsoft.NET.Sdk\">$refs</Project>" > "$dir/P$i/P$i.csproj"
    echo "namespace P$i; public static class C { public const int V = $i; }" > "$dir/P$i/C.cs"
    echo "  <Project Path=\"P$i/P$i.csproj\" />" >> "$dir/Bench.slnx"
  done
  echo "</Solution>" >> "$dir/Bench.slnx"
  (cd "$dir" && dotnet build Bench.slnx -nodeReuse:false -v:q >/dev/null)
}

time_build() { # $1 = folder; prints "wall-ms cpu-ms" of one incremental build (cpu: user + system of the build's processes)
  local TIMEFORMAT='%R %U %S' t
  t=$( { time (cd "$1" && dotnet build Bench.slnx --no-restore -nodeReuse:false -v:q >/dev/null) ; } 2>&1 )
  echo "$t" | awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

row() { # $1 = label, $2 = ms-per-project target; times "without" and "with" alternately
  local label="$1" target="$2" a b
  : > "$work/pairs"
  for _ in $(seq 1 "$runs"); do
    a=$(time_build "$work/without"); b=$(time_build "$work/with")
    echo "$a $b" >> "$work/pairs"
  done
  local without with diff cpu
  without=$(awk '{ print $1 }' "$work/pairs" | median); with=$(awk '{ print $3 }' "$work/pairs" | median)
  diff=$(awk '{ print $3 - $1 }' "$work/pairs" | median); cpu=$(awk '{ print $4 - $2 }' "$work/pairs" | median)
  awk -v l="$label" -v w="$with" -v wo="$without" -v d="$diff" -v c="$cpu" -v n="$projects" -v t="$target" 'BEGIN {
    ratio = w / wo; per = d / n
    printf "%-9s wall: without %d ms, with %d ms (medians), ratio %.3f (%+.1f %%); paired difference %+d ms = %+.1f ms per project: %s\n", l, wo, w, ratio, (ratio - 1) * 100, d, per, (ratio <= 1.03 || per <= t) ? "within target (<= 3 % or <= " t " ms per project)" : "OVER target (<= 3 % or <= " t " ms per project)"
    printf "%-9s cpu:  paired difference %+d ms = %+.1f ms per project (user + system of all build processes)\n", l, c, c / n
  }'
  echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
}

echo "creating two $projects-project solutions (with and without the package) ..."
make_tree "$work/with" with
make_tree "$work/without" without

echo "timing $runs no-op builds of each, alternating ..."
row inactive 50

# The local backend on an already-restored root: one build misses and saves, after which every
# build finds the root restored and the entry saved.
export ATMOS_CI_CACHE_BACKEND=local ATMOS_CI_CACHE_ROOT="$work/root" ATMOS_CI_CACHE_LOCAL_DIR="$work/store"
mkdir -p "$work/root/toolchain" && echo "tools: {}" > "$work/root/toolchain/toolchain.lock.yaml"
(cd "$work/with" && dotnet build Bench.slnx --no-restore -nodeReuse:false -v:q >/dev/null)
[ -n "$(find "$work/store" -name archive -print -quit)" ] || { echo "the priming build saved nothing" >&2; exit 1; }
row active 20
