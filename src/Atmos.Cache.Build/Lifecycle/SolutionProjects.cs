using System.Xml;
using System.Xml.Linq;

namespace Atmos.Cache.Build.Lifecycle;

/// <summary>
/// The projects of a solution build that use this package: the save waits until each of them
/// finished. MSBuild gives every project of a solution build the global property
/// <c>CurrentSolutionConfigurationContents</c>, which lists each project's absolute path and
/// whether the current solution configuration builds it.
/// </summary>
internal static class SolutionProjects
{
    /// <summary>The file name fragment NuGet writes into the import file of a project that references the package.</summary>
    public const string PackageTargetsFile = "Atmos.Cache.Build.targets";

    /// <summary>Projects the solution configuration builds (empty outside a solution build).</summary>
    public static IReadOnlyList<string> Built(string? solutionConfiguration)
    {
        if (string.IsNullOrWhiteSpace(solutionConfiguration))
        {
            return [];
        }

        XDocument document;
        try
        {
            document = XDocument.Parse(solutionConfiguration);
        }
        catch (XmlException)
        {
            return [];
        }

        return
        [
            .. document.Descendants("ProjectConfiguration")
                .Where(e => !string.Equals((string?)e.Attribute("BuildProjectInSolution"), "false", StringComparison.OrdinalIgnoreCase))
                .Select(e => (string?)e.Attribute("AbsolutePath"))
                .Where(path => !string.IsNullOrEmpty(path))
                .Select(path => Path.GetFullPath(path!)),
        ];
    }

    /// <summary>
    /// Of <paramref name="projects"/>, lazily, those whose NuGet import file imports this package's targets
    /// or that the SDK form marked when it restored them.
    /// The import file is looked for in the project's <c>obj/</c> folder and, for the artifacts
    /// layout, in the matching folder next to <paramref name="currentExtensionsPath"/>.
    /// </summary>
    public static IEnumerable<string> UsingPackage(IEnumerable<string> projects, string? currentProjectPath, string? currentExtensionsPath) =>
        projects.Where(project =>
            ImportFileCandidates(project, currentProjectPath, currentExtensionsPath).Any(ImportsPackage)
            || ImportFileCandidates(project, currentProjectPath, currentExtensionsPath, SdkMarkerSuffix).Any(File.Exists));

    /// <summary>The file the SDK form writes next to NuGet's imports when it restores a project (there is no NuGet import of an SDK).</summary>
    public const string SdkMarkerSuffix = ".atmos-cache.sdk";

    internal static IEnumerable<string> ImportFileCandidates(string project, string? currentProjectPath, string? currentExtensionsPath, string suffix = ".nuget.g.targets")
    {
        var fileName = Path.GetFileName(project) + suffix;
        yield return Path.Combine(Path.GetDirectoryName(project)!, "obj", fileName);

        // Artifacts layout: <artifacts>/obj/<ProjectName>/ — swap the current project's name for the sibling's.
        if (!string.IsNullOrEmpty(currentProjectPath) && !string.IsNullOrEmpty(currentExtensionsPath))
        {
            var extensions = Path.TrimEndingDirectorySeparator(Path.GetFullPath(currentExtensionsPath));
            if (string.Equals(Path.GetFileName(extensions), Path.GetFileNameWithoutExtension(currentProjectPath), StringComparison.Ordinal))
            {
                yield return Path.Combine(Path.GetDirectoryName(extensions)!, Path.GetFileNameWithoutExtension(project), fileName);
            }
        }
    }

    private static bool ImportsPackage(string importFile)
    {
        try
        {
            return File.Exists(importFile) && File.ReadAllText(importFile).Contains(PackageTargetsFile, StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
