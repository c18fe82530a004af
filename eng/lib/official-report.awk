# The table rows of eng/bench-official.sh from its results (tab-separated: case, round, wall s,
# peak RSS KiB, load, machine CPU s, process CPU s, services CPU s); `cores` is set by the caller.
# Ratios are paired: each round's product row against the same round's official row, median over
# rounds. The last column takes the same round's "msbuild only" row (MSBuild starting and evaluating
# the project: the fixed cost of any build step, which a build that restores its cache pays anyway)
# off the product's wall time and machine CPU first. Needs eng/lib/stats.awk (median, minmax).
{ wall[$1, $2] = $3; machine[$1, $2] = $6; own[$1, $2] = $7 + $8; walls[$1] = walls[$1] " " $3; rss[$1] = rss[$1] " " int($4 / 1024); cpu[$1] = cpu[$1] " " $6; proc[$1] = proc[$1] " " $7; svc[$1] = svc[$1] " " $8; rounds[$2] = 1 }
END {
  n = split("msbuild only|save official|save gzip|save zstd|restore official|restore gzip|restore zstd", cases, "|")
  for (c = 1; c <= n; c++) {
    name = cases[c]; split(name, parts, " "); base = parts[1] " official"; ratios = ""; cpuratios = ""; ownratios = ""; netwall = ""; netcpu = ""
    if (!(name in walls)) continue
    if (name != base && parts[1] != "msbuild") for (r in rounds) if ((name, r) in wall && (base, r) in wall) {
      ratios = ratios " " wall[name, r] / wall[base, r]
      if (machine[base, r] > 0) cpuratios = cpuratios " " machine[name, r] / machine[base, r]
      if (own[base, r] > 0) ownratios = ownratios " " own[name, r] / own[base, r]
      if (("msbuild only", r) in wall) {
        netwall = netwall " " (wall[name, r] - wall["msbuild only", r]) / wall[base, r]
        if (machine[base, r] > 0) netcpu = netcpu " " (machine[name, r] - machine["msbuild only", r]) / machine[base, r]
      }
    }
    printf "| %s | %.2f (%s) | %d | %.2f / %.2f / %.2f (%.2f) | %s | %s | %s | %s |\n", name, median(walls[name]), minmax(walls[name]), median(rss[name]),
      median(proc[name]), median(svc[name]), median(cpu[name]), median(cpu[name]) / cores,
      ratios == "" ? "" : sprintf("**%.2f** (%s)", median(ratios), minmax(ratios)),
      cpuratios == "" ? "" : sprintf("**%.2f** (%s)", median(cpuratios), minmax(cpuratios)),
      ownratios == "" ? "" : sprintf("**%.2f** (%s)", median(ownratios), minmax(ownratios)),
      netwall == "" ? "" : sprintf("%.2f / %.2f", median(netwall), median(netcpu))
  }
}
