#!/usr/bin/env bash
# Overhead of Atmos.Cache.Build on an incremental build when the feature is on but no backend is
# available (a developer machine, or CI without a cache service): a 10-project solution built with
# the package against the same solution without it. Prints the median of several runs, the ratio
# and the cost per project. Target: <= 3 % or <= 50 ms per project.
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

time_build() { # $1 = folder; prints milliseconds of one incremental build
  local start end
  start=$(date +%s%N)
  (cd "$1" && dotnet build Bench.slnx --no-restore -nodeReuse:false -v:q >/dev/null)
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

echo "creating two $projects-project solutions (with and without the package) ..."
make_tree "$work/with" with
make_tree "$work/without" without

echo "timing $runs incremental builds of each, interleaved ..."
: > "$work/with.ms"; : > "$work/without.ms"
for _ in $(seq 1 "$runs"); do
  time_build "$work/without" >> "$work/without.ms"
  time_build "$work/with" >> "$work/with.ms"
done

without=$(median < "$work/without.ms")
with=$(median < "$work/with.ms")
awk -v w="$with" -v wo="$without" -v n="$projects" 'BEGIN {
  ratio = w / wo; per = (w - wo) / n
  printf "without package: %d ms (median)\nwith package:    %d ms (median)\nratio: %.3f (%+.1f %%), %+.1f ms per project\n", wo, w, ratio, (ratio - 1) * 100, per
  verdict = (ratio <= 1.03 || per <= 50) ? "within target (<= 3 % or <= 50 ms per project)" : "OVER target (<= 3 % or <= 50 ms per project)"
  print verdict
}'
