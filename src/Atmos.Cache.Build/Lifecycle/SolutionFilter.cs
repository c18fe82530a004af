using System.Text.Json;

namespace Atmos.Cache.Build.Lifecycle;

/// <summary>
/// A solution filter (<c>.slnf</c>) build: MSBuild builds only the filter's projects, but gives every
/// project the whole solution's project list (<c>CurrentSolutionConfigurationContents</c>) and no
/// property names the filter. The entry process's command line does, so a task running in that
/// process records it in the build ledger, and the save waits only for the filter's projects.
/// </summary>
internal static class SolutionFilter
{
    /// <summary>The full path of the <c>.slnf</c> this process was started to build, or null.</summary>
    public static string? FromCommandLine(string? startupDirectory)
    {
        foreach (var argument in Environment.GetCommandLineArgs().Skip(1))
        {
            var candidate = argument.Trim('"');
            if (!candidate.EndsWith(".slnf", StringComparison.OrdinalIgnoreCase) || candidate.StartsWith('-') || candidate.StartsWith('/') && !Path.IsPathRooted(candidate))
            {
                continue;
            }

            var full = Path.GetFullPath(candidate, string.IsNullOrEmpty(startupDirectory) ? Environment.CurrentDirectory : startupDirectory);
            if (File.Exists(full))
            {
                return full;
            }
        }

        return null;
    }

    /// <summary>The full paths of the filter's projects; null when the file cannot be read as a solution filter.</summary>
    public static IReadOnlyList<string>? Projects(string filterPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(filterPath));
            var solution = document.RootElement.GetProperty("solution");
            var solutionPath = Path.GetFullPath(Normalize(solution.GetProperty("path").GetString() ?? ""), Path.GetDirectoryName(filterPath)!);
            var solutionFolder = Path.GetDirectoryName(solutionPath)!;
            return
            [
                .. solution.GetProperty("projects").EnumerateArray()
                    .Select(p => p.GetString())
                    .Where(p => !string.IsNullOrWhiteSpace(p))
                    .Select(p => Path.GetFullPath(Normalize(p!), solutionFolder)),
            ];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Normalize(string path) => path.Replace('\\', Path.DirectorySeparatorChar).Replace('/', Path.DirectorySeparatorChar);
}
