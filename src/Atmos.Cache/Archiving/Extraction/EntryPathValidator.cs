using System.Runtime.CompilerServices;
using System.Text;
using Atmos.Cache.Errors;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// Turns a tar entry name into a safe root-relative path, or refuses the archive. On every OS: no '..',
/// no absolute paths, no NULs. Only with Windows' name rules (<see cref="FilePlatform.WindowsNames"/>),
/// where they are hazards, also no drive letters, backslashes, colons, reserved device names or other
/// names Windows cannot hold; elsewhere those are ordinary names that this package's own archiver
/// writes (a file <c>c:drive.txt</c> on Linux).
/// </summary>
internal static class EntryPathValidator
{
    /// <summary>The normalised root-relative path ("" for the root itself), with the rules of this OS.</summary>
    public static string Normalize(string name) => Normalize(name, FilePlatform.Current.WindowsNames);

    /// <summary>The normalised root-relative path; <paramref name="windowsRules"/> adds the Windows-only refusals.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Normalize(string name, bool windowsRules)
    {
        if (name.Length == 0)
        {
            throw Unsafe(name, "has an empty name");
        }

        if (name.Contains('\0'))
        {
            throw Unsafe(name, "contains a NUL character");
        }

        if (name.StartsWith('/'))
        {
            throw Unsafe(name, "is an absolute path");
        }

        if (windowsRules && name.Contains('\\'))
        {
            throw Unsafe(name, "contains a backslash (a folder separator on Windows)");
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

            if (windowsRules && WindowsNames.Hazard(segment, isFirst: segments.Count == 0) is { } hazard)
            {
                // A name this platform cannot hold, not a damaged archive: another platform restores it.
                throw new CacheArchiveException(Unsafe(name, hazard).Message) { OnThisMachine = true };
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }

    /// <summary>The refusal for an unsafe entry; names the entry (control characters escaped).</summary>
    public static CacheArchiveException Unsafe(string name, string problem) =>
        new($"The cache archive is unsafe and was not restored: the entry '{Display(name)}' {problem}.");

    public static string Display(string text) => EntryNames.Display(text);
}
