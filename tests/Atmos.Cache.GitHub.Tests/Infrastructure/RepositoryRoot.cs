namespace Atmos.Cache.GitHub.Tests.Infrastructure;

/// <summary>The repository root: the nearest folder upwards holding Atmos.Cache.Build.sln.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Atmos.Cache.Build.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Atmos.Cache.Build.sln above {AppContext.BaseDirectory}.");
    }
}
