#!/usr/bin/env bash
# Installs the official GitHub cache client (npm package `@actions/cache`, pinned) into
# <repo>/.tools/actions-cache when it is missing; eng/bench-official.sh drives it with
# eng/official-cache.mjs. .tools/ is git-ignored.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${ACTIONS_CACHE_PREFIX:-$repo_root/.tools/actions-cache}"
version="${ACTIONS_CACHE_VERSION:-6.3.0}"
entry="$prefix/node_modules/@actions/cache/package.json"

if [ -f "$entry" ] && grep -q "\"version\": \"$version\"" "$entry"; then
  echo "@actions/cache $version already installed in $prefix"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is required to install @actions/cache (install Node.js 20 or later)." >&2
  exit 1
fi

mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error --no-save "@actions/cache@$version"

if [ ! -f "$entry" ]; then
  echo "@actions/cache install finished but $entry is missing." >&2
  exit 1
fi
echo "Installed @actions/cache $version into $prefix"
