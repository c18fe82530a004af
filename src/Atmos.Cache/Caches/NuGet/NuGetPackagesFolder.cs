using System.Xml;
using System.Xml.Linq;
using Atmos.Cache.Configuration;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Caches.NuGet;

/// <summary>
/// The global packages folder, found the way NuGet finds it: the project's <c>RestorePackagesPath</c>,
/// else <c>NUGET_PACKAGES</c>, else <c>globalPackagesFolder</c> in the closest NuGet.config that sets it
/// (from the project folder up to the file system root, then the user's config), else
/// <c>~/.nuget/packages</c>. NuGet's own properties are not there yet when the cache restores (it runs
/// before NuGet restore), so the cache reads the same inputs itself.
/// </summary>
internal static class NuGetPackagesFolder
{
    /// <summary>The config file names NuGet reads in each folder, in its order.</summary>
    private static readonly string[] ConfigFileNames = ["nuget.config", "NuGet.config", "NuGet.Config"];

    public static (string Path, string Source) Resolve(string? restorePackagesPath, string projectDirectory, IEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(restorePackagesPath))
        {
            return (Full(restorePackagesPath.Trim(), projectDirectory), "the MSBuild property RestorePackagesPath");
        }

        if (environment.Get("NUGET_PACKAGES") is { } variable && !string.IsNullOrWhiteSpace(variable))
        {
            return (Full(variable.Trim(), projectDirectory), "the environment variable NUGET_PACKAGES");
        }

        foreach (var config in ConfigFiles(projectDirectory, environment))
        {
            switch (GlobalPackagesFolder(config))
            {
                case { Cleared: true }:
                    return (DefaultFolder(environment), "the default (~/.nuget/packages)");
                case { Value: { } value }:
                    return (Full(Environment.ExpandEnvironmentVariables(value), Path.GetDirectoryName(config)!), $"globalPackagesFolder in '{config}'");
            }
        }

        return (DefaultFolder(environment), "the default (~/.nuget/packages)");
    }

    private static string Full(string path, string relativeTo) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, relativeTo));

    private static string DefaultFolder(IEnvironment environment)
    {
        var home = environment.Get(FilePlatform.Current.WindowsProfileFolders ? "USERPROFILE" : "HOME") is { Length: > 0 } h
            ? h
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".nuget", "packages");
    }

    /// <summary>Closest first: the project folder and its parents, then the user-wide config.</summary>
    private static IEnumerable<string> ConfigFiles(string projectDirectory, IEnvironment environment)
    {
        for (var folder = new DirectoryInfo(projectDirectory); folder is not null; folder = folder.Parent)
        {
            foreach (var name in ConfigFileNames)
            {
                var candidate = Path.Combine(folder.FullName, name);
                if (File.Exists(candidate))
                {
                    yield return candidate;
                    // One per folder: on a case-insensitive file system the names are the same file.
                    break;
                }
            }
        }

        var user = FilePlatform.Current.WindowsProfileFolders
            ? Path.Combine(environment.Get("APPDATA") ?? Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "NuGet", "NuGet.Config")
            : Path.Combine(environment.Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet", "NuGet.Config");
        if (File.Exists(user))
        {
            yield return user;
        }
    }

    /// <summary>The <c>globalPackagesFolder</c> a config sets, or whether its <c>config</c> section clears the ones above it.</summary>
    private static (string? Value, bool Cleared) GlobalPackagesFolder(string configFile)
    {
        try
        {
            var section = XDocument.Load(configFile).Root?.Element("config");
            if (section is null)
            {
                return (null, false);
            }

            string? value = null;
            var cleared = false;
            foreach (var element in section.Elements())
            {
                if (element.Name.LocalName == "clear")
                {
                    (value, cleared) = (null, true);
                }
                else if (element.Name.LocalName == "add" && string.Equals((string?)element.Attribute("key"), "globalPackagesFolder", StringComparison.OrdinalIgnoreCase))
                {
                    value = (string?)element.Attribute("value");
                }
                else if (element.Name.LocalName == "remove" && string.Equals((string?)element.Attribute("key"), "globalPackagesFolder", StringComparison.OrdinalIgnoreCase))
                {
                    value = null;
                }
            }

            return (string.IsNullOrWhiteSpace(value) ? null : value, cleared && value is null);
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
        {
            // NuGet itself reports a broken config; the cache then uses the next one, as a best guess.
            return (null, false);
        }
    }
}
