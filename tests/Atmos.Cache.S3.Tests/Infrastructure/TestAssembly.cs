using Atmos.Cache.Testing.S3rver;

namespace Atmos.Cache.S3.Tests.Infrastructure;

/// <summary>Stops the run's shared s3rver (started by the first test that needs it).</summary>
[TestClass]
public static class TestAssembly
{
    [AssemblyCleanup]
    public static void StopS3rver() => SharedS3rver.Stop();
}
