using System.Runtime.CompilerServices;
using System.Text;
using Atmos.Cache.Errors;
using Atmos.Cache.Root;

namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// Turns a tar entry name into a safe root-relative path, or refuses the archive: no '..', no
/// absolute paths or drive letters, no backslashes or NULs, nothing under the excluded folders.
/// </summary>
internal static class EntryPathValidator
{
    /// <summary>The normalised root-relative path ("" for the root itself).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Normalize(string name)
    {
        if (name.Length == 0)
        {
            throw Unsafe(name, "has an empty name");
        }

        if (name.Contains('\0'))
        {
            throw Unsafe(name, "contains a NUL character");
        }

        if (name.Contains('\\'))
        {
            throw Unsafe(name, "contains a backslash");
        }

        if (name.StartsWith('/'))
        {
            throw Unsafe(name, "is an absolute path");
        }

        var segments = new List<string>();
        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                throw Unsafe(name, "contains a '..' component");
            }

            if (segments.Count == 0 && segment.Length >= 2 && segment[1] == ':' && char.IsAsciiLetter(segment[0]))
            {
                throw Unsafe(name, "starts with a drive letter");
            }

            if (OperatingSystem.IsWindows() && segment.Contains(':'))
            {
                throw Unsafe(name, "contains ':' (an alternate data stream on Windows)");
            }

            segments.Add(segment);
        }

        if (segments.Count > 0 && ArchiveExclusions.Match(segments[0]) is { } excluded)
        {
            throw Unsafe(name, $"is inside {ArchiveExclusions.Describe(excluded)}, which a cache may never write");
        }

        return string.Join('/', segments);
    }

    /// <summary>The refusal for an unsafe entry; names the entry (control characters escaped).</summary>
    public static CacheArchiveException Unsafe(string name, string problem) =>
        new($"The cache archive is unsafe and was not restored: the entry '{Display(name)}' {problem}.");

    public static string Display(string text) => EntryNames.Display(text);
}
