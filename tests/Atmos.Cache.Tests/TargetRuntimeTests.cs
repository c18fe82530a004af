using Atmos.Cache.Operations;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests;

/// <summary>
/// These tests also run on .NET 8 (eng/test-net8.sh): a run must be on the runtime its build
/// targets, with the engine built for it, not rolled forward to a newer one.
/// </summary>
[TestClass]
public sealed class TargetRuntimeTests
{
    [TestMethod]
    public void TheRuntimeIsTheOneTheTestsTarget()
    {
        var target = AssemblyFramework.VersionOf(typeof(TargetRuntimeTests).Assembly);

        Assert.AreEqual(target.Major, Environment.Version.Major, $"tests built for {target} run on .NET {Environment.Version}");
        Assert.AreEqual(new Version(8, 0), AssemblyFramework.VersionOf(typeof(CacheManager).Assembly), "the engine is built for net8.0");
    }
}
