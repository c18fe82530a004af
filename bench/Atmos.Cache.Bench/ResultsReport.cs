using System.Globalization;
using System.Text;

namespace Atmos.Cache.Bench;

/// <summary>
/// Renders the measurements as markdown: per corpus, every case with its wall-time median and
/// spread, throughput, archive size, peak RSS and its paired ratios (the median over rounds of
/// this case's time divided by the baseline's time in the same round); then the scale table.
/// </summary>
internal static class ResultsReport
{
    private const string ScalePrefix = "scale ";

    public static string Render(IReadOnlyList<Measurement> all)
    {
        var text = new StringBuilder();
        var idle = all.Where(m => m.Kind == "idle").ToList();
        var idleRss = idle.Count > 0 ? Median(idle.Select(m => (double)m.PeakRssKb)) / 1024 : double.NaN;
        if (idle.Count > 0)
        {
            text.AppendLine(Invariant($"Idle engine process (start, load the engine, exit): peak RSS {idleRss:0} MiB (median of {idle.Count})."));
            text.AppendLine();
        }

        foreach (var corpus in all.Where(m => m.Kind != "idle").Select(m => m.Corpus).Distinct())
        {
            RenderCorpus(text, corpus, all.Where(m => m.Corpus == corpus).ToList());
        }

        RenderScale(text, all, idleRss);
        return text.ToString();
    }

    private static void RenderCorpus(StringBuilder text, string corpus, List<Measurement> rows)
    {
        var inputMb = rows.Max(m => m.InputBytes) / 1e6;
        text.AppendLine(Invariant($"### Corpus {corpus} ({inputMb:0.0} MB of file content; {rows.Select(m => m.Round).Distinct().Count()} rounds)"));
        text.AppendLine();
        text.AppendLine("| Case | Wall s median (min–max) | MB/s | Archive MB | Peak RSS MiB | Paired ratio (median over rounds) |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var name in rows.Select(m => m.Case).Distinct())
        {
            var runs = rows.Where(m => m.Case == name).ToList();
            var walls = runs.Select(m => m.WallSeconds).ToList();
            var median = Median(walls);
            var output = runs.Max(m => m.OutputBytes);
            var kind = runs[0].Kind;
            text.Append(Invariant($"| {Escape(name)} | {median:0.00} ({walls.Min():0.00}–{walls.Max():0.00}) | {runs[0].InputBytes / 1e6 / median:0} | "));
            text.Append(output > 0 && kind is "native-archive" or "archive" ? Invariant($"{output / 1e6:0.0}") : "");
            text.Append(Invariant($" | {runs.Max(m => m.PeakRssKb) / 1024.0:0} | "));
            text.Append(string.Join(" · ", Ratios(rows, name, kind)));
            text.AppendLine(" |");
        }

        text.AppendLine();
    }

    /// <summary>The baselines a case is compared with: native pipelines of its direction, and for save/restore the step alone.</summary>
    private static IEnumerable<string> Ratios(List<Measurement> rows, string name, string kind)
    {
        var baselines = kind switch
        {
            "archive" or "save" => rows.Where(m => m.Kind == "native-archive").Select(m => m.Case).Distinct().ToList(),
            "extract" or "restore" => rows.Where(m => m.Kind == "native-extract").Select(m => m.Case).Distinct().ToList(),
            _ => [],
        };
        var compression = name.Split(' ')[^1];
        if (kind == "save")
        {
            baselines.Insert(0, "archive " + compression);
        }
        else if (kind == "restore")
        {
            baselines.Insert(0, "extract " + compression);
        }

        foreach (var baseline in baselines)
        {
            if (PairedRatio(rows, name, baseline) is { } ratio)
            {
                yield return Invariant($"{Escape(baseline)}: **{ratio:0.00}**");
            }
        }
    }

    private static double? PairedRatio(List<Measurement> rows, string name, string baseline)
    {
        var ratios = rows.Where(m => m.Case == name)
            .Join(rows.Where(m => m.Case == baseline), m => m.Round, b => b.Round, (m, b) => m.WallSeconds / b.WallSeconds)
            .ToList();
        return ratios.Count == 0 ? null : Median(ratios);
    }

    private static void RenderScale(StringBuilder text, IReadOnlyList<Measurement> all, double idleRss)
    {
        const string FixedCost = ScalePrefix + "fixed cost";
        var scale = all.Where(m => m.Corpus.StartsWith(ScalePrefix, StringComparison.Ordinal)).ToList();
        if (scale.Count == 0)
        {
            return;
        }

        text.AppendLine("### Scale (the same corpus at several sizes)");
        text.AppendLine();
        text.AppendLine("\"Net\" subtracts the fixed cost of a run: the median wall time of the same operation on a root holding one small file. \"Engine\" is the operation's own time measured inside the process (after the runtime started, as in a build, where MSBuild is already running; JIT included).");
        text.AppendLine();
        text.AppendLine("| Case | Corpus | MB | Wall s median | s per GB | vs smallest | net s per GB | net vs smallest | engine s per GB | engine vs smallest | Peak RSS MiB | RSS above idle MiB |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var name in scale.Select(m => m.Case).Distinct())
        {
            var fixedRuns = scale.Where(m => m.Case == name && m.Corpus == FixedCost).ToList();
            var fixedCost = fixedRuns.Count > 0 ? Median(fixedRuns.Select(m => m.WallSeconds)) : 0;
            double? first = null;
            double? firstNet = null;
            double? firstEngine = null;
            foreach (var corpus in scale.Where(m => m.Case == name).Select(m => m.Corpus).Distinct())
            {
                var runs = scale.Where(m => m.Case == name && m.Corpus == corpus).ToList();
                var median = Median(runs.Select(m => m.WallSeconds));
                var rss = runs.Max(m => m.PeakRssKb) / 1024.0;
                if (corpus == FixedCost)
                {
                    text.AppendLine(Invariant($"| {Escape(name)} | fixed cost (one file) | 0 | {median:0.00} | | | | | | | {rss:0} | {rss - idleRss:0} |"));
                    continue;
                }

                var gb = runs[0].InputBytes / 1e9;
                var perGb = median / gb;
                var netPerGb = (median - fixedCost) / gb;
                var engineRuns = runs.Where(m => m.EngineSeconds is not null).Select(m => m.EngineSeconds!.Value).ToList();
                double? enginePerGb = engineRuns.Count > 0 ? Median(engineRuns) / gb : null;
                first ??= perGb;
                firstNet ??= netPerGb;
                firstEngine ??= enginePerGb;
                var engineCells = enginePerGb is { } e ? Invariant($"{e:0.00} | {e / firstEngine:0.00}") : " | ";
                text.AppendLine(Invariant(
                    $"| {Escape(name)} | {corpus[ScalePrefix.Length..]} | {runs[0].InputBytes / 1e6:0} | {median:0.00} | {perGb:0.00} | {perGb / first:0.00} | {netPerGb:0.00} | {netPerGb / firstNet:0.00} | {engineCells} | {rss:0} | {rss - idleRss:0} |"));
            }
        }

        text.AppendLine();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
