# Shared by the scripts in eng/ that go through the github/actions backend (sourced, not run):
# Azurite and the cache service emulator (tests/Atmos.Cache.Emulator) on free ports of 127.0.0.1.
# Expects: pids, an array the caller's clean-up kills (both services are appended to it).

github_services_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# A port the OS says is free (node is present wherever Azurite is).
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# $1 = port, $2 = what listens there (for the message); at most 30 s.
wait_for_port() {
  for _ in $(seq 1 300); do
    (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$2 did not listen on port $1" >&2
  exit 1
}

# $1 = folder for Azurite's data and both logs; the rest are extra emulator arguments (such as
# --direct-blobs: signed URLs that point straight at Azurite, as real ones point at Azure storage).
# Writes the runner's variables as the emulator printed them (its own throw-away tokens), one
# NAME=value per line, to $1/github.env: hand them only to the processes that need them.
start_github_services() {
  local dir="$1" azurite_port emulator_port
  shift
  bash "$github_services_repo/eng/install-azurite.sh" >/dev/null
  dotnet build "$github_services_repo/tests/Atmos.Cache.Emulator" -c Release -nodeReuse:false -v:q -nologo >/dev/null
  mkdir -p "$dir/azurite"
  azurite_port="$(free_port)"
  node "$github_services_repo/.tools/azurite/node_modules/azurite/dist/src/blob/main.js" \
    --blobHost 127.0.0.1 --blobPort "$azurite_port" --location "$dir/azurite" --skipApiVersionCheck --loose --silent \
    >"$dir/azurite.log" 2>&1 &
  pids+=($!)
  wait_for_port "$azurite_port" Azurite
  # A caller may put something in front of Azurite (eng/bench-nuget.sh: a shaped network link): it
  # defines a function azurite_front, which is given Azurite's port and sets azurite_front_port.
  if declare -F azurite_front >/dev/null; then
    azurite_front "$azurite_port"
    azurite_port="$azurite_front_port"
  fi
  emulator_port="$(free_port)"
  dotnet "$github_services_repo/tests/Atmos.Cache.Emulator/bin/Release/net10.0/Atmos.Cache.Emulator.dll" \
    --azurite "http://127.0.0.1:$azurite_port/devstoreaccount1" --port "$emulator_port" "$@" >"$dir/emulator.log" 2>&1 &
  pids+=($!)
  wait_for_port "$emulator_port" "the emulator"
  # The emulator prints its variables just after it starts listening.
  for _ in $(seq 1 100); do grep -q '^GITHUB_REPOSITORY=' "$dir/emulator.log" && break; sleep 0.1; done
  grep -E '^(GITHUB_ACTIONS|ACTIONS_RESULTS_URL|ACTIONS_RUNTIME_TOKEN|GITHUB_API_URL|GITHUB_TOKEN|GITHUB_REPOSITORY)=' \
    "$dir/emulator.log" >"$dir/github.env" || true
  if [ "$(wc -l <"$dir/github.env")" -ne 6 ]; then
    echo "the emulator did not print its environment" >&2
    cat "$dir/emulator.log" >&2
    exit 1
  fi
}
