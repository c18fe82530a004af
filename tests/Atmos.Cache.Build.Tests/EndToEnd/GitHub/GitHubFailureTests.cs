using Atmos.Cache.Build.Tests.Support;
using Atmos.Cache.Emulator;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.EndToEnd.GitHub;

/// <summary>
/// Real builds against a cache service that misbehaves: transient faults are absorbed, an
/// outage costs one warning and leaves the root alone, secrets never reach the output, and the
/// backend stays out of the way outside GitHub Actions or without the runtime token.
/// </summary>
[TestClass]
public sealed class GitHubFailureTests
{
    private static GitHubWorkspace _workspace = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _)
    {
        _workspace = await GitHubWorkspace.CreateAsync("Solo", "Alpha", "Beta", "Gamma");
        _workspace.Workspace.AddSolution("Three", "Alpha", "Beta", "Gamma");
    }

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    [TestMethod]
    public async Task TransientFaultsAreRetriedAndTheBuildShowsNoWarning()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session);
        const string lockfile = "tools:\n  flaky: 2.0.0\n";
        var first = _workspace.NewRoot("flaky-save");
        GitHubWorkspace.WriteLockfile(first, lockfile);
        // Above the 32 MiB single-shot limit, so the upload is staged in blocks.
        TempFolder.WriteRandom(Path.Combine(first, "tools", "flaky.bin"), 40L * 1024 * 1024, seed: 21);
        var faults = session.Emulator.Faults;
        faults.FailTwirp(new(503), new(503));
        faults.FailBlockUploads(1);

        var save = await _workspace.BuildAsync("Solo/Solo.csproj", first, environment);
        save.AssertSucceeded("build with a flaky service");
        Assert.AreEqual(1, Summaries.Misses(save), save.Tail());
        Assert.AreEqual(1, save.Count($"Atmos cache [atmos]: saved '{GitHubWorkspace.DefaultKey(lockfile)}'"), save.Tail());
        BuildOutput.AssertNoCacheWarning(save, "build with a flaky service");
        var stats = session.Emulator.Stats;
        Assert.AreEqual(3, stats.Get(EmulatorStats.InjectedFault), "two Twirp 503s and one block 500 were served");
        Assert.AreEqual(3, stats.Get(EmulatorStats.Twirp("GetCacheEntryDownloadURL")), "the lookup was retried twice");
        Assert.AreEqual(1, stats.Get(EmulatorStats.PutBlockList));

        var second = _workspace.NewRoot("flaky-restore");
        GitHubWorkspace.WriteLockfile(second, lockfile);
        faults.CutDownloads(1);
        var restore = await _workspace.BuildAsync("Solo/Solo.csproj", second, environment);
        restore.AssertSucceeded("build with a download cut short");
        Assert.AreEqual(1, Summaries.ExactHits(restore), restore.Tail());
        BuildOutput.AssertNoCacheWarning(restore, "build with a download cut short");
        Assert.AreEqual(4, stats.Get(EmulatorStats.InjectedFault), "the cut was served");
        CollectionAssert.AreEqual(TreeSnapshot.Of(first).ToArray(), TreeSnapshot.Of(second).ToArray(), "restored byte for byte");
    }

    [TestMethod]
    public async Task AServiceDownForGoodCostsOneWarningPerBuildAndLeavesTheRootAlone()
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.Down = true;
        var root = _workspace.NewRoot("down");
        GitHubWorkspace.WriteLockfile(root, "tools:\n  down: 1.0.0\n");
        File.WriteAllText(Path.Combine(root, "kept.txt"), "kept");
        var before = TreeSnapshot.Of(root);

        var build = await _workspace.BuildAsync("Three.slnx", root, GitHubWorkspace.RunnerEnvironment(session), "-m:2", "-p:E2EWriteMarkers=false", "-p:E2EExpectRestore=false");
        build.AssertSucceeded("build with the cache service down");

        var warnings = BuildOutput.CacheWarnings(build);
        Assert.AreEqual(1, warnings.Count, string.Join('\n', warnings) + "\n" + build.Tail());
        foreach (var project in new[] { "Alpha", "Beta", "Gamma" })
        {
            Assert.AreEqual(1, build.Count($"  {project} -> "), $"{project} was built: {build.Tail()}");
        }

        Assert.IsTrue(session.Emulator.Stats.Get(EmulatorStats.InjectedFault) > 0, "the build did reach the (down) service");
        CollectionAssert.AreEqual(before.ToArray(), TreeSnapshot.Of(root).ToArray(), "the root's content is unchanged");
        var scratch = Path.Combine(root, ".atmos-cache", "tmp");
        Assert.AreEqual(0, Directory.Exists(scratch) ? Directory.EnumerateFileSystemEntries(scratch).Count() : 0, "no scratch archive is left behind");
    }

    [TestMethod]
    public async Task UnderWarnAsErrorAServiceDownIsOneWarningAndTheMissedSaveIsSaidAtDefaultVerbosity()
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.Down = true;
        var root = _workspace.NewRoot("down-warnaserror");
        GitHubWorkspace.WriteLockfile(root, "tools:\n  down: 2.0.0\n");

        // Every way of promoting warnings at once, at the default (minimal) verbosity.
        var build = await _workspace.Workspace.DotNetAsync(null, GitHubWorkspace.RunnerEnvironment(session),
            "build", "Three.slnx", "--no-restore", "-m:2", "-warnaserror", "-p:TreatWarningsAsErrors=true", "-p:MSBuildTreatWarningsAsErrors=true",
            "-p:AtmosCacheRoot=" + root, "-p:E2EWriteMarkers=false", "-p:E2EExpectRestore=false");
        build.AssertSucceeded("build with -warnaserror and the cache service down");

        var warnings = BuildOutput.CacheWarnings(build);
        Assert.AreEqual(1, warnings.Count, string.Join('\n', warnings) + "\n" + build.Tail());
        StringAssert.Contains(warnings[0], "warning ATMOSCACHE001");
        Assert.AreEqual(0, build.Count(": error ATMOSCACHE"), build.Tail());
        Assert.AreEqual(1, build.Count("Atmos cache [atmos]: not saved '"), "the missed save is said once: " + build.Tail());
    }

    [TestMethod]
    public async Task NoSecretReachesTheOutputOfAFailingBlobUploadAtDiagnosticVerbosity()
    {
        await using var session = await EmulatorSession.StartAsync();
        var root = _workspace.NewRoot("leaky-blob");
        GitHubWorkspace.WriteLockfile(root, "tools:\n  leaky: 1.0.0\n");
        // Every upload is refused with a body that echoes the signed URL, sig= included.
        session.Emulator.Faults.FailPutBlobs(1000);
        session.Emulator.Faults.FailBlockUploads(1000);

        var build = await _workspace.BuildAsync("Solo/Solo.csproj", root, GitHubWorkspace.RunnerEnvironment(session), "-v:diag");
        build.AssertSucceeded("build whose upload fails");

        Assert.AreEqual(1, BuildOutput.CacheWarnings(build).Count(line => line.Contains("warning ATMOSCACHE002", StringComparison.Ordinal) && line.Contains("HTTP 500", StringComparison.Ordinal)), build.Tail());
        Assert.IsTrue(build.Count("retry 1 of 4") > 0, "the retries, with the server's answer, are in the diagnostic log");
        Assert.IsTrue(session.Emulator.IssuedSignatures.Count > 0, "a signed URL was handed out");
        AssertNoSecret(build, session.Secrets);
    }

    [TestMethod]
    public async Task NoSecretReachesTheOutputWhenTheServicesEchoRejectedTokens()
    {
        await using var session = await EmulatorSession.StartAsync();
        var runtimeToken = "wrong-runtime-token-" + Guid.NewGuid().ToString("N");
        var restToken = "wrong-rest-token-" + Guid.NewGuid().ToString("N");
        // Both services answer 401 and quote the Authorization header they got.
        var environment = GitHubWorkspace.RunnerEnvironment(session, variables =>
        {
            variables["ACTIONS_RUNTIME_TOKEN"] = runtimeToken;
            variables["GITHUB_TOKEN"] = restToken;
        });
        var root = _workspace.NewRoot("leaky-token");
        GitHubWorkspace.WriteLockfile(root, "tools:\n  leaky: 2.0.0\n");

        var build = await _workspace.BuildAsync("Solo/Solo.csproj", root, environment, "-v:diag", "-p:E2EExpectRestore=false");
        build.AssertSucceeded("build with a rejected runtime token");
        var list = await _workspace.BuildAsync("Solo/Solo.csproj", root, environment, "-v:diag", "-t:ListCiCache");
        list.AssertSucceeded("list with a rejected REST token");

        Assert.IsTrue(build.Count("401") > 0, "the cache service refused the token: " + build.Tail());
        Assert.IsTrue(list.Count("401") > 0, "the REST API refused the token: " + list.Tail());
        Assert.AreEqual(1, BuildOutput.CacheWarnings(list).Count(line => line.Contains("warning ATMOSCACHE003", StringComparison.Ordinal)), list.Tail());
        AssertNoSecret(build, [runtimeToken, restToken, .. session.Secrets]);
        AssertNoSecret(list, [runtimeToken, restToken, .. session.Secrets]);
    }

    [TestMethod]
    public async Task OutsideGitHubActionsTheRunnerVariablesAloneDoNothing()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session, variables => variables.Remove("GITHUB_ACTIONS"));
        var root = _workspace.NewRoot("outside");

        var build = await _workspace.BuildAsync("Solo/Solo.csproj", root, environment, "-p:E2EExpectRestore=false", "-p:E2EWriteMarkers=false");
        build.AssertSucceeded("build outside GitHub Actions");

        Assert.AreEqual(0, build.Count(": warning "), build.Tail());
        Assert.AreEqual(0, Summaries.Any(build), build.Tail());
        Assert.AreEqual(0, session.Emulator.Stats.Snapshot().Count, "nothing reached the service");
        Assert.IsFalse(Directory.Exists(root), "the root was never touched");
    }

    [TestMethod]
    public async Task WithoutTheRuntimeTokenOneWarningSaysHowToSurfaceIt()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session, variables => variables.Remove("ACTIONS_RUNTIME_TOKEN"));
        var root = _workspace.NewRoot("no-token");

        var build = await _workspace.BuildAsync("Solo/Solo.csproj", root, environment, "-p:E2EExpectRestore=false");
        build.AssertSucceeded("build without the runtime token");

        var warnings = BuildOutput.CacheWarnings(build);
        Assert.AreEqual(1, warnings.Count, string.Join('\n', warnings) + "\n" + build.Tail());
        StringAssert.Contains(warnings[0], "ACTIONS_RUNTIME_TOKEN");
        StringAssert.Contains(warnings[0], "ACTIONS_RESULTS_URL");
        StringAssert.Contains(warnings[0], "Surfacing the runtime token");
        Assert.AreEqual(0, session.Emulator.Stats.Snapshot().Count, "nothing reached the service");
    }

    private static void AssertNoSecret(CommandResult result, IEnumerable<string> secrets)
    {
        foreach (var secret in secrets.Where(secret => secret.Length > 0))
        {
            var line = result.Lines.FirstOrDefault(line => line.Contains(secret, StringComparison.Ordinal));
            Assert.IsNull(line, $"a secret ({secret.Length} chars) appears in the output, in: {line?.Replace(secret, "<SECRET>", StringComparison.Ordinal)}");
        }
    }
}
