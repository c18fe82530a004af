using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd;

/// <summary>
/// A project with two target frameworks. The second framework is net8.0: the SDK here carries only
/// the net10.0 targeting pack, and net8.0's pack is already in the machine's NuGet folder because
/// building the package itself (net8.0) downloaded it, so the test stays offline by adding that
/// folder as a second local feed.
/// </summary>
[TestClass]
public sealed class MultiTargetingTests
{
    [TestMethod]
    public async Task AMultiTargetedProjectRestoresAndSavesOnce()
    {
        using var workspace = await Workspace.CreateAsync(machinePackageFeed: true);
        workspace.AddProject("Multi", "net10.0;net8.0");
        var cache = workspace.NewCache("multi");

        var build = await workspace.DotNetAsync(cache, "build", "Multi/Multi.csproj", "-v:n");
        build.AssertSucceeded("dotnet build Multi.csproj");

        Assert.AreEqual(1, Summaries.Restores(build), build.Tail());
        Assert.AreEqual(1, Summaries.Saves(build), build.Tail());
        CollectionAssert.AreEqual(new[] { "Multi-net10.0", "Multi-net8.0" }, cache.SavedMarkers().ToArray());
    }
}
