using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd;

/// <summary>
/// A solution of four projects that all use the package (one referencing another). With -m:1 the
/// projects build one after another, so the open-build count drops to zero between them; the save
/// must still wait for the last one.
/// </summary>
[TestClass]
public sealed class SolutionLifecycleTests
{
    private static readonly string[] AllMarkers = ["Alpha-net10.0", "Beta-net10.0", "Delta-net10.0", "Gamma-net10.0"];
    private static Workspace _workspace = null!;
    private static string _solution = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _)
    {
        _workspace = await Workspace.CreateAsync();
        _workspace.AddProject("Alpha");
        _workspace.AddProject("Beta", "net10.0", "Alpha");
        _workspace.AddProject("Gamma");
        _workspace.AddProject("Delta");
        _solution = _workspace.AddSolution("All", "Alpha", "Beta", "Gamma", "Delta");
        var restore = await _workspace.DotNetAsync(null, "restore", _solution);
        restore.AssertSucceeded("dotnet restore");
    }

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    [TestMethod]
    [DataRow("1")]
    [DataRow("4")]
    public async Task RestoresOnceFirstAndSavesOnceWithEveryProjectsContent(string nodes)
    {
        var cache = _workspace.NewCache("m" + nodes);
        var build = await _workspace.DotNetAsync(cache, "build", _solution, "--no-restore", "-m:" + nodes, "-v:n", "--no-incremental");
        build.AssertSucceeded("dotnet build All.slnx -m:" + nodes);

        Assert.AreEqual(1, Summaries.Restores(build), build.Tail());
        Assert.AreEqual(1, Summaries.Saves(build), build.Tail());
        Assert.AreEqual(0, Summaries.SkippedSaves(build), build.Tail());
        CollectionAssert.AreEqual(AllMarkers, cache.SavedMarkers().ToArray());
    }

    [TestMethod]
    public async Task ManualSaveOnTheSolutionSavesOnce()
    {
        var cache = _workspace.NewCache("manual-sln");
        Directory.CreateDirectory(Path.Combine(cache.Root, "tools"));
        File.WriteAllText(Path.Combine(cache.Root, "tools", "tool.txt"), "tool");

        var save = await _workspace.DotNetAsync(cache, "build", _solution, "--no-restore", "-t:SaveCiCache", "-m:2", "-v:n");
        save.AssertSucceeded("dotnet build All.slnx -t:SaveCiCache");

        Assert.AreEqual(1, Summaries.Saves(save), save.Tail());
        Assert.AreEqual(0, Summaries.SkippedSaves(save), save.Tail());
        Assert.AreEqual(0, Summaries.Restores(save), save.Tail());
        CollectionAssert.Contains(CacheLocation.Entries(cache.Archives().Single()).ToList(), "tools/tool.txt");
    }

    [TestMethod]
    public async Task ManualSaveOnAProjectThenManualRestoreWithAutomaticModeOff()
    {
        var cache = _workspace.NewCache("manual-project");
        Directory.CreateDirectory(cache.Root);
        File.WriteAllText(Path.Combine(cache.Root, "seed.txt"), "seed");

        var save = await _workspace.DotNetAsync(cache, "build", "Gamma/Gamma.csproj", "--no-restore", "-t:SaveCiCache", "-v:n");
        save.AssertSucceeded("dotnet build Gamma.csproj -t:SaveCiCache");
        Assert.AreEqual(1, Summaries.Saves(save), save.Tail());

        var fresh = new CacheLocation(_workspace.Combine("cache", "manual-project-2", "root"), cache.Store);
        var restore = await _workspace.DotNetAsync(fresh, "build", "Gamma/Gamma.csproj", "--no-restore", "-t:RestoreCiCache", "-p:AtmosCacheAuto=off", "-v:n");
        restore.AssertSucceeded("dotnet build Gamma.csproj -t:RestoreCiCache");
        Assert.AreEqual(1, Summaries.ExactHits(restore), restore.Tail());
        Assert.AreEqual("seed", File.ReadAllText(Path.Combine(fresh.Root, "seed.txt")));

        // With the automatic mode off, a plain build does neither.
        var other = new CacheLocation(_workspace.Combine("cache", "manual-project-3", "root"), cache.Store);
        var build = await _workspace.DotNetAsync(other, "build", "Gamma/Gamma.csproj", "--no-restore", "-p:AtmosCacheAuto=off", "-p:E2EExpectRestore=false", "-v:n");
        build.AssertSucceeded("dotnet build Gamma.csproj -p:AtmosCacheAuto=off");
        Assert.AreEqual(0, Summaries.Any(build), build.Tail());
    }
}
