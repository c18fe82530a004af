using Atmos.Cache.Platform;

namespace Atmos.Cache.Root;

/// <summary>
/// The top-level folders of a root that never travel in an archive: the state folder and the auth folders.
/// Like the Atmos CLI they are root-relative (only a top-level <c>auth</c> is excluded, not <c>x/auth</c>) and
/// compared as the file system compares names: exactly on Linux, as Atmos does (a top-level <c>Auth</c> is an
/// ordinary folder there), ignoring case on Windows and macOS, where <c>Auth</c> is the <c>auth</c> folder.
/// </summary>
internal static class ArchiveExclusions
{
    /// <summary>Returns the excluded folder that <paramref name="firstSegment"/> names, or null.</summary>
    public static string? Match(string firstSegment) => Match(firstSegment, FilePlatform.Current.NameComparison);

    /// <summary>Returns the excluded folder that <paramref name="firstSegment"/> names under <paramref name="comparison"/>, or null.</summary>
    public static string? Match(string firstSegment, StringComparison comparison)
    {
        if (string.Equals(firstSegment, CachePaths.StateFolder, comparison))
        {
            return CachePaths.StateFolder;
        }

        foreach (var auth in CachePaths.AuthFolders)
        {
            if (string.Equals(firstSegment, auth, comparison))
            {
                return auth;
            }
        }

        return null;
    }

    /// <summary>The excluded folder a normalised root-relative entry path lies in (or is), or null.</summary>
    public static string? MatchPath(string relativePath)
    {
        var slash = relativePath.IndexOf('/');
        return Match(slash < 0 ? relativePath : relativePath[..slash]);
    }

    /// <summary>Describes an excluded folder for messages.</summary>
    public static string Describe(string folder) =>
        folder == CachePaths.StateFolder ? $"the state folder '{folder}'" : $"the auth folder '{folder}'";
}
