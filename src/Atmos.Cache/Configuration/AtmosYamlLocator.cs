using Atmos.Cache.Errors;

namespace Atmos.Cache.Configuration;

/// <summary>Finds the <c>atmos.yaml</c> whose <c>ci.cache</c> section applies.</summary>
internal static class AtmosYamlLocator
{
    internal const string FileName = "atmos.yaml";
    internal const string ConfigPathVariable = "ATMOS_CLI_CONFIG_PATH";

    /// <summary>
    /// The explicit file (<c>AtmosCacheConfigFile</c>, must exist), else <c>atmos.yaml</c> in the folder named by
    /// <c>ATMOS_CLI_CONFIG_PATH</c> (must exist), else the nearest <c>atmos.yaml</c> from the working folder
    /// upwards, stopping at the repository root (the first folder holding <c>.git</c>). Null when there is none.
    /// </summary>
    internal static string? Locate(string? configFile, IEnvironment environment, string workingDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configFile))
        {
            var path = Path.GetFullPath(configFile.Trim(), workingDirectory);
            if (!File.Exists(path))
            {
                throw new CacheConfigurationException(
                    $"The atmos.yaml file '{path}' named by the MSBuild property AtmosCacheConfigFile does not exist. Fix the path or clear the property.");
            }

            return path;
        }

        var configPath = environment.Get(ConfigPathVariable);
        if (!string.IsNullOrWhiteSpace(configPath))
        {
            var folder = Path.GetFullPath(configPath.Trim(), workingDirectory);
            // Tolerate a variable that names the file itself.
            var path = File.Exists(folder) ? folder : Path.Combine(folder, FileName);
            if (!File.Exists(path))
            {
                throw new CacheConfigurationException(
                    $"The environment variable {ConfigPathVariable} names '{folder}', which holds no {FileName}. Point it at the folder that contains {FileName}, or unset it.");
            }

            return path;
        }

        return SearchUpwards(workingDirectory);
    }

    private static string? SearchUpwards(string workingDirectory)
    {
        for (var folder = new DirectoryInfo(workingDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            // A .git folder, or a .git file in a worktree or submodule, marks the repository root.
            var git = Path.Combine(folder.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return null;
            }
        }

        return null;
    }
}
