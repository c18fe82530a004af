namespace Atmos.Cache.Build.Tests.Support;

/// <summary>Locations inside this repository, found from the test assembly's folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string PackageProject => Path.Combine(Root, "src", "Atmos.Cache.Build", "Atmos.Cache.Build.csproj");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Atmos.Cache.Build.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Atmos.Cache.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
