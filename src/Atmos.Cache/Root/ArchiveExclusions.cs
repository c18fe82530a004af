namespace Atmos.Cache.Root;

/// <summary>
/// The top-level folders of a root that never travel in an archive: the state folder and the auth folders.
/// Like the Atmos CLI they are root-relative (only a top-level <c>auth</c> is excluded, not <c>x/auth</c>).
/// Compared case-insensitively so that a case-insensitive file system cannot be used to slip one in.
/// </summary>
internal static class ArchiveExclusions
{
    /// <summary>Returns the excluded folder that <paramref name="firstSegment"/> names, or null.</summary>
    public static string? Match(string firstSegment)
    {
        if (string.Equals(firstSegment, CachePaths.StateFolder, StringComparison.OrdinalIgnoreCase))
        {
            return CachePaths.StateFolder;
        }

        foreach (var auth in CachePaths.AuthFolders)
        {
            if (string.Equals(firstSegment, auth, StringComparison.OrdinalIgnoreCase))
            {
                return auth;
            }
        }

        return null;
    }

    /// <summary>Describes an excluded folder for messages.</summary>
    public static string Describe(string folder) =>
        folder == CachePaths.StateFolder ? $"the state folder '{folder}'" : $"the auth folder '{folder}'";
}
