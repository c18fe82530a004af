#!/usr/bin/env bash
# A NuGet global packages folder as a benchmark corpus: restores the solution of
# eng/lib/nuget-solution.sh once with NUGET_PACKAGES=<packages-dir> and reuses the folder when it
# is there (a restore that stopped half-way is started over). Needs the NuGet feed
# once; the folder is the real thing `dotnet restore` writes (.nupkg, .nupkg.metadata, .nuspec,
# signatures and every file of each package), about 600 MB in about 4,800 files.
#
# usage: eng/lib/nuget-corpus.sh <packages-dir>
set -euo pipefail

packages="${1:?usage: nuget-corpus.sh <packages-dir>}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf '[nuget-corpus %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The folder appears only once its restore succeeded (renamed from .partial): present means complete.
if [ -d "$packages" ]; then
  exit 0
fi

rm -rf "$packages.partial" "$packages.solution"
mkdir -p "$packages.partial"
solution="$(bash "$here/nuget-solution.sh" "$packages.solution")"
log "restoring $solution into $packages"
# Only the restore: no build, no local tools, no reuse of the machine's own packages folder.
NUGET_PACKAGES="$(cd "$packages.partial" && pwd)" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
  dotnet restore "$solution" -tl:off -v:q -nologo --disable-build-servers >&2
rm -rf "$packages.solution"
mv "$packages.partial" "$packages"
log "corpus: $(find "$packages" -type f | wc -l) files, $(du -sm "$packages" | cut -f1) MB on disk"
