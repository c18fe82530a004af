using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd;

/// <summary>No backend, and design-time builds: no warning, no work, the task assembly not even loaded.</summary>
[TestClass]
public sealed class QuietWhenOffTests
{
    private static Workspace _workspace = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _)
    {
        _workspace = await Workspace.CreateAsync();
        _workspace.AddProject("Plain");
    }

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    [TestMethod]
    public async Task WithoutABackendTheBuildSucceedsWithoutWarningsAndNeverLoadsTheTasks()
    {
        var build = await _workspace.DotNetAsync(null, "build", "Plain/Plain.csproj", "-v:diag", "-p:E2EExpectRestore=false");
        build.AssertSucceeded("dotnet build without a backend");

        Assert.AreEqual(0, build.Count(": warning "), "no warnings at all");
        Assert.AreEqual(1, build.Count("0 Warning(s)"), build.Tail());
        Assert.AreEqual(0, Summaries.Any(build));
        Assert.AreEqual(0, build.Count("Atmos.Cache.Build.dll\""), "the task assembly is never used");
        Assert.AreEqual(0, build.Count("Using \"RestoreCiCache\" task"), build.Tail());
        Assert.IsTrue(build.Count("no CI cache service detected") > 0, "a low-importance line says why");
    }

    [TestMethod]
    public async Task DesignTimeBuildsNeverTouchTheCache()
    {
        var cache = _workspace.NewCache("design-time");
        var build = await _workspace.DotNetAsync(cache, "build", "Plain/Plain.csproj", "-p:DesignTimeBuild=true", "-p:E2EExpectRestore=false", "-v:n");
        build.AssertSucceeded("design-time build");

        Assert.AreEqual(0, Summaries.Any(build), build.Tail());
        Assert.IsFalse(Directory.Exists(Path.Combine(cache.Root, ".atmos-cache")), "no lock, state or ledger was written");
        Assert.AreEqual(0, cache.Archives().Count);
    }
}
