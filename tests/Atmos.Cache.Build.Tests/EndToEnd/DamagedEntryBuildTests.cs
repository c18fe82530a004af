using Atmos.Cache.Backends;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Backends.S3;
using Atmos.Cache.Build.Tests.EndToEnd.GitHub;
using Atmos.Cache.Build.Tests.Support;
using Atmos.Cache.Configuration;
using Atmos.Cache.Operations;
using Atmos.Cache.Testing;
using Atmos.Cache.Testing.S3rver;

namespace Atmos.Cache.Build.Tests.EndToEnd;

/// <summary>
/// Real <c>dotnet build</c>s over a stored entry damaged in each way a store can damage it (cut
/// short, a tar header failing its checksum, broken gzip magic, a damaged trailer, flipped bytes in
/// the compressed data), on the <c>local</c> backend and on S3 (s3rver): one <c>ATMOSCACHE007</c>
/// warning, the root as it was, the entry replaced by the same build's save, and an exact hit next.
/// </summary>
[TestClass]
public sealed class DamagedEntryBuildTests
{
    private const string Bucket = "atmos-build-tests";

    private static GitHubWorkspace _workspace = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _) => _workspace = await GitHubWorkspace.CreateAsync("Healed");

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    [TestMethod]
    public async Task OnTheLocalBackendEachDamageIsOneWarningAndTheSameBuildSavesTheEntryAgain()
    {
        var store = _workspace.Workspace.Combine("local-store");
        var environment = new Dictionary<string, string>
        {
            ["ATMOS_CI_CACHE_BACKEND"] = "local",
            ["ATMOS_CI_CACHE_LOCAL_DIR"] = store,
        };
        await HealEachDamageAsync("local", environment, new LocalBackend(store), "It was removed from the local store");
    }

    [TestMethod]
    public async Task OnS3EachDamageIsOneWarningAndTheSameBuildSavesTheEntryAgain()
    {
        var endpoint = await SharedS3rver.EndpointAsync();
        var prefix = $"e2e-damage/{Guid.NewGuid():N}/";
        var environment = new Dictionary<string, string>
        {
            ["ATMOS_CI_CACHE_BACKEND"] = "s3",
            ["ATMOS_CI_CACHE_S3_BUCKET"] = Bucket,
            ["ATMOS_CI_CACHE_S3_PREFIX"] = prefix,
            ["ATMOS_CI_CACHE_S3_ENDPOINT"] = endpoint.ToString(),
            ["ATMOS_CI_CACHE_S3_PATH_STYLE"] = "true",
            ["AWS_ACCESS_KEY_ID"] = S3rverServer.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = S3rverServer.SecretAccessKey,
            ["AWS_REGION"] = "us-east-1",
        };
        var config = new CacheConfig
        {
            Root = _workspace.Workspace.Combine("unused-root"),
            Key = "unused",
            LocalDirectory = _workspace.Workspace.Combine("unused-store"),
            WorkingDirectory = _workspace.Workspace.Combine("unused-folder"),
            Backend = "s3",
            S3 = new S3Config { Bucket = Bucket, Prefix = prefix, Endpoint = endpoint.ToString(), PathStyle = true, Region = "us-east-1" },
        };
        var backend = S3Backend.Create(new BackendOptions { Config = config, Environment = new DictionaryEnvironment(environment) });
        await HealEachDamageAsync("s3", environment, backend, $"It was deleted from the S3 bucket '{Bucket}'");
    }

    private static async Task HealEachDamageAsync(string name, Dictionary<string, string> environment, ICacheBackend backend, string removed)
    {
        var lockfile = $"tools:\n  damaged-{name}: 1.0.0\n";
        var key = GitHubWorkspace.DefaultKey(lockfile);
        var entries = new StoredEntries(backend, _workspace.Workspace.Combine($"{name}-scratch"));
        var first = NewRoot($"{name}-first", lockfile);
        TempFolder.WriteRandom(Path.Combine(first, "tools", "bin"), 200 * 1024, seed: 11);
        (await BuildAsync(first, environment)).AssertSucceeded($"{name}: the first build saves");
        var original = await entries.ReadAsync(key);

        foreach (var (kind, damage) in ArchiveDamage.Kinds)
        {
            var what = $"{name}, {kind}";
            var damaged = damage(original);
            await entries.ReplaceAsync(key, damaged);
            var root = NewRoot($"{name}-{kind}", lockfile);
            File.WriteAllText(Path.Combine(root, "keep.txt"), kind);
            var before = TreeSnapshot.Of(root).ToArray();

            var healing = await BuildAsync(root, environment);
            var next = NewRoot($"{name}-{kind}-next", lockfile);
            var after = await BuildAsync(next, environment);

            healing.AssertSucceeded(what);
            var warnings = BuildOutput.CacheWarnings(healing);
            Assert.HasCount(1, warnings, $"{what}:\n{healing.Tail()}");
            StringAssert.Contains(warnings[0], "warning ATMOSCACHE007", what);
            StringAssert.Contains(warnings[0], $"'{key}' is corrupt", what);
            StringAssert.Contains(warnings[0], removed, what);
            CollectionAssert.AreEqual(before, TreeSnapshot.Of(root).ToArray(), $"{what}: the root is as it was");
            Assert.AreEqual(1, Summaries.SavedKey(healing, key), $"{what}: the same build saves the key again\n{healing.Tail()}");
            CollectionAssert.AreNotEqual(damaged, await entries.ReadAsync(key), $"{what}: the damaged entry was replaced");
            after.AssertSucceeded(what + ", next build");
            Assert.AreEqual(1, Summaries.ExactHits(after), $"{what}: the next build is an exact hit\n{after.Tail()}");
            BuildOutput.AssertNoCacheWarning(after, what + ", next build");
            Assert.AreEqual(kind, File.ReadAllText(Path.Combine(next, "keep.txt")), $"{what}: the next build restores what the healing build saved");
        }
    }

    private static string NewRoot(string name, string lockfile)
    {
        var root = _workspace.NewRoot(name);
        GitHubWorkspace.WriteLockfile(root, lockfile);
        return root;
    }

    private static Task<CommandResult> BuildAsync(string root, Dictionary<string, string> environment) =>
        _workspace.BuildAsync("Healed/Healed.csproj", root, environment, "-p:E2EExpectRestore=false", "-p:E2EWriteMarkers=false");

    /// <summary>The stored bytes of the gzip entries of one backend, read and replaced through its own operations.</summary>
    private sealed class StoredEntries(ICacheBackend backend, string scratch)
    {
        private static readonly string Version = CacheVersion.For(Archiving.ArchiveCompression.Gzip);

        public async Task<byte[]> ReadAsync(string key)
        {
            Directory.CreateDirectory(scratch);
            var file = Path.Combine(scratch, "read.archive");
            await backend.RestoreAsync(key, [], Version, file, CancellationToken.None);
            return await File.ReadAllBytesAsync(file);
        }

        public async Task ReplaceAsync(string key, byte[] bytes)
        {
            Directory.CreateDirectory(scratch);
            var file = Path.Combine(scratch, "planted.archive");
            await File.WriteAllBytesAsync(file, bytes);
            await backend.DeleteAsync(key, CancellationToken.None);
            await backend.SaveAsync(key, Version, file, CancellationToken.None);
        }
    }
}
