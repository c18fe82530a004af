#!/usr/bin/env bash
# Lays out a .NET 8 runtime in <repo>/.tools/dotnet8 (git-ignored) when it is missing, so the engine
# and task tests can run on the runtime that SDK 8 and 9's MSBuild loads the tasks' net8.0 folder in.
# The layout is the one a dotnet install has: the installed host (the `dotnet` muxer and host/fxr)
# copied beside shared/Microsoft.NETCore.App/<version>, taken from the Microsoft.NETCore.App.Runtime
# runtime pack that NuGet serves. The version is the latest 8.0 runtime the installed SDK knows
# (DOTNET8_RUNTIME_VERSION overrides it). Prints the muxer's path on its last line.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/portable.sh
source "$repo_root/eng/lib/portable.sh"
dest="${DOTNET8_ROOT:-$repo_root/.tools/dotnet8}"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Linux-aarch64) rid=linux-arm64 ;;
  *) echo "No .NET 8 runtime layout for $(uname -s) $(uname -m)." >&2; exit 1 ;;
esac

# The SDK in use (global.json applies) and the latest 8.0 runtime it knows.
sdk_version="$(cd "$repo_root" && dotnet --version)"
sdk_dir="$(cd "$repo_root" && dotnet --list-sdks | awk -v v="$sdk_version" '$1 == v { gsub(/[\[\]]/, "", $2); print $2 "/" v }')"
version="${DOTNET8_RUNTIME_VERSION:-}"
if [ -z "$version" ]; then
  version="$(awk '/<KnownFrameworkReference Include="Microsoft.NETCore.App"/ { block = 1 }
                  block && /TargetFramework="net8.0"/ { net8 = 1 }
                  block && net8 && match($0, /LatestRuntimeFrameworkVersion="[^"]+"/) { print substr($0, RSTART + 31, RLENGTH - 32); exit }
                  block && /\/>/ { block = 0; net8 = 0 }' "$sdk_dir/Microsoft.NETCoreSdk.BundledVersions.props")"
fi
if [ -z "$version" ]; then
  echo "Could not read the .NET 8 runtime version from the SDK in $sdk_dir; set DOTNET8_RUNTIME_VERSION." >&2
  exit 1
fi

framework="$dest/shared/Microsoft.NETCore.App/$version"
if [ -x "$dest/dotnet" ] && [ -f "$framework/libcoreclr.so" ]; then
  echo "The .NET $version runtime is already laid out in $dest"
  echo "$dest/dotnet"
  exit 0
fi

# The installed host: the folder holding the muxer that runs here.
host_root="$(dirname "$(real_path "$(command -v dotnet)")")"
if [ ! -d "$host_root/host/fxr" ]; then
  echo "No .NET host found beside $(command -v dotnet)." >&2
  exit 1
fi

# The runtime pack, fetched by NuGet's own client into its global packages folder.
package="Microsoft.NETCore.App.Runtime.$rid"
packages="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')"
pack="${packages%/}/$(echo "$package" | tr '[:upper:]' '[:lower:]')/$version"
if [ ! -d "$pack/runtimes/$rid/lib/net8.0" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cat > "$work/fetch.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net${sdk_version%%.*}.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$package" Version="[$version]" />
  </ItemGroup>
</Project>
EOF
  dotnet restore "$work/fetch.csproj" --verbosity quiet
fi
if [ ! -d "$pack/runtimes/$rid/lib/net8.0" ]; then
  echo "The $package $version package has no runtimes/$rid/lib/net8.0 folder in $pack." >&2
  exit 1
fi

# Built in a staging folder and moved into place, so an interrupted run leaves nothing half-made.
staging="$dest.partial"
rm -rf "$staging"
mkdir -p "$staging/host" "$staging/shared/Microsoft.NETCore.App/$version"
cp "$host_root/dotnet" "$staging/dotnet"
cp -R "$host_root/host/fxr" "$staging/host/fxr"
cp "$pack/runtimes/$rid/lib/net8.0/"*.dll "$staging/shared/Microsoft.NETCore.App/$version/"
cp "$pack/runtimes/$rid/native/"* "$staging/shared/Microsoft.NETCore.App/$version/"
# The host only takes a framework folder that has its .deps.json, which the runtime pack does not
# carry (an installer writes it): list the pack's managed and native files in one.
{
  printf '{\n  "runtimeTarget": { "name": ".NETCoreApp,Version=v8.0/%s", "signature": "" },\n' "$rid"
  printf '  "compilationOptions": {},\n  "targets": {\n    ".NETCoreApp,Version=v8.0": {},\n'
  printf '    ".NETCoreApp,Version=v8.0/%s": {\n      "%s/%s": {\n        "runtime": {\n' "$rid" "$package" "$version"
  (cd "$pack/runtimes/$rid/lib/net8.0" && ls -1 -- *.dll) | sed 's/.*/          "&": {}/' | sed '$!s/$/,/'
  printf '        },\n        "native": {\n'
  (cd "$pack/runtimes/$rid/native" && ls -1) | sed 's/.*/          "&": {}/' | sed '$!s/$/,/'
  printf '        }\n      }\n    }\n  },\n  "libraries": {\n'
  printf '    "%s/%s": { "type": "package", "serviceable": true, "sha512": "" }\n  }\n}\n' "$package" "$version"
} > "$staging/shared/Microsoft.NETCore.App/$version/Microsoft.NETCore.App.deps.json"
rm -rf "$dest"
mv "$staging" "$dest"

"$dest/dotnet" --list-runtimes
echo "Laid out the .NET $version runtime in $dest"
echo "$dest/dotnet"
