using System.IO.Compression;
using System.Text;
using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Build.Tests.Support;
using Atmos.Cache.Emulator;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.EndToEnd.GitHub;

/// <summary>
/// Trust in real <c>dotnet build</c>s inside an (emulated) GitHub Actions job: the signing key and
/// signatures stay out of diagnostic output and binary logs, a corrupt entry gives one coded warning
/// and heals, a denied write is one informational line, lookup-only writes the step outputs without
/// downloading, and fail-on-miss fails the build with its code.
/// </summary>
[TestClass]
public sealed class GitHubTrustTests
{
    private const string SigningKey = "e2e-signing-secret-5f2b9c0d7a";

    private static GitHubWorkspace _workspace = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _) => _workspace = await GitHubWorkspace.CreateAsync("Trusty");

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    [TestMethod]
    public async Task TheSigningKeyAndTheSignatureNeverReachDiagnosticOutputOrTheBinaryLog()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session, variables => variables["ATMOS_CI_CACHE_SIGNING_KEY"] = SigningKey);
        const string lockfile = "tools:\n  signed: 1.0.0\n";
        var key = GitHubWorkspace.DefaultKey(lockfile);
        var first = _workspace.NewRoot("signed-save");
        GitHubWorkspace.WriteLockfile(first, lockfile);
        var firstLog = _workspace.Workspace.Combine("signed-save.binlog");
        var second = _workspace.NewRoot("signed-restore");
        GitHubWorkspace.WriteLockfile(second, lockfile);
        var secondLog = _workspace.Workspace.Combine("signed-restore.binlog");

        var save = await _workspace.BuildAsync("Trusty/Trusty.csproj", first, environment, "-v:diag", "-bl:" + firstLog);
        var restore = await _workspace.BuildAsync("Trusty/Trusty.csproj", second, environment, "-v:diag", "-bl:" + secondLog);

        save.AssertSucceeded("signed save");
        restore.AssertSucceeded("verified restore");
        Assert.AreEqual(1, save.Count($"Atmos cache [atmos]: saved '{key}'"), save.Tail());
        Assert.AreEqual(1, Summaries.ExactHits(restore), restore.Tail());
        BuildOutput.AssertNoCacheWarning(restore, "verified restore");
        var signature = await StoredSignatureAsync(session, key);
        string[] forms = [SigningKey, Convert.ToHexString(signature), Convert.ToHexString(signature).ToLowerInvariant(), Convert.ToBase64String(signature)];
        foreach (var (result, log) in new[] { (save, firstLog), (restore, secondLog) })
        {
            var text = BinaryLogText(log);
            StringAssert.Contains(text, key, "the search sees what the build logged");
            foreach (var form in forms)
            {
                Assert.AreEqual(0, result.Count(form), $"a secret form ({form.Length} chars) is in the diagnostic output");
                Assert.DoesNotContain(form, text, $"a secret form ({form.Length} chars) is in the binary log {Path.GetFileName(log)}");
            }

            Assert.AreEqual(-1, BinaryLogBytes(log).AsSpan().IndexOf(signature), "the raw signature is in the binary log");
        }
    }

    [TestMethod]
    public async Task ACorruptEntryGivesOneCodedWarningLeavesTheRootAloneAndTheSameBuildSavesItAgain()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session);
        const string lockfile = "tools:\n  corrupt: 1.0.0\n";
        var key = GitHubWorkspace.DefaultKey(lockfile);
        var first = _workspace.NewRoot("corrupt-first");
        GitHubWorkspace.WriteLockfile(first, lockfile);
        TempFolder.WriteRandom(Path.Combine(first, "tools", "bin"), 300 * 1024, seed: 3);
        (await _workspace.BuildAsync("Trusty/Trusty.csproj", first, environment)).AssertSucceeded("first build");
        await session.Emulator.ChangeStoredEntryAsync(key, EmulatorSession.GzipVersion, bytes => bytes[bytes.Length / 2] ^= 0x5a);
        var second = _workspace.NewRoot("corrupt-second");
        GitHubWorkspace.WriteLockfile(second, lockfile);

        var healing = await _workspace.BuildAsync("Trusty/Trusty.csproj", second, environment, "-p:E2EExpectRestore=false");
        var third = _workspace.NewRoot("corrupt-third");
        GitHubWorkspace.WriteLockfile(third, lockfile);
        var next = await _workspace.BuildAsync("Trusty/Trusty.csproj", third, environment);

        healing.AssertSucceeded("build that finds the corrupt entry");
        var warnings = BuildOutput.CacheWarnings(healing);
        Assert.HasCount(1, warnings, healing.Tail());
        StringAssert.Contains(warnings[0], "warning ATMOSCACHE007");
        StringAssert.Contains(warnings[0], $"'{key}' is corrupt");
        Assert.IsFalse(File.Exists(Path.Combine(second, "tools", "bin")), "nothing of the corrupt entry reached the root");
        Assert.AreEqual(1, healing.Count($"Atmos cache [atmos]: saved '{key}'"), healing.Tail());
        next.AssertSucceeded("next build");
        Assert.AreEqual(1, Summaries.ExactHits(next), next.Tail());
        CollectionAssert.AreEqual(TreeSnapshot.Of(second).ToArray(), TreeSnapshot.Of(third).ToArray());
    }

    [TestMethod]
    public async Task AWriteDeniedRefusalIsOneInformationalLineWithoutWarningOrRetry()
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.DenyWrites = true;
        var root = _workspace.NewRoot("denied");
        GitHubWorkspace.WriteLockfile(root, "tools:\n  denied: 1.0.0\n");

        var build = await _workspace.BuildAsync("Trusty/Trusty.csproj", root, GitHubWorkspace.RunnerEnvironment(session));

        build.AssertSucceeded("build whose writes are denied");
        Assert.AreEqual(1, build.Count("cache write denied:"), build.Tail());
        Assert.AreEqual(1, Summaries.SkippedSaves(build), build.Tail());
        Assert.AreEqual(0, build.Count(": warning "), build.Tail());
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.Twirp("CreateCacheEntry")), "no retry");
    }

    [TestMethod]
    public async Task LookupOnlyWritesTheStepOutputsAndDownloadsNoByte()
    {
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session);
        const string lockfile = "tools:\n  lookup: 1.0.0\n";
        var key = GitHubWorkspace.DefaultKey(lockfile);
        var first = _workspace.NewRoot("lookup-first");
        GitHubWorkspace.WriteLockfile(first, lockfile);
        (await _workspace.BuildAsync("Trusty/Trusty.csproj", first, environment)).AssertSucceeded("first build");
        session.Emulator.Stats.Reset();
        var output = _workspace.Workspace.Combine("lookup-output.txt");
        var lookupEnvironment = GitHubWorkspace.RunnerEnvironment(session, variables => variables["GITHUB_OUTPUT"] = output);
        var second = _workspace.NewRoot("lookup-second");
        GitHubWorkspace.WriteLockfile(second, lockfile);

        var build = await _workspace.BuildAsync("Trusty/Trusty.csproj", second, lookupEnvironment, "-p:AtmosCacheLookupOnly=true", "-p:AtmosCacheAuto=restore", "-p:E2EExpectRestore=false");

        build.AssertSucceeded("lookup-only build");
        Assert.AreEqual(1, build.Count($"Atmos cache [atmos]: lookup only for '{key}': exact hit; nothing downloaded"), build.Tail());
        Assert.AreEqual($"cache-hit=true\ncache-matched-key={key}\n", File.ReadAllText(output));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.RangedGet) + session.Emulator.Stats.Get(EmulatorStats.WholeGet) + session.Emulator.Stats.Get(EmulatorStats.Head));
    }

    [TestMethod]
    public async Task FailOnMissFailsTheBuildWithItsCode()
    {
        await using var session = await EmulatorSession.StartAsync();
        var root = _workspace.NewRoot("required");
        GitHubWorkspace.WriteLockfile(root, "tools:\n  required: 1.0.0\n");

        var build = await _workspace.BuildAsync("Trusty/Trusty.csproj", root, GitHubWorkspace.RunnerEnvironment(session), "-p:AtmosCacheFailOnMiss=true", "-p:E2EExpectRestore=false");

        Assert.AreNotEqual(0, build.ExitCode, build.Tail());
        Assert.IsTrue(build.Count("error ATMOSCACHE011") > 0, build.Tail());
    }

    private static async Task<byte[]> StoredSignatureAsync(EmulatorSession session, string key)
    {
        var archive = await session.Emulator.ReadStoredEntryAsync(key, EmulatorSession.GzipVersion);
        using var stream = new MemoryStream(archive);
        var signature = ArchiveTrailer.Read(stream, ArchiveCompression.Gzip)?.Find(TrailerTag.Signature);
        Assert.IsNotNull(signature, "the saved entry is signed");
        return signature.Value.ToArray();
    }

    /// <summary>A binary log is a gzip stream; its strings are UTF-8 (searched also as UTF-16, to be safe).</summary>
    private static byte[] BinaryLogBytes(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static string BinaryLogText(string path)
    {
        var bytes = BinaryLogBytes(path);
        Assert.IsGreaterThan(1000, bytes.Length, "the binary log was written");
        return Encoding.UTF8.GetString(bytes) + Encoding.Unicode.GetString(bytes);
    }
}
