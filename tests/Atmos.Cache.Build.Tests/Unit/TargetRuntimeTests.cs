using Atmos.Cache.Build.Tasks;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.Unit;

/// <summary>
/// The unit tests also run on .NET 8 (eng/test-net8.sh) against the tasks' net8.0 build, the one
/// SDK 8 and 9's MSBuild loads: a run must be on that runtime, with that build of the tasks.
/// </summary>
[TestClass]
public sealed class TargetRuntimeTests
{
    [TestMethod]
    public void TheTasksAreTheBuildForTheRuntimeThatRunsThem()
    {
        var target = AssemblyFramework.VersionOf(typeof(TargetRuntimeTests).Assembly);

        Assert.AreEqual(target.Major, Environment.Version.Major, $"tests built for {target} run on .NET {Environment.Version}");
        Assert.AreEqual(target, AssemblyFramework.VersionOf(typeof(CacheTask).Assembly), "the tasks are built for the same framework");
    }
}
