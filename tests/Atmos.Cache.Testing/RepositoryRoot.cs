namespace Atmos.Cache.Testing;

/// <summary>The repository root: the nearest folder upwards from the test assembly holding Atmos.Cache.Build.sln.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(Find);

    public static string Path => Found.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Atmos.Cache.Build.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Atmos.Cache.Build.sln above {AppContext.BaseDirectory}.");
    }
}
