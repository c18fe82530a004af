# Shared by eng/bench-github-memory.sh, eng/bench-s3-memory.sh and eng/bench-azure-memory.sh (sourced, not run): the one-project
# workspace that references the packed package, and the three measured builds (uncached, save,
# restore) with the peak RSS of each; then memory_verdict prints the callers' closing table. Expects:
# work, version, size_mib, runner_env (the backend's environment), bench_verbosity (MSBuild verbosity
# of the logs the caller greps). Sets: uncached, save, restore (MB), and leaves the logs in
# $work/{uncached,save,restore}.log.

# ---- the workspace ----
ws="$work/ws"
mkdir -p "$ws/Bench"
cat > "$ws/nuget.config" <<XML
<configuration><packageSources><clear /><add key="bench" value="$work/feed" /></packageSources></configuration>
XML
cat > "$ws/Directory.Packages.props" <<'XML'
<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>
XML
cat > "$ws/Bench/Bench.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageReference Include="Atmos.Cache.Build" Version="$version" PrivateAssets="all" /></ItemGroup>
  <!-- Stands for a tool download: $size_mib MiB of random bytes in the cache root, unless a restore brought them. -->
  <Target Name="BenchWriteCache" BeforeTargets="CoreCompile" Condition="!Exists('\$(AtmosCacheRoot)/tools/big.bin')">
    <Exec Command="mkdir -p '\$(AtmosCacheRoot)/tools' &amp;&amp; head -c ${size_mib}M /dev/urandom &gt; '\$(AtmosCacheRoot)/tools/big.bin'" />
  </Target>
</Project>
XML
echo "namespace Bench; public static class C { }" > "$ws/Bench/C.cs"
(cd "$ws" && dotnet restore Bench/Bench.csproj -nodeReuse:false -v:q >/dev/null)

# ---- measuring ----
kb_of() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# $1 = label, $2 = cache root, rest = extra build arguments; runs inside a runner's environment.
# Prints the peak RSS in MB of the dotnet build (MSBuild) process.
measure() {
  local label="$1" root="$2"; shift 2
  local log="$work/$label.log" peak=0 kb pid
  (cd "$ws" && exec env "${runner_env[@]}" dotnet build Bench/Bench.csproj --no-restore --no-incremental -m:1 -nodeReuse:false \
      "-v:$bench_verbosity" -p:UseSharedCompilation=false "-p:AtmosCacheRoot=$root" "$@") >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    kb="$(kb_of "$pid")"
    [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak="$kb"
    sleep 0.05
  done
  if ! wait "$pid"; then
    echo "the $label build failed:" >&2
    tail -30 "$log" >&2
    exit 1
  fi
  if grep -q "warning ATMOSCACHE" "$log"; then
    echo "the $label build warned:" >&2
    grep "warning ATMOSCACHE" "$log" | sort -u >&2
    exit 1
  fi
  echo $(( peak / 1024 ))
}

echo "measuring ($size_mib MiB cache) ..."
uncached="$(measure uncached "$work/root-uncached" -p:AtmosCacheEnabled=false)"
save="$(measure save "$work/root-save")"
grep -qF "Atmos cache [atmos]: saved '" "$work/save.log" || { echo "the save build did not save" >&2; tail -30 "$work/save.log" >&2; exit 1; }
restore="$(measure restore "$work/root-restore")"
grep -q "(exact hit" "$work/restore.log" || { echo "the restore build did not restore" >&2; tail -30 "$work/restore.log" >&2; exit 1; }
cmp -s "$work/root-save/tools/big.bin" "$work/root-restore/tools/big.bin" || { echo "the restored data differs from the saved data" >&2; exit 1; }

# The peak RSS table and the goal's verdict (exit 2 when missed); expects goal_mb.
memory_verdict() {
  printf '%-34s %8s %12s\n' "peak RSS of the MSBuild process" "MB" "vs uncached"
  printf '%-34s %8d %12s\n' "uncached (AtmosCacheEnabled=false)" "$uncached" "-"
  printf '%-34s %8d %+12d\n' "cached: save ($size_mib MiB)" "$save" "$((save - uncached))"
  printf '%-34s %8d %+12d\n' "cached: restore ($size_mib MiB)" "$restore" "$((restore - uncached))"
  local worst=$(( (save > restore ? save : restore) - uncached ))
  if [ "$worst" -le "$goal_mb" ]; then
    echo "goal met: at most $goal_mb MB above the uncached build (worst: $worst MB)"
  else
    echo "goal missed: $worst MB above the uncached build (goal: $goal_mb MB)"
    exit 2
  fi
}
