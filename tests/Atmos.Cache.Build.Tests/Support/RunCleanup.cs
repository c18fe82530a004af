using Atmos.Cache.Testing.Azurite;
using Atmos.Cache.Testing.S3rver;

namespace Atmos.Cache.Build.Tests.Support;

[TestClass]
public static class RunCleanup
{
    /// <summary>Stops the run's Azurite and s3rver (if a test started them) and removes this run's feed, package folder and workspaces.</summary>
    [AssemblyCleanup]
    public static void DeleteRunFolder()
    {
        SharedAzurite.Stop();
        SharedS3rver.Stop();
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
