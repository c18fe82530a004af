# Shared by eng/ scripts (sourced, not run): the few things GNU's tools do with an option that POSIX
# (and macOS's BSD tools, and Git Bash on Windows) do not have, written with POSIX tools only.

# The file a path finally names, with every symbolic link followed (GNU's readlink -f).
real_path() {
  local path="$1" target
  while [ -L "$path" ]; do
    target="$(readlink "$path")"
    case "$target" in
      /*) path="$target" ;;
      *) path="$(dirname "$path")/$target" ;;
    esac
  done
  echo "$(cd "$(dirname "$path")" && pwd -P)/$(basename "$path")"
}

# The size of a file in bytes (GNU's stat -c %s).
file_size() { wc -c < "$1" | tr -d ' '; }

# The total size of the regular files under a folder (GNU's find -printf '%s').
tree_bytes() { find "$1" -type f -exec ls -ln {} + | awk '{ s += $5 } END { printf "%.0f", s }'; }

# The number of online processors (GNU's nproc).
cpu_count() { getconf _NPROCESSORS_ONLN; }

# Standard input with its lines in reverse order (GNU's tac).
reverse_lines() { awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }'; }

# The hex SHA-256 of standard input (GNU's sha256sum; macOS has shasum).
sha256_hex() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi | cut -d' ' -f1
}
