using Atmos.Cache.Build.Tests.Support;

namespace Atmos.Cache.Build.Tests.EndToEnd;

/// <summary><c>dotnet build App.csproj</c> where App references two libraries: the entry project opens first and closes last.</summary>
[TestClass]
public sealed class ProjectReferenceLifecycleTests
{
    private static Workspace _workspace = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _)
    {
        _workspace = await Workspace.CreateAsync();
        _workspace.AddProject("Lib1");
        _workspace.AddProject("Lib2");
        _workspace.AddProject("App", "net10.0", "Lib1", "Lib2");
    }

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    [TestMethod]
    public async Task RestoresOnceBeforeCompilingAndSavesOnceAfterTheLastProject()
    {
        var cache = _workspace.NewCache("first");
        var stepOutputs = _workspace.Combine("github-output-first");
        var build = await _workspace.DotNetAsync(cache, new Dictionary<string, string> { ["GITHUB_OUTPUT"] = stepOutputs }, "build", "App/App.csproj", "-v:n");
        build.AssertSucceeded("dotnet build App.csproj");

        Assert.AreEqual(1, Summaries.Misses(build), build.Tail());
        Assert.AreEqual(1, Summaries.Restores(build), build.Tail());
        Assert.AreEqual(1, Summaries.Saves(build), build.Tail());
        CollectionAssert.AreEqual(new[] { "App-net10.0", "Lib1-net10.0", "Lib2-net10.0" }, cache.SavedMarkers().ToArray());
        StringAssert.Contains(File.ReadAllText(stepOutputs), "cache-hit=false\n");
        Assert.AreEqual(0, build.Count("warning ATMOSCACHE"), build.Tail());

        // A new machine (empty root) with the same store: an exact hit, and nothing to save.
        var second = new CacheLocation(_workspace.Combine("cache", "second", "root"), cache.Store);
        var stepOutputs2 = _workspace.Combine("github-output-second");
        var rebuild = await _workspace.DotNetAsync(second, new Dictionary<string, string> { ["GITHUB_OUTPUT"] = stepOutputs2 }, "build", "App/App.csproj", "-v:n");
        rebuild.AssertSucceeded("second dotnet build App.csproj");
        Assert.AreEqual(1, Summaries.ExactHits(rebuild), rebuild.Tail());
        Assert.AreEqual(1, rebuild.Lines.Count(l => l.Contains("Atmos cache [atmos]: save skipped for '", StringComparison.Ordinal) && l.Contains("exact cache hit", StringComparison.Ordinal)), rebuild.Tail());
        Assert.AreEqual(0, Summaries.Saves(rebuild), rebuild.Tail());
        Assert.IsTrue(File.Exists(Path.Combine(second.Root, "markers", "Lib1-net10.0.txt")), "the restored root holds the first build's content");
        StringAssert.Contains(File.ReadAllText(stepOutputs2), "cache-hit=true\n");
    }

    [TestMethod]
    public async Task AConsumersOutputGetsNoneOfThePackagesAssemblies()
    {
        var build = await _workspace.DotNetAsync(null, "build", "App/App.csproj", "-v:m", "-p:E2EExpectRestore=false");
        build.AssertSucceeded("dotnet build App.csproj");
        var files = Directory.GetFiles(_workspace.Combine("App", "bin", "Debug", "net10.0")).Select(Path.GetFileName).ToList();
        CollectionAssert.Contains(files, "App.dll");
        foreach (var shipped in new[] { "Atmos.Cache.Build.dll", "Atmos.Cache.dll", "ICSharpCode.SharpZipLib.dll", "ZstdSharp.dll", "YamlDotNet.dll" })
        {
            CollectionAssert.DoesNotContain(files, shipped);
        }
    }
}
