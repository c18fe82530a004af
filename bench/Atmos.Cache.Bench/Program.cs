using Atmos.Cache.Bench;

// One engine operation per process so that eng/bench.sh can time it (wall time and peak RSS)
// from outside, exactly like the native baselines it runs beside it.
return await BenchProgram.RunAsync(args);
