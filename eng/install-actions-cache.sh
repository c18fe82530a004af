#!/usr/bin/env bash
# Installs the official GitHub cache client (npm package `@actions/cache`, pinned) into
# <repo>/.tools/actions-cache when it is missing; eng/bench-official.sh drives it with
# eng/official-cache.mjs. .tools/ is git-ignored.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/npm-tool.sh
source "$repo_root/eng/lib/npm-tool.sh"
install_npm_tool @actions/cache "${ACTIONS_CACHE_VERSION:-6.3.0}" "${ACTIONS_CACHE_PREFIX:-$repo_root/.tools/actions-cache}" package.json 20
