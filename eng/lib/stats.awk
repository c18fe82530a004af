# Shared by the benchmark reports (awk -f eng/lib/stats.awk -f <program>): the median and the range of
# a space-separated list of numbers.
function median(list,   n, v, i, j, t) {
  n = split(list, v, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
  return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function minmax(list,   n, v, i, lo, hi) {
  n = split(list, v, " "); lo = hi = v[1]
  for (i = 2; i <= n; i++) { if (v[i] + 0 < lo + 0) lo = v[i]; if (v[i] + 0 > hi + 0) hi = v[i] }
  return sprintf("%.2f-%.2f", lo, hi)
}
