#!/usr/bin/env bash
# Writes a real multi-project .NET solution into <dir>: four libraries (one still on .NET Standard
# 2.0 with 2.x packages, as many solutions carry one) and a web service in src/, a test project in
# tests/, and NuGetCorpus.slnx over them. The project files are written here, in the form
# `dotnet new` gives them; the packages are popular ones, at versions NuGet serves for net10.0.
# Restored (`dotnet restore <dir>/NuGetCorpus.slnx`), its global packages folder holds about 160
# package versions: about 600 MB in about 4,800 files (half of them under 20 KB) and 2,400 folders.
# Nothing is restored or built here; see eng/lib/nuget-corpus.sh.
#
# usage: eng/lib/nuget-solution.sh <dir>
set -euo pipefail

dir="${1:?usage: nuget-solution.sh <dir>}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

# replace_in FILE FROM TO: every FROM (an awk pattern) becomes TO (\n for a new line), with POSIX tools.
replace_in() { awk -v from="$2" -v to="$3" '{ gsub(from, to) } 1' "$1" > "$1.tmp" && mv "$1.tmp" "$1"; }

# project <relative folder> <name> <sdk> <package=version>... [-- <project reference>...]
project() {
  local folder="$1" name="$2" sdk="$3"
  shift 3
  local packages=() references=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do packages+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  references=("$@")
  mkdir -p "$dir/$folder"
  {
    echo "<Project Sdk=\"$sdk\">"
    echo
    echo "  <PropertyGroup>"
    echo "    <TargetFramework>net10.0</TargetFramework>"
    echo "    <ImplicitUsings>enable</ImplicitUsings>"
    echo "    <Nullable>enable</Nullable>"
    echo "  </PropertyGroup>"
    echo
    echo "  <ItemGroup>"
    local p
    for p in "${packages[@]}"; do
      echo "    <PackageReference Include=\"${p%%=*}\" Version=\"${p#*=}\" />"
    done
    echo "  </ItemGroup>"
    if [ ${#references[@]} -gt 0 ]; then
      echo
      echo "  <ItemGroup>"
      for p in "${references[@]}"; do
        echo "    <ProjectReference Include=\"$p\" />"
      done
      echo "  </ItemGroup>"
    fi
    echo
    echo "</Project>"
  } > "$dir/$folder/$name.csproj"
  printf 'namespace %s;\n\npublic static class Marker\n{\n    public static string Name => "%s";\n}\n' "$name" "$name" > "$dir/$folder/Marker.cs"
}

project src/NuGetCorpus.Domain NuGetCorpus.Domain Microsoft.NET.Sdk \
  Newtonsoft.Json=13.0.4 FluentValidation=12.2.0 Humanizer=2.14.1 Google.Protobuf=3.36.2 AutoMapper=14.0.0

# A library still on .NET Standard 2.0 and 2.x/4.x packages, as many solutions carry one:
# its package graph is the long tail of small packages that makes a packages folder many files.
project src/NuGetCorpus.Contracts NuGetCorpus.Contracts Microsoft.NET.Sdk \
  Microsoft.Extensions.Configuration.Json=2.2.0 Microsoft.Extensions.Logging=2.2.0 Microsoft.Extensions.Http=2.2.0 Microsoft.AspNetCore.Http.Abstractions=2.2.0
replace_in "$dir/src/NuGetCorpus.Contracts/NuGetCorpus.Contracts.csproj" "<TargetFramework>net10.0</TargetFramework>" "<TargetFramework>netstandard2.0</TargetFramework>\n    <LangVersion>latest</LangVersion>"
replace_in "$dir/src/NuGetCorpus.Contracts/NuGetCorpus.Contracts.csproj" "<ImplicitUsings>enable</ImplicitUsings>" "<ImplicitUsings>disable</ImplicitUsings>"

project src/NuGetCorpus.Data NuGetCorpus.Data Microsoft.NET.Sdk \
  Microsoft.EntityFrameworkCore=10.0.15 Npgsql.EntityFrameworkCore.PostgreSQL=10.0.3 Dapper=2.1.86 \
  -- ../NuGetCorpus.Domain/NuGetCorpus.Domain.csproj ../NuGetCorpus.Contracts/NuGetCorpus.Contracts.csproj

project src/NuGetCorpus.Services NuGetCorpus.Services Microsoft.NET.Sdk \
  AWSSDK.S3=4.1.0.1 Azure.Storage.Blobs=12.30.1 Polly=8.9.1 Serilog=4.4.0 \
  Microsoft.Extensions.Hosting=10.0.15 Microsoft.CodeAnalysis.CSharp.Workspaces=4.14.0 \
  -- ../NuGetCorpus.Data/NuGetCorpus.Data.csproj

project src/NuGetCorpus.Api NuGetCorpus.Api Microsoft.NET.Sdk.Web \
  Swashbuckle.AspNetCore=11.0.1 \
  -- ../NuGetCorpus.Services/NuGetCorpus.Services.csproj

project tests/NuGetCorpus.Tests NuGetCorpus.Tests Microsoft.NET.Sdk \
  Microsoft.NET.Test.Sdk=18.12.0 xunit=2.9.3 xunit.runner.visualstudio=4.0.1 Moq=4.21.0 \
  FluentAssertions=7.2.2 coverlet.collector=10.1.1 StyleCop.Analyzers=1.1.118 \
  -- ../../src/NuGetCorpus.Services/NuGetCorpus.Services.csproj
# A web project's entry point, and the test project is a test project.
printf 'var app = WebApplication.CreateBuilder(args).Build();\napp.MapGet("/", () => NuGetCorpus.Services.Marker.Name);\napp.Run();\n' > "$dir/src/NuGetCorpus.Api/Program.cs"
replace_in "$dir/tests/NuGetCorpus.Tests/NuGetCorpus.Tests.csproj" "<Nullable>enable</Nullable>" "<Nullable>enable</Nullable>\n    <IsPackable>false</IsPackable>\n    <IsTestProject>true</IsTestProject>"

cat > "$dir/NuGetCorpus.slnx" <<'SLN'
<Solution>
  <Folder Name="/src/">
    <Project Path="src/NuGetCorpus.Domain/NuGetCorpus.Domain.csproj" />
    <Project Path="src/NuGetCorpus.Contracts/NuGetCorpus.Contracts.csproj" />
    <Project Path="src/NuGetCorpus.Data/NuGetCorpus.Data.csproj" />
    <Project Path="src/NuGetCorpus.Services/NuGetCorpus.Services.csproj" />
    <Project Path="src/NuGetCorpus.Api/NuGetCorpus.Api.csproj" />
  </Folder>
  <Folder Name="/tests/">
    <Project Path="tests/NuGetCorpus.Tests/NuGetCorpus.Tests.csproj" />
  </Folder>
</Solution>
SLN

# Standalone: no Directory.Build.props or global.json of a folder above changes it.
printf '<Project>\n</Project>\n' > "$dir/Directory.Build.props"
printf '<Project>\n</Project>\n' > "$dir/Directory.Build.targets"
printf '{\n  "sdk": {\n    "version": "10.0.100",\n    "rollForward": "latestMajor"\n  }\n}\n' > "$dir/global.json"
echo "$dir/NuGetCorpus.slnx"
