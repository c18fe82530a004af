using System.Globalization;
using Atmos.Cache.Operations;

namespace Atmos.Cache.Build.Logging;

/// <summary>
/// The one line each operation prints at High importance: key, outcome, size and time, e.g.
/// <c>Atmos cache: restored 'k' (exact hit, 12.3 MB, 1.4 s)</c>.
/// </summary>
public static class SummaryLine
{
    public const string Prefix = "Atmos cache: ";

    public static string ForRestore(RestoreResult result)
    {
        if (result.Skipped && result.Reason is { } reason && reason != SkipReasons.AlreadyRestored)
        {
            return $"{Prefix}restore skipped for '{result.Key}': {reason}";
        }

        if (result.LookupOnly)
        {
            var found = !result.Hit ? "miss" : result.Exact ? "exact hit" : $"prefix hit on '{result.MatchedKey}'";
            return $"{Prefix}lookup only for '{result.Key}': {found}; nothing downloaded ({Seconds(result.Elapsed)})";
        }

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
            ? $"{Prefix}restored '{result.Key}' (exact hit, {Size(result.ArchiveBytes)}, {Seconds(result.Elapsed)})"
            : $"{Prefix}restored '{result.MatchedKey}' for '{result.Key}' (prefix hit, {Size(result.ArchiveBytes)}, {Seconds(result.Elapsed)})";
    }

    public static string ForSave(SaveResult result) =>
        result.Skipped
            ? $"{Prefix}save skipped for '{result.Key}': {result.Reason}"
            : $"{Prefix}saved '{result.Key}' ({Size(result.ArchiveBytes)}, {Seconds(result.Elapsed)})";

    /// <summary>Bytes in binary units with one decimal, e.g. <c>12.3 MB</c>.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }

    public static string Seconds(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s");
}
