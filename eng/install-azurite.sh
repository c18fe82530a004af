#!/usr/bin/env bash
# Installs the Azurite blob emulator (npm package `azurite`) into <repo>/.tools/azurite when it is
# missing. The GitHub backend tests start `azurite-blob` from there; .tools/ is git-ignored.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${AZURITE_PREFIX:-$repo_root/.tools/azurite}"
version="${AZURITE_VERSION:-3.37.0}"
entry="$prefix/node_modules/azurite/dist/src/blob/main.js"

if [ -f "$entry" ]; then
  echo "Azurite already installed in $prefix"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is required to install Azurite (install Node.js 18 or later)." >&2
  exit 1
fi

mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error --no-save "azurite@$version"

if [ ! -f "$entry" ]; then
  echo "Azurite install finished but $entry is missing." >&2
  exit 1
fi
echo "Installed Azurite $version into $prefix"
