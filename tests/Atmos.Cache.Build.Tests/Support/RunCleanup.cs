using Atmos.Cache.Testing.Azurite;

namespace Atmos.Cache.Build.Tests.Support;

[TestClass]
public static class RunCleanup
{
    /// <summary>Stops the run's Azurite (if a GitHub test started it) and removes this run's feed, package folder and workspaces.</summary>
    [AssemblyCleanup]
    public static void DeleteRunFolder()
    {
        SharedAzurite.Stop();
        try
        {
            if (Directory.Exists(PackageFeed.RunFolder))
            {
                Directory.Delete(PackageFeed.RunFolder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A lingering build process still holds a file: the OS's temp cleanup takes it later.
        }
    }
}
