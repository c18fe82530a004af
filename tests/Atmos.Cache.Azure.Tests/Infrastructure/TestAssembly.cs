using Atmos.Cache.Testing.Azurite;

namespace Atmos.Cache.Azure.Tests.Infrastructure;

/// <summary>Stops the run's shared Azurite (started by the first test that needs it).</summary>
[TestClass]
public static class TestAssembly
{
    [AssemblyCleanup]
    public static void StopAzurite() => SharedAzurite.Stop();
}
