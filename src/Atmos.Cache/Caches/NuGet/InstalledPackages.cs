namespace Atmos.Cache.Caches.NuGet;

/// <summary>
/// The packages a NuGet folder already holds complete: NuGet writes <c>&lt;id&gt;/&lt;version&gt;/.nupkg.metadata</c>
/// last when it extracts a package, and never changes an installed package. Restoring a NuGet entry
/// over a folder that has them (a self-hosted runner keeps <c>~/.nuget/packages</c>) keeps those and
/// writes only the packages it lacks, instead of replacing every file with an identical copy.
/// </summary>
internal sealed class InstalledPackages(string packagesFolder)
{
    /// <summary>NuGet's marker of a completely extracted package.</summary>
    public const string CompletionMarker = ".nupkg.metadata";

    private readonly Dictionary<string, bool> _complete = new(StringComparer.Ordinal);

    /// <summary>True for an archive entry (root-relative, <c>/</c>-separated) inside a package the folder already holds complete.</summary>
    public bool Holds(string relativePath)
    {
        var first = relativePath.IndexOf('/');
        if (first <= 0)
        {
            return false;
        }

        var second = relativePath.IndexOf('/', first + 1);
        var package = second < 0 ? relativePath : relativePath[..second];
        if (second < 0 && !relativePath.EndsWith('/'))
        {
            // "id/version" as a file, not a folder: not a package folder.
            return false;
        }

        package = package.TrimEnd('/');
        if (!_complete.TryGetValue(package, out var complete))
        {
            complete = File.Exists(Path.Combine(packagesFolder, package, CompletionMarker));
            _complete[package] = complete;
        }

        return complete;
    }
}
