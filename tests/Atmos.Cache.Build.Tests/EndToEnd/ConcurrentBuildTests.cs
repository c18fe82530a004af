using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd;

/// <summary>Two separate builds on one machine share one cache root.</summary>
[TestClass]
public sealed class ConcurrentBuildTests
{
    [TestMethod]
    public async Task TwoBuildsOnOneRootRestoreOnceAndTheOtherReusesIt()
    {
        using var workspace = await Workspace.CreateAsync();
        workspace.AddProject("First");
        workspace.AddProject("Second");
        var cache = workspace.NewCache("shared");
        foreach (var project in new[] { "First", "Second" })
        {
            (await workspace.DotNetAsync(null, "restore", $"{project}/{project}.csproj")).AssertSucceeded("restore " + project);
        }

        var builds = await Task.WhenAll(
            workspace.DotNetAsync(cache, "build", "First/First.csproj", "--no-restore", "-v:n"),
            workspace.DotNetAsync(cache, "build", "Second/Second.csproj", "--no-restore", "-v:n"));
        builds[0].AssertSucceeded("first build");
        builds[1].AssertSucceeded("second build");

        Assert.AreEqual(1, builds.Sum(Summaries.Restores), string.Join("\n----\n", builds.Select(b => b.Tail())));
        Assert.AreEqual(1, builds.Sum(Summaries.SkippedRestores), "the other build waited and found the restore done");
        Assert.AreEqual(1, builds.Sum(Summaries.Saves));
        Assert.AreEqual(1, cache.Archives().Count);
    }
}
