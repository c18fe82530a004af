namespace Atmos.Cache.Build.Tests.Support;

[TestClass]
public static class RunCleanup
{
    /// <summary>Removes this run's feed, package folder and workspaces.</summary>
    [AssemblyCleanup]
    public static void DeleteRunFolder()
    {
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
