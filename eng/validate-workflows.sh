#!/usr/bin/env bash
# Validates the GitHub Actions workflows (.github/workflows/*.yml) against GitHub's workflow schema
# with action-validator (npm package `@action-validator/cli`, installed into <repo>/.tools/action-validator
# on first use). The workflows cannot run on this machine; this is what `.ci/run` checks instead.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/npm-tool.sh
source "$repo_root/eng/lib/npm-tool.sh"
prefix="${ACTION_VALIDATOR_PREFIX:-$repo_root/.tools/action-validator}"
install_npm_tool @action-validator/cli "${ACTION_VALIDATOR_VERSION:-0.6.0}" "$prefix" cli.mjs 18 >/dev/null

status=0
for workflow in "$repo_root"/.github/workflows/*.yml; do
  if node "$prefix/node_modules/@action-validator/cli/cli.mjs" "$workflow"; then
    echo "valid: ${workflow#"$repo_root"/}"
  else
    echo "invalid: ${workflow#"$repo_root"/}" >&2
    status=1
  fi
done
exit "$status"
