#!/usr/bin/env bash
# Installs the Azurite blob emulator (npm package `azurite`) into <repo>/.tools/azurite when it is
# missing. The GitHub backend tests start `azurite-blob` from there; .tools/ is git-ignored.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/npm-tool.sh
source "$repo_root/eng/lib/npm-tool.sh"
install_npm_tool azurite "${AZURITE_VERSION:-3.37.0}" "${AZURITE_PREFIX:-$repo_root/.tools/azurite}" dist/src/blob/main.js 18
