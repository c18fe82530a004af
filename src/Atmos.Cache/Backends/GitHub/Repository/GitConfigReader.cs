namespace Atmos.Cache.Backends.GitHub.Repository;

/// <summary>
/// Finds the git clone holding a folder and reads a remote's URL straight from its config file,
/// so no git process is needed. Handles worktrees and submodules, whose <c>.git</c> is a file
/// pointing at the real git folder.
/// </summary>
internal static class GitConfigReader
{
    /// <summary>The URL of <paramref name="remote"/> in the clone holding <paramref name="folder"/>, or null.</summary>
    public static string? FindRemoteUrl(string folder, string remote = "origin")
    {
        var config = FindConfigFile(folder);
        return config is null ? null : ReadRemoteUrl(File.ReadAllLines(config), remote);
    }

    /// <summary>The <c>url</c> of <c>[remote "name"]</c> in git config text, or null.</summary>
    public static string? ReadRemoteUrl(IEnumerable<string> lines, string remote)
    {
        var inSection = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('['))
            {
                inSection = IsRemoteSection(line, remote);
                continue;
            }

            if (!inSection || line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            var equals = line.IndexOf('=');
            if (equals > 0 && line[..equals].Trim().Equals("url", StringComparison.OrdinalIgnoreCase))
            {
                return Unquote(line[(equals + 1)..].Trim());
            }
        }

        return null;
    }

    private static bool IsRemoteSection(string header, string remote)
    {
        var end = header.IndexOf(']');
        if (end < 0)
        {
            return false;
        }

        var inner = header[1..end].Trim();
        const string prefix = "remote";
        if (!inner.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var subsection = inner[prefix.Length..].Trim();
        return subsection == $"\"{remote}\"";
    }

    private static string Unquote(string value)
    {
        // Strip a trailing comment that is outside quotes, then the quotes themselves.
        var inQuotes = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && value[i] is '#' or ';')
            {
                value = value[..i].TrimEnd();
                break;
            }
        }

        return value.Replace("\"", "", StringComparison.Ordinal);
    }

    private static string? FindConfigFile(string folder)
    {
        for (var current = new DirectoryInfo(Path.GetFullPath(folder)); current is not null; current = current.Parent)
        {
            var dotGit = Path.Combine(current.FullName, ".git");
            if (Directory.Exists(dotGit))
            {
                return ExistingOrNull(Path.Combine(dotGit, "config"));
            }

            if (File.Exists(dotGit))
            {
                return ConfigOfLinkedGitFolder(current.FullName, dotGit);
            }
        }

        return null;
    }

    private static string? ConfigOfLinkedGitFolder(string folder, string dotGitFile)
    {
        var pointer = File.ReadAllText(dotGitFile).Trim();
        const string prefix = "gitdir:";
        if (!pointer.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var gitDir = Path.GetFullPath(Path.Combine(folder, pointer[prefix.Length..].Trim()));
        // A worktree's git folder names the shared one (holding the config) in "commondir".
        var commonDirFile = Path.Combine(gitDir, "commondir");
        var commonDir = File.Exists(commonDirFile) ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(commonDirFile).Trim())) : gitDir;
        return ExistingOrNull(Path.Combine(commonDir, "config"));
    }

    private static string? ExistingOrNull(string path) => File.Exists(path) ? path : null;
}
