#!/usr/bin/env bash
# Installs the s3rver S3-compatible test server (npm package `s3rver`) into <repo>/.tools/s3rver
# when it is missing. The S3 backend tests start `s3rver` from there; .tools/ is git-ignored.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${S3RVER_PREFIX:-$repo_root/.tools/s3rver}"
version="${S3RVER_VERSION:-3.7.1}"
entry="$prefix/node_modules/s3rver/bin/s3rver.js"

if [ -f "$entry" ]; then
  echo "s3rver already installed in $prefix"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is required to install s3rver (install Node.js 18 or later)." >&2
  exit 1
fi

mkdir -p "$prefix"
# Two test projects may start at once on a fresh clone: one installs, the other waits for it.
exec 9>"$prefix.lock"
flock 9
if [ -f "$entry" ]; then
  echo "s3rver already installed in $prefix"
  exit 0
fi
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error --no-save "s3rver@$version"

if [ ! -f "$entry" ]; then
  echo "s3rver install finished but $entry is missing." >&2
  exit 1
fi
echo "Installed s3rver $version into $prefix"
