using Atmos.Cache.Errors;

namespace Atmos.Cache.Configuration;

/// <summary>
/// The one folder a build resolves every relative path in keys (<c>hashFiles</c>), the root and the lockfile
/// against: the folder the Atmos CLI runs in within the same CI job, so both compute the same key. Every
/// project of a build finds the same folder, whichever project resolves the key first.
/// </summary>
internal static class BaseDirectoryResolver
{
    internal const string PropertyName = "AtmosCacheBaseDirectory";
    internal const string VariableName = ConfigResolver.EnvironmentPrefix + "BASE_DIR";

    /// <summary>
    /// In order: <c>AtmosCacheBaseDirectory</c>, <c>ATMOS_CI_CACHE_BASE_DIR</c>; the repository root
    /// (<c>$GITHUB_WORKSPACE</c> inside GitHub Actions when the project is inside it, else the nearest folder
    /// upwards holding <c>.git</c>); the folder of the <c>atmos.yaml</c> in use; the solution or entry folder
    /// MSBuild passes; the working folder.
    /// </summary>
    internal static string Resolve(CacheSettings settings, IEnvironment environment, string workingDirectory, string? yamlPath)
    {
        var configured = ConfigValue.First(
            ConfigValue.FromProperty(settings.BaseDirectory, PropertyName),
            ConfigValue.FromEnvironment(environment, VariableName));
        if (configured is { } value)
        {
            var folder = Path.GetFullPath(value.Value, workingDirectory);
            return Directory.Exists(folder)
                ? Path.TrimEndingDirectorySeparator(folder)
                : throw new CacheConfigurationException(
                    $"The base folder '{folder}' from {value.Source} does not exist. Point it at the folder the Atmos CLI runs in (usually the repository root), or clear it.");
        }

        return GitHubWorkspace(environment, workingDirectory)
            ?? RepositoryRoot(workingDirectory)
            ?? (yamlPath is null ? null : Path.GetDirectoryName(Path.GetFullPath(yamlPath)))
            ?? (string.IsNullOrWhiteSpace(settings.DefaultBaseDirectory)
                ? null
                : Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.DefaultBaseDirectory.Trim(), workingDirectory)))
            ?? workingDirectory;
    }

    // Actions checks the repository out into $GITHUB_WORKSPACE and runs steps there; a project outside it
    // (a temporary test tree) is not part of that checkout.
    private static string? GitHubWorkspace(IEnvironment environment, string workingDirectory)
    {
        if (!string.Equals(environment.Get("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase)
            || environment.Get("GITHUB_WORKSPACE") is not { Length: > 0 } workspace)
        {
            return null;
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workspace.Trim()));
        return PathContainment.IsSameOrInside(workingDirectory, full) ? full : null;
    }

    // A .git folder, or a .git file in a worktree or submodule, marks the repository root.
    private static string? RepositoryRoot(string workingDirectory)
    {
        for (var folder = new DirectoryInfo(workingDirectory); folder is not null; folder = folder.Parent)
        {
            var git = Path.Combine(folder.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return Path.TrimEndingDirectorySeparator(folder.FullName);
            }
        }

        return null;
    }
}
