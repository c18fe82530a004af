using System.Globalization;

namespace Atmos.Cache.Bench;

/// <summary>One timed process: which corpus and case, which round (for pairing), and what it measured.</summary>
internal sealed record Measurement(string Corpus, string Kind, string Case, int Round, double WallSeconds, long PeakRssKb, long OutputBytes, long InputBytes, double? EngineSeconds = null);

/// <summary>
/// The tab-separated results that eng/bench.sh appends to, one line per timed process:
/// corpus, kind, case, round, wall seconds, peak RSS KiB, output bytes, input bytes, and for engine rows
/// the engine's own seconds (measured inside the process, after the runtime started).
/// </summary>
internal static class ResultsFile
{
    public static IReadOnlyList<Measurement> Read(string path) => File.ReadLines(path)
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split('\t'))
        .Select(f => new Measurement(
            f[0], f[1], f[2],
            int.Parse(f[3], CultureInfo.InvariantCulture),
            double.Parse(f[4], CultureInfo.InvariantCulture),
            long.Parse(f[5], CultureInfo.InvariantCulture),
            long.Parse(f[6], CultureInfo.InvariantCulture),
            long.Parse(f[7], CultureInfo.InvariantCulture),
            f.Length > 8 && f[8].Length > 0 ? double.Parse(f[8], CultureInfo.InvariantCulture) : null))
        .ToList();
}
