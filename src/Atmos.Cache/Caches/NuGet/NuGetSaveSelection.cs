namespace Atmos.Cache.Caches.NuGet;

/// <summary>
/// What a NuGet cache entry holds: the packages this build's restores used (named by their
/// <c>project.assets.json</c> files), so an entry does not grow with every package a prefix hit carried
/// forward. Without assets information the whole folder is kept. The package's own SDK folder is never
/// kept: it is already there (NuGet's SDK resolver put it there before the cache could restore), and on
/// Windows its loaded task assembly could not be replaced.
/// </summary>
/// <param name="Includes">The root-relative package folders to archive; empty when there is nothing to keep.</param>
/// <param name="PackagesKept">How many package folders the entry holds.</param>
/// <param name="PackagesLeftOut">Package folders present but not used by this build (or this package's own).</param>
public sealed record NuGetSaveSelection(IReadOnlyList<string> Includes, int PackagesKept, int PackagesLeftOut)
{
    /// <summary>The package folders left out (not used by this build), for the detailed log.</summary>
    public IReadOnlyList<string> LeftOut { get; init; } = [];

    /// <summary>The package id of this package, whose folder the NuGet cache never archives.</summary>
    public const string OwnPackageFolder = "atmos.cache.build";

    /// <summary>
    /// Selects from <paramref name="packagesFolder"/> by the given assets files (none: every package), and
    /// keeps the local tools the manifest under <paramref name="baseDirectory"/> names.
    /// </summary>
    public static NuGetSaveSelection Select(string packagesFolder, IEnumerable<string> assetsFiles, string? baseDirectory = null)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var references = new List<(string Id, string Range)>();
        var anyAssets = false;
        foreach (var file in assetsFiles)
        {
            if (File.Exists(file))
            {
                anyAssets = true;
                used.UnionWith(NuGetAssets.PackageFolders(file));
                references.AddRange(NuGetAssets.References(file));
            }
        }

        if (anyAssets)
        {
            // The versions NuGet reads on its way to the graph it keeps: without them it asks its feeds again.
            used.UnionWith(new NuGetDependencyWalk(packagesFolder).From([.. used], references));
        }

        if (anyAssets && !string.IsNullOrEmpty(baseDirectory))
        {
            used.UnionWith(NuGetAssets.ToolFolders(baseDirectory));
        }

        var present = PackageFoldersIn(packagesFolder);
        var kept = present
            .Where(folder => !folder.StartsWith(OwnPackageFolder + "/", StringComparison.OrdinalIgnoreCase))
            .Where(folder => !anyAssets || used.Contains(folder))
            .ToList();
        kept.Sort(StringComparer.Ordinal);
        var leftOut = present
            .Where(folder => !folder.StartsWith(OwnPackageFolder + "/", StringComparison.OrdinalIgnoreCase))
            .Except(kept, StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new NuGetSaveSelection(kept, kept.Count, leftOut.Count) { LeftOut = leftOut };
    }

    /// <summary>Every <c>id/version</c> folder of the packages folder, in the file system's spelling.</summary>
    private static List<string> PackageFoldersIn(string packagesFolder)
    {
        var folders = new List<string>();
        if (!Directory.Exists(packagesFolder))
        {
            return folders;
        }

        foreach (var id in Directory.EnumerateDirectories(packagesFolder))
        {
            var idName = Path.GetFileName(id);
            if (idName.StartsWith('.'))
            {
                continue;
            }

            foreach (var version in Directory.EnumerateDirectories(id))
            {
                folders.Add(idName + "/" + Path.GetFileName(version));
            }
        }

        return folders;
    }
}
