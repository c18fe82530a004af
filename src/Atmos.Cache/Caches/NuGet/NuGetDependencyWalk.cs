using System.Xml;
using System.Xml.Linq;

namespace Atmos.Cache.Caches.NuGet;

/// <summary>
/// The package versions NuGet reads while it resolves a graph, beyond the ones it keeps: for every
/// dependency it meets, NuGet first takes the lowest version the range allows and reads that
/// package's nuspec, even when a higher version wins later (so <c>newtonsoft.json/12.0.1</c> is read
/// although the graph ends with 13.0.4). A packages folder without those versions sends NuGet to its
/// feeds again. The walk starts from the kept packages and the projects' own references and follows
/// the lowest version of every dependency range in the nuspecs (of every framework group: a little
/// more than NuGet reads, never less), among the versions the folder holds.
/// </summary>
internal sealed class NuGetDependencyWalk(string packagesFolder)
{
    private readonly Dictionary<string, List<string>> _versions = VersionsIn(packagesFolder);

    /// <summary>The package folders (<c>id/version</c>) reachable from <paramref name="start"/> and the references.</summary>
    public IReadOnlyCollection<string> From(IEnumerable<string> start, IEnumerable<(string Id, string Range)> references)
    {
        var reached = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<string>();
        void Visit(string? folder)
        {
            if (folder is not null && reached.Add(folder))
            {
                pending.Enqueue(folder);
            }
        }

        foreach (var folder in start)
        {
            Visit(folder);
        }

        foreach (var (id, range) in references)
        {
            Visit(Lowest(id, range));
        }

        while (pending.Count > 0)
        {
            foreach (var (id, range) in Dependencies(pending.Dequeue()))
            {
                Visit(Lowest(id, range));
            }
        }

        return reached;
    }

    /// <summary>The lowest version the folder holds that the range allows, as <c>id/version</c>; null when none.</summary>
    internal string? Lowest(string id, string range)
    {
        if (!_versions.TryGetValue(id.ToLowerInvariant(), out var versions))
        {
            return null;
        }

        var text = range.Trim();
        var inclusive = !text.StartsWith('(');
        var lower = text.TrimStart('[', '(').Split(',')[0].Trim().TrimEnd(']', ')');
        if (lower.Length == 0 || lower.Contains('*'))
        {
            return $"{id.ToLowerInvariant()}/{versions[0]}";
        }

        var bound = PackageVersion.Parse(lower);
        foreach (var version in versions)
        {
            var comparison = PackageVersion.Parse(version).CompareTo(bound);
            if (comparison > 0 || (comparison == 0 && inclusive))
            {
                return $"{id.ToLowerInvariant()}/{version}";
            }
        }

        return null;
    }

    private IEnumerable<(string Id, string Range)> Dependencies(string folder)
    {
        var id = folder[..folder.IndexOf('/')];
        var nuspec = Path.Combine(packagesFolder, folder, id + ".nuspec");
        XDocument document;
        try
        {
            if (!File.Exists(nuspec))
            {
                yield break;
            }

            document = XDocument.Load(nuspec);
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var dependency in document.Descendants().Where(e => e.Name.LocalName == "dependency"))
        {
            if ((string?)dependency.Attribute("id") is { Length: > 0 } dependencyId)
            {
                yield return (dependencyId, (string?)dependency.Attribute("version") ?? "");
            }
        }
    }

    /// <summary>Every id's versions in the folder, lowest first.</summary>
    private static Dictionary<string, List<string>> VersionsIn(string packagesFolder)
    {
        var versions = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(packagesFolder))
        {
            return versions;
        }

        foreach (var idFolder in Directory.EnumerateDirectories(packagesFolder))
        {
            var id = Path.GetFileName(idFolder);
            if (id.StartsWith('.'))
            {
                continue;
            }

            var list = Directory.EnumerateDirectories(idFolder).Select(Path.GetFileName).OfType<string>().ToList();
            list.Sort((a, b) => PackageVersion.Parse(a).CompareTo(PackageVersion.Parse(b)));
            versions[id.ToLowerInvariant()] = list;
        }

        return versions;
    }

    /// <summary>A NuGet version for ordering: up to four numbers, then the pre-release label (a release sorts after its pre-releases).</summary>
    private readonly record struct PackageVersion(long Major, long Minor, long Patch, long Revision, string Release) : IComparable<PackageVersion>
    {
        public static PackageVersion Parse(string text)
        {
            var core = text.Split('+')[0];
            var dash = core.IndexOf('-');
            var release = dash < 0 ? "" : core[(dash + 1)..];
            var numbers = (dash < 0 ? core : core[..dash]).Split('.').Select(p => long.TryParse(p, out var n) ? n : 0).Concat([0L, 0L, 0L, 0L]).ToArray();
            return new PackageVersion(numbers[0], numbers[1], numbers[2], numbers[3], release.ToLowerInvariant());
        }

        public int CompareTo(PackageVersion other)
        {
            var numeric = (Major, Minor, Patch, Revision).CompareTo((other.Major, other.Minor, other.Patch, other.Revision));
            if (numeric != 0)
            {
                return numeric;
            }

            return (Release.Length == 0, other.Release.Length == 0) switch
            {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => -1,
                _ => string.CompareOrdinal(Release, other.Release),
            };
        }
    }
}
