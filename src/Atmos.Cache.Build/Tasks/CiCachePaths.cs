using Atmos.Cache.Build.Logging;
using Atmos.Cache.Build.Output;
using Atmos.Cache.Configuration;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Atmos.Cache.Build.Tasks;

/// <summary>
/// Prints the resolved key, paths (with the excluded credential folders as <c>!</c> lines) and
/// restore keys, as Atmos's <c>atmos ci cache paths</c> does, for teams whose native
/// <c>actions/cache</c> step stores the content. Needs no backend. Format <c>github</c> (the
/// default) appends <c>key</c>, <c>path</c> and <c>restore-keys</c> to <c>$GITHUB_OUTPUT</c> when
/// it is set and prints them otherwise; <c>json</c>, <c>yaml</c> and <c>env</c> print.
/// </summary>
public sealed class CiCachePaths : CacheTask
{
    /// <summary><c>AtmosCachePathsFormat</c>: <c>github</c> (default), <c>json</c>, <c>yaml</c> or <c>env</c>.</summary>
    public string? Format { get; set; }

    /// <summary>The rendered exact key.</summary>
    [Output]
    public string? CacheKey { get; private set; }

    /// <summary>The absolute paths to cache.</summary>
    [Output]
    public ITaskItem[] CachePathItems { get; private set; } = [];

    /// <summary>The absolute credential folders that must never be cached.</summary>
    [Output]
    public ITaskItem[] ExcludedPathItems { get; private set; } = [];

    /// <summary>The rendered restore keys, in order.</summary>
    [Output]
    public ITaskItem[] RestoreKeyItems { get; private set; } = [];

    /// <summary>The report as printed (or as appended to <c>$GITHUB_OUTPUT</c>).</summary>
    [Output]
    public string? Text { get; private set; }

    private protected override string Operation => "paths";

    private protected override string FailureCode => DiagnosticCodes.PathsFailed;

    private protected override async System.Threading.Tasks.Task ExecuteAsync(CacheConfig config, CancellationToken cancellationToken)
    {
        var format = CachePathsReport.NormalizeFormat(Format);
        var report = CachePathsReport.From(config);
        CacheKey = report.Key;
        CachePathItems = Items(report.Paths);
        ExcludedPathItems = Items(report.ExcludePaths);
        RestoreKeyItems = Items(report.RestoreKeys);
        Text = report.Render(format);

        if (Session is not null && !await Session.ClaimAsync("paths:" + format, cancellationToken).ConfigureAwait(false))
        {
            LogDetail("cache paths already printed in this build.");
            return;
        }

        var outputFile = Environment.Get(GitHubOutputFile.Variable);
        if (format == CachePathsReport.GitHub && !string.IsNullOrWhiteSpace(outputFile))
        {
            GitHubOutputFile.Append(outputFile!, report.GitHubOutputs());
            LogSummary($"{SummaryLine.Prefix}wrote key, path and restore-keys for '{report.Key}' to $GITHUB_OUTPUT");
            return;
        }

        foreach (var line in Text.TrimEnd('\n').Split('\n'))
        {
            LogSummary(line);
        }
    }

    private static ITaskItem[] Items(IEnumerable<string> values) => [.. values.Select(value => (ITaskItem)new TaskItem(value))];
}
