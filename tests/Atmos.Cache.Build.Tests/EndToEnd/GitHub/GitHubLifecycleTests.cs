using Atmos.Cache.Build.Tests.Support;
using Atmos.Cache.Emulator;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.EndToEnd.GitHub;

/// <summary>
/// Real <c>dotnet build</c>s inside a (emulated) GitHub Actions job: the <c>auto</c> backend
/// picks github/actions, restores before compiling and saves after the build, through the cache
/// service and blob storage of the emulator.
/// </summary>
[TestClass]
public sealed class GitHubLifecycleTests
{
    private static GitHubWorkspace _workspace = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _) => _workspace = await GitHubWorkspace.CreateAsync("App", "Left", "Right");

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    [TestMethod]
    public async Task MissSavesThenAFreshRootGetsAnExactHitAndSkipsTheSave()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session);
        const string lockfile = "tools:\n  terraform: 1.9.0\n";
        var key = GitHubWorkspace.DefaultKey(lockfile);
        var first = _workspace.NewRoot("first");
        GitHubWorkspace.WriteLockfile(first, lockfile);
        TempFolder.WriteRandom(Path.Combine(first, "tools", "terraform", "bin"), 256 * 1024, seed: 1);

        var save = await _workspace.BuildAsync("App/App.csproj", first, environment);
        save.AssertSucceeded("first build");
        Assert.AreEqual(1, Summaries.Misses(save), save.Tail());
        Assert.AreEqual(1, save.Count($"Atmos cache [atmos]: saved '{key}'"), save.Tail());
        BuildOutput.AssertNoCacheWarning(save, "first build");
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.Twirp("FinalizeCacheEntryUpload")));
        CollectionAssert.AreEqual(new[] { key }, session.Emulator.Store.Finalized().Select(record => record.Key).ToArray());
        var saved = TreeSnapshot.Of(first);

        // A later job: a fresh root holding only the (checked-out) lockfile.
        var second = _workspace.NewRoot("second");
        GitHubWorkspace.WriteLockfile(second, lockfile);
        var restore = await _workspace.BuildAsync("App/App.csproj", second, environment);
        restore.AssertSucceeded("second build");
        Assert.AreEqual(1, Summaries.ExactHits(restore), restore.Tail());
        Assert.AreEqual(1, restore.Count($"Atmos cache [atmos]: save skipped for '{key}': exact cache hit"), restore.Tail());
        BuildOutput.AssertNoCacheWarning(restore, "second build");
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.Twirp("CreateCacheEntry")), "the second build reserved nothing");
        CollectionAssert.AreEqual(saved.ToArray(), TreeSnapshot.Of(second).ToArray(), "the restored tree is the saved tree, byte for byte");
    }

    [TestMethod]
    public async Task AChangedLockfileRestoresByPrefixAndSavesUnderTheNewKey()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session);
        const string oldLock = "tools:\n  helm: 3.14.0\n";
        const string newLock = "tools:\n  helm: 3.15.1\n";
        var oldKey = GitHubWorkspace.DefaultKey(oldLock);
        var newKey = GitHubWorkspace.DefaultKey(newLock);
        Assert.AreNotEqual(oldKey, newKey);

        var first = _workspace.NewRoot("old-lock");
        GitHubWorkspace.WriteLockfile(first, oldLock);
        File.WriteAllText(Path.Combine(first, "old-tool.txt"), "installed by the old lockfile");
        (await _workspace.BuildAsync("App/App.csproj", first, environment)).AssertSucceeded("build with the old lockfile");

        var second = _workspace.NewRoot("new-lock");
        GitHubWorkspace.WriteLockfile(second, newLock);
        var build = await _workspace.BuildAsync("App/App.csproj", second, environment);
        build.AssertSucceeded("build with the changed lockfile");

        Assert.AreEqual(1, build.Count($"Atmos cache [atmos]: restored '{oldKey}' for '{newKey}' (prefix hit"), build.Tail());
        Assert.AreEqual(1, build.Count($"Atmos cache [atmos]: saved '{newKey}'"), build.Tail());
        BuildOutput.AssertNoCacheWarning(build, "build with the changed lockfile");
        Assert.AreEqual("installed by the old lockfile", File.ReadAllText(Path.Combine(second, "old-tool.txt")), "the prefix hit's content was restored");
        CollectionAssert.AreEquivalent(new[] { oldKey, newKey }, session.Emulator.Store.Finalized().Select(record => record.Key).ToArray());
    }

    [TestMethod]
    public async Task TwoJobsSavingTheSameKeyAtOnceUploadOnce()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session);
        const string lockfile = "tools:\n  kubectl: 1.30.0\n";
        var key = GitHubWorkspace.DefaultKey(lockfile);
        var left = _workspace.NewRoot("left");
        var right = _workspace.NewRoot("right");
        GitHubWorkspace.WriteLockfile(left, lockfile);
        GitHubWorkspace.WriteLockfile(right, lockfile);
        var leftReady = session.Temp.File("left.ready");
        var rightReady = session.Temp.File("right.ready");

        // Each build, once restored (a miss for both), waits for the other, so both saves race.
        var builds = await Task.WhenAll(
            _workspace.BuildAsync("Left/Left.csproj", left, environment, "-p:E2EReadyFile=" + leftReady, "-p:E2EWaitForFile=" + rightReady),
            _workspace.BuildAsync("Right/Right.csproj", right, environment, "-p:E2EReadyFile=" + rightReady, "-p:E2EWaitForFile=" + leftReady));
        builds[0].AssertSucceeded("left build");
        builds[1].AssertSucceeded("right build");
        var outputs = string.Join("\n----\n", builds.Select(build => build.Tail()));

        Assert.AreEqual(2, builds.Sum(Summaries.Misses), outputs);
        Assert.AreEqual(1, builds.Sum(build => build.Count($"Atmos cache [atmos]: saved '{key}'")), outputs);
        Assert.AreEqual(1, builds.Sum(build => build.Count($"Atmos cache [atmos]: save skipped for '{key}': already exists remotely")), outputs);
        builds.ToList().ForEach(build => BuildOutput.AssertNoCacheWarning(build, "concurrent build"));
        var stats = session.Emulator.Stats;
        Assert.AreEqual(2, stats.Get(EmulatorStats.Twirp("CreateCacheEntry")), "both jobs tried to reserve the key");
        Assert.AreEqual(1, stats.Get(EmulatorStats.PutBlob) + stats.Get(EmulatorStats.PutBlockList), "exactly one upload");
        Assert.AreEqual(1, stats.Get(EmulatorStats.Twirp("FinalizeCacheEntryUpload")));
        Assert.AreEqual(1, session.Emulator.Store.Finalized().Count);
    }

    [TestMethod]
    public async Task ListAndDeleteTargetsUseTheRestApi()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session);
        var backend = session.Backend();
        var sizes = new Dictionary<string, long> { ["e2e-admin-alpha"] = 1000, ["e2e-admin-beta"] = 3000, ["other-gamma"] = 2000 };
        foreach (var (key, size) in sizes)
        {
            await backend.SaveAsync(key, EmulatorSession.GzipVersion, session.Temp.RandomFile(key, size, seed: (int)size), TestContext.CancellationToken);
        }

        var root = _workspace.NewRoot("admin");
        var list = await _workspace.BuildAsync("App/App.csproj", root, environment, "-t:ListCiCache", "-p:AtmosCacheListPrefix=e2e-admin-");
        list.AssertSucceeded("-t:ListCiCache");
        Assert.AreEqual(1, list.Count("Atmos cache: 2 entries with prefix 'e2e-admin-' in the github/actions cache"), list.Tail());
        Assert.AreEqual(1, list.Lines.Count(line => line.Contains("  e2e-admin-alpha  ", StringComparison.Ordinal)), list.Tail());
        Assert.AreEqual(1, list.Lines.Count(line => line.Contains("  e2e-admin-beta  ", StringComparison.Ordinal)), list.Tail());
        Assert.AreEqual(0, list.Count("other-gamma"), "the prefix filters");
        Assert.AreEqual(1, session.Emulator.Stats.Get("rest.GET"));

        var delete = await _workspace.BuildAsync("App/App.csproj", root, environment, "-t:DeleteCiCache", "-p:AtmosCacheDeleteKey=e2e-admin-alpha");
        delete.AssertSucceeded("-t:DeleteCiCache");
        Assert.AreEqual(1, delete.Count("Atmos cache: deleted 'e2e-admin-alpha' from the github/actions cache"), delete.Tail());
        BuildOutput.AssertNoCacheWarning(delete, "delete");
        CollectionAssert.AreEquivalent(new[] { "e2e-admin-beta", "other-gamma" }, session.Emulator.Store.Finalized().Select(record => record.Key).ToArray());
        Assert.AreEqual(1, session.Emulator.Stats.Get("rest.DELETE"));
    }
}
