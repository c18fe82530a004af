using System.Globalization;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Operations;

namespace Atmos.Cache.Build.Logging;

/// <summary>
/// The one line each operation prints at High importance: key, outcome, size and time, e.g.
/// <c>Atmos cache: restored 'k' (exact hit, 12.3 MiB, 1.4 s)</c>.
/// </summary>
public static class SummaryLine
{
    /// <summary>The prefix of every message the package logs (the targets' own messages spell it too).</summary>
    public const string Prefix = "Atmos cache: ";

    public static string ForRestore(RestoreResult result)
    {
        if (result.Skipped)
        {
            var how = !result.Hit ? "miss" : result.Exact ? "exact hit" : $"prefix hit on '{result.MatchedKey}'";
            return $"{Prefix}restore skipped for '{result.Key}': already restored in this lifecycle ({how})";
        }

        if (!result.Hit)
        {
            return $"{Prefix}miss for '{result.Key}' ({Seconds(result.Elapsed)})";
        }

        return result.Exact
            ? $"{Prefix}restored '{result.Key}' (exact hit, {Sizes.Format(result.ArchiveBytes)}, {Seconds(result.Elapsed)})"
            : $"{Prefix}restored '{result.MatchedKey}' for '{result.Key}' (prefix hit, {Sizes.Format(result.ArchiveBytes)}, {Seconds(result.Elapsed)})";
    }

    public static string ForSave(SaveResult result) =>
        result.Skipped
            ? $"{Prefix}save skipped for '{result.Key}': {result.Reason}"
            : $"{Prefix}saved '{result.Key}' ({Sizes.Format(result.ArchiveBytes)}, {Seconds(result.Elapsed)})";

    public static string Seconds(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s");
}
