using System.Globalization;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Operations;

namespace Atmos.Cache.Build.Logging;

/// <summary>
/// The one line each operation prints per cache at High importance: the cache, its key, the outcome,
/// where it went, content and archive sizes and the time, e.g.
/// <c>Atmos cache [nuget]: restored 'nuget-linux-x64-…' (exact hit) into ~/.nuget/packages: 187.3 MiB in 4,321 files from a 78.7 MiB archive, 2.1 s</c>.
/// </summary>
public static class SummaryLine
{
    /// <summary>The prefix of every message the package logs that is about no cache in particular (the targets' own messages spell it too).</summary>
    public const string Prefix = "Atmos cache: ";

    /// <summary>The prefix of a message about one cache: <c>Atmos cache [nuget]: </c>.</summary>
    public static string PrefixFor(CacheConfig cache) => $"Atmos cache [{cache.Name}]: ";

    public static string ForRestore(RestoreResult result, CacheConfig cache)
    {
        var prefix = PrefixFor(cache);
        var root = Display(cache.Root);
        if (result.Skipped && result.Reason is { } reason && reason != SkipReasons.AlreadyRestored)
        {
            return $"{prefix}restore skipped for '{result.Key}': {reason}";
        }

        if (result.LookupOnly)
        {
            return $"{prefix}lookup only for '{result.Key}': {How(result)}; nothing downloaded ({Seconds(result.Elapsed)})";
        }

        if (result.Skipped)
        {
            return $"{prefix}restore skipped for '{result.Key}': already restored into {root} in this lifecycle ({How(result)})";
        }

        if (!result.Hit)
        {
            return $"{prefix}miss for '{result.Key}': nothing restored into {root} ({Seconds(result.Elapsed)})";
        }

        var what = result.Exact ? $"restored '{result.Key}' (exact hit)" : $"restored '{result.MatchedKey}' for '{result.Key}' (prefix hit)";
        return $"{prefix}{what} into {root}: {Content(result.ContentBytes, result.Files)} from a {Sizes.Format(result.ArchiveBytes)} archive, {Seconds(result.Elapsed)}";
    }

    public static string ForSave(SaveResult result, CacheConfig cache, string? note = null)
    {
        var prefix = PrefixFor(cache);
        var suffix = string.IsNullOrEmpty(note) ? "" : $" ({note})";
        return result.Skipped
            ? $"{prefix}save skipped for '{result.Key}': {result.Reason}{suffix}"
            : $"{prefix}saved '{result.Key}' from {Display(cache.Root)}: {Content(result.ContentBytes, result.Files)} as a {Sizes.Format(result.ArchiveBytes)} archive, {Seconds(result.Elapsed)}{suffix}";
    }

    public static string Seconds(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s");

    /// <summary>A folder for people: the home folder as <c>~</c>.</summary>
    public static string Display(string folder)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 1 && PathContainment.IsSameOrInside(folder, home))
        {
            var relative = Path.GetRelativePath(home, folder);
            return relative == "." ? "~" : "~" + Path.DirectorySeparatorChar + relative;
        }

        return folder;
    }

    private static string How(RestoreResult result) =>
        !result.Hit ? "miss" : result.Exact ? "exact hit" : $"prefix hit on '{result.MatchedKey}'";

    private static string Content(long bytes, long files) =>
        string.Create(CultureInfo.InvariantCulture, $"{Sizes.Format(bytes)} in {files:N0} {(files == 1 ? "file" : "files")}");
}
