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
  exec 9>"$prefix.lock"
  flock 9
  if ! npm_tool_installed "$manifest" "$version"; then
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error --no-save "$package@$version"
  fi
  flock -u 9
  if [ ! -f "$prefix/node_modules/$package/$entry" ] || ! npm_tool_installed "$manifest" "$version"; then
    echo "$package install finished but $prefix/node_modules/$package/$entry is missing." >&2
    exit 1
  fi
  echo "Installed $package $version into $prefix"
}

# $1 = the package's package.json, $2 = the version wanted.
npm_tool_installed() { [ -f "$1" ] && grep -q "\"version\": \"$2\"" "$1"; }
