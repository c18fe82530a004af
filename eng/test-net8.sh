#!/usr/bin/env bash
# Runs the engine tests and the task unit tests on the .NET 8 runtime: the runtime SDK 8 and 9's
# MSBuild loads the package's tasks/net8.0 folder in. The tests are built for net8.0 with
# -p:AtmosCacheTestNet8=true and their test host is started by the dotnet of eng/install-dotnet8.sh
# (installed into .tools/ on first use). Extra arguments go to each `dotnet test`, e.g. a logger.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dotnet8="$(bash eng/install-dotnet8.sh | tail -n 1)"

status=0
for project in tests/Atmos.Cache.Tests/Atmos.Cache.Tests.csproj tests/Atmos.Cache.Build.Tests/Atmos.Cache.Build.Tests.csproj; do
  dotnet test "$project" -c Release -f net8.0 -p:AtmosCacheTestNet8=true "$@" \
    -- RunConfiguration.DotNetHostPath="$dotnet8" || status=$?
done
exit "$status"
