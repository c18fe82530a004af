namespace Atmos.Cache.Caches.NuGet;

/// <summary>
/// What a NuGet cache entry holds: the packages this build's restores used (named by their
/// <c>project.assets.json</c> files), so an entry does not grow with every package a prefix hit carried
/// forward. Without assets information the whole folder is kept. The package's own SDK folder is never
/// kept: it is already there (NuGet's SDK resolver put it there before the cache could restore), and on
/// Windows its loaded task assembly could not be replaced.
/// <para>
/// NuGet keeps every package twice: the <c>.nupkg</c> it downloaded and the files it extracted from it.
/// Builds read only the extracted files, and NuGet takes a package as installed by its
/// <c>.nupkg.metadata</c> and <c>.nupkg.sha512</c> files, so the <c>.nupkg</c> of a package a restore
/// used is left out: already compressed, it was about a quarter of the folder and half of the archive
/// (restore, build, test, publish, pack and locked-mode restore were checked on such a folder, with
/// NuGet fetching no package). The local tools keep theirs, as does a folder saved whole.
/// </para>
/// </summary>
/// <param name="Includes">The root-relative package folders to archive; empty when there is nothing to keep.</param>
/// <param name="PackagesKept">How many package folders the entry holds.</param>
/// <param name="PackagesLeftOut">Package folders present but not used by this build (or this package's own).</param>
public sealed record NuGetSaveSelection(IReadOnlyList<string> Includes, int PackagesKept, int PackagesLeftOut)
{
    /// <summary>The root-relative <c>.nupkg</c> files of kept packages that the archive leaves out.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

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

        // Only the packages restores use go without their .nupkg; the tools keep theirs.
        var restored = new HashSet<string>(used, StringComparer.OrdinalIgnoreCase);
        if (anyAssets && !string.IsNullOrEmpty(baseDirectory))
        {
            used.UnionWith(NuGetAssets.ToolFolders(baseDirectory));
            restored.ExceptWith(NuGetAssets.ToolFolders(baseDirectory));
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
        var excludes = kept.Where(restored.Contains).Select(folder => RedundantPackageFile(packagesFolder, folder)).OfType<string>().ToList();
        return new NuGetSaveSelection(kept, kept.Count, leftOut.Count) { LeftOut = leftOut, Excludes = excludes };
    }

    /// <summary>
    /// The <c>id/version/id.version.nupkg</c> of a package folder when NuGet takes the package as installed
    /// without it (its <c>.nupkg.metadata</c> and <c>id.version.nupkg.sha512</c> are there); otherwise null.
    /// </summary>
    private static string? RedundantPackageFile(string packagesFolder, string folder)
    {
        var slash = folder.IndexOf('/', StringComparison.Ordinal);
        var package = $"{folder[..slash]}.{folder[(slash + 1)..]}.nupkg";
        var full = Path.Combine(packagesFolder, folder);
        return File.Exists(Path.Combine(full, package))
            && File.Exists(Path.Combine(full, InstalledPackages.CompletionMarker))
            && File.Exists(Path.Combine(full, package + ".sha512"))
            ? $"{folder}/{package}"
            : null;
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
