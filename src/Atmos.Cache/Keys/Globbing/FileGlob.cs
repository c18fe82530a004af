namespace Atmos.Cache.Keys.Globbing;

/// <summary>
/// Expands a path pattern to the existing paths it matches.
/// <para>
/// A pattern without a <c>**</c> element is expanded exactly as Go's <c>filepath.Glob</c> does, which is
/// what Atmos's hashFiles uses: each element is matched with <see cref="GlobPattern"/> (<c>*</c> does not
/// cross folders, hidden entries are matched like any other), a literal pattern is returned when the path
/// exists (file or folder), and a malformed pattern matches nothing.
/// </para>
/// <para>
/// Extension, only when asked for (patterns from MSBuild properties, which the Atmos CLI never reads):
/// an element that is exactly <c>**</c> matches zero or more folders, so <c>src/**/*.csproj</c>
/// finds project files at any depth below <c>src</c>; a trailing <c>**</c> means <c>**/*</c> (everything
/// below). Hidden folders are descended into; folder symbolic links are not (they could loop). Each path is
/// returned once per pattern.
/// </para>
/// </summary>
internal static class FileGlob
{
    private const string DoubleStar = "**";

    private static readonly EnumerationOptions ListOptions = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Whether the pattern uses the <c>**</c> extension.</summary>
    internal static bool HasDoubleStar(string pattern) => Elements(pattern).Contains(DoubleStar);

    /// <summary>Expands <paramref name="pattern"/>; <c>**</c> recurses only with <paramref name="recursiveDoubleStar"/> (else it matches like <c>*</c>, as in Go).</summary>
    internal static List<string> Expand(string pattern, bool recursiveDoubleStar = true)
    {
        if (GlobPattern.TryParse(pattern) is null)
        {
            return [];
        }

        var matches = new List<string>();
        if (recursiveDoubleStar && HasDoubleStar(pattern))
        {
            ExpandDoubleStar(pattern, matches);
        }
        else
        {
            GoGlob(pattern, matches);
        }

        return matches;
    }

    // Go filepath.Glob: a literal is checked with Lstat; otherwise the folder part is globbed (recursively
    // when it holds meta characters) and each matching folder is listed, in sorted order, for the last element.
    private static void GoGlob(string pattern, List<string> matches)
    {
        if (!GlobPattern.HasMeta(pattern))
        {
            if (Exists(pattern))
            {
                matches.Add(pattern);
            }

            return;
        }

        var (dir, file) = GoPath.Split(pattern);
        dir = CleanGlobDir(dir);
        if (!GlobPattern.HasMeta(dir[GoPath.VolumeNameLength(dir)..]))
        {
            MatchInFolder(dir, file, matches);
            return;
        }

        if (dir == pattern)
        {
            return;
        }

        var folders = new List<string>();
        GoGlob(dir, folders);
        foreach (var folder in folders)
        {
            MatchInFolder(folder, file, matches);
        }
    }

    private static string CleanGlobDir(string dir)
    {
        if (dir.Length == 0)
        {
            return ".";
        }

        var volume = GoPath.VolumeNameLength(dir);
        // A root ("/", "C:\") keeps its separator; anything else loses the trailing one.
        return dir.Length == volume + 1 && GoPath.IsSeparator(dir[volume]) ? dir : dir[..^1];
    }

    private static void MatchInFolder(string folder, string elementPattern, List<string> matches)
    {
        var pattern = GlobPattern.TryParse(elementPattern);
        if (pattern is null)
        {
            return;
        }

        foreach (var name in SortedNames(folder))
        {
            if (pattern.Matches(name))
            {
                matches.Add(GoPath.Join(folder, name));
            }
        }
    }

    private static void ExpandDoubleStar(string pattern, List<string> matches)
    {
        var volume = GoPath.VolumeNameLength(pattern);
        var rooted = pattern.Length > volume && GoPath.IsSeparator(pattern[volume]);
        var start = rooted ? pattern[..(volume + 1)] : volume > 0 ? pattern[..volume] : ".";
        var elements = Elements(pattern[volume..]).Where(e => e.Length > 0).ToList();
        if (elements[^1] == DoubleStar)
        {
            elements.Add("*");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        Walk(start, elements, 0, seen, matches);
    }

    private static void Walk(string current, List<string> elements, int index, HashSet<string> seen, List<string> matches)
    {
        if (index == elements.Count)
        {
            if (seen.Add(current))
            {
                matches.Add(current);
            }

            return;
        }

        var element = elements[index];
        if (element == DoubleStar)
        {
            Walk(current, elements, index + 1, seen, matches);
            foreach (var folder in SortedSubfolders(current))
            {
                Walk(folder, elements, index, seen, matches);
            }

            return;
        }

        if (GlobPattern.HasMeta(element))
        {
            var pattern = GlobPattern.TryParse(element);
            if (pattern is null)
            {
                return;
            }

            foreach (var name in SortedNames(current))
            {
                if (pattern.Matches(name))
                {
                    Walk(GoPath.Join(current, name), elements, index + 1, seen, matches);
                }
            }

            return;
        }

        var next = GoPath.Join(current, element);
        var isLast = index == elements.Count - 1;
        if (isLast ? Exists(next) : Directory.Exists(next))
        {
            Walk(next, elements, index + 1, seen, matches);
        }
    }

    private static IEnumerable<string> Elements(string pattern) =>
        pattern.Split(OperatingSystem.IsWindows() ? ['/', '\\'] : ['/']);

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || IsLink(path);

    private static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    // Names in a folder, sorted as Go's Readdirnames + sort.Strings; unreadable folders list nothing (Go ignores I/O errors).
    private static List<string> SortedNames(string folder)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                return [];
            }

            var names = new DirectoryInfo(folder).EnumerateFileSystemInfos("*", ListOptions).Select(i => i.Name).ToList();
            names.Sort(Utf8OrdinalComparer.Instance);
            return names;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static List<string> SortedSubfolders(string folder)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                return [];
            }

            var names = new DirectoryInfo(folder).EnumerateDirectories("*", ListOptions)
                .Where(d => d.LinkTarget is null)
                .Select(d => d.Name)
                .ToList();
            names.Sort(Utf8OrdinalComparer.Instance);
            return names.Select(name => GoPath.Join(folder, name)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
