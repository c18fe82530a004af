# Shared by eng/install-*.sh (sourced, not run): one pinned npm package installed into its own
# prefix under <repo>/.tools (git-ignored) when that version is missing.

# $1 = the package (`azurite`, `@actions/cache`), $2 = its version, $3 = the prefix, $4 = the file
# under the package's folder that callers run or load (checked after the install), $5 = the
# Node.js version it needs (for the message).
install_npm_tool() {
  local package="$1" version="$2" prefix="$3" entry="$4" node="$5"
  local manifest="$prefix/node_modules/$package/package.json"
  if npm_tool_installed "$manifest" "$version"; then
    echo "$package $version already installed in $prefix"
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is required to install $package (install Node.js $node or later)." >&2
    exit 1
  fi
  mkdir -p "$prefix"
  # Test projects run at once and each installs what it is missing: one installs, the others wait.
  npm_tool_lock "$prefix.lock.d" "$package"
  if ! npm_tool_installed "$manifest" "$version"; then
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error --no-save "$package@$version" \
      || { npm_tool_unlock "$prefix.lock.d"; exit 1; }
  fi
  npm_tool_unlock "$prefix.lock.d"
  if [ ! -f "$prefix/node_modules/$package/$entry" ] || ! npm_tool_installed "$manifest" "$version"; then
    echo "$package install finished but $prefix/node_modules/$package/$entry is missing." >&2
    exit 1
  fi
  echo "Installed $package $version into $prefix"
}

# $1 = the package's package.json, $2 = the version wanted.
npm_tool_installed() { [ -f "$1" ] && grep -q "\"version\": \"$2\"" "$1"; }

# A lock that works on Linux, macOS and Git Bash (flock is Linux-only): mkdir is atomic everywhere.
# The holder's process id is kept inside, so a lock left by a killed install is taken over; the
# wait is bounded (10 minutes, the longest an npm install is given).
# $1 = the lock folder, $2 = the package (for the message).
npm_tool_lock() {
  local lock="$1" waited=0 holder
  until mkdir "$1" 2>/dev/null; do
    holder="$(cat "$lock/pid" 2>/dev/null || true)"
    if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then
      rm -rf "$lock"
      continue
    fi
    if [ "$waited" -ge 600 ]; then
      echo "Waited 10 minutes for another install of $2 (lock $lock); remove that folder if none is running." >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "$$" > "$lock/pid"
}

# $1 = the lock folder.
npm_tool_unlock() { rm -rf "$1"; }
