#!/usr/bin/env bash
# Installs the s3rver S3-compatible test server (npm package `s3rver`) into <repo>/.tools/s3rver
# when it is missing. The S3 backend tests start `s3rver` from there; .tools/ is git-ignored.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/npm-tool.sh
source "$repo_root/eng/lib/npm-tool.sh"
install_npm_tool s3rver "${S3RVER_VERSION:-3.7.1}" "${S3RVER_PREFIX:-$repo_root/.tools/s3rver}" bin/s3rver.js 18
