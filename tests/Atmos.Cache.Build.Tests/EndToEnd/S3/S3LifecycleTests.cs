using Atmos.Cache.Build.Tests.EndToEnd.GitHub;
using Atmos.Cache.Build.Tests.Support;
using Atmos.Cache.Testing;
using Atmos.Cache.Testing.S3rver;

namespace Atmos.Cache.Build.Tests.EndToEnd.S3;

/// <summary>
/// Real <c>dotnet build</c>s with <c>AtmosCacheBackend=s3</c> against s3rver on 127.0.0.1, as a
/// GitLab or Jenkins job would run them: a miss and a save, an exact hit on a fresh root, a prefix
/// hit after the lockfile changed, then list and delete through the manual targets with the S3
/// settings given as MSBuild properties.
/// </summary>
[TestClass]
public sealed class S3LifecycleTests
{
    private const string Bucket = "atmos-build-tests";
    // s3rver checks only the access key id, so the secret and the token here are ones a leak would show.
    private const string Secret = "e2e-secret-access-key-7f3a9c";
    private const string SessionToken = "e2e-session-token-51b2d8";

    private static GitHubWorkspace _workspace = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _) => _workspace = await GitHubWorkspace.CreateAsync("App");

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    /// <summary>The strings of a binary log: its records are a gzip stream holding strings as UTF-8.</summary>
    private static string BinlogText(string path)
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    [TestMethod]
    public async Task MissSaveExactHitPrefixHitListAndDelete()
    {
        var endpoint = await SharedS3rver.EndpointAsync();
        var prefix = $"e2e/{Guid.NewGuid():N}/";
        var environment = new Dictionary<string, string>
        {
            ["ATMOS_CI_CACHE_BACKEND"] = "s3",
            ["ATMOS_CI_CACHE_S3_BUCKET"] = Bucket,
            ["ATMOS_CI_CACHE_S3_PREFIX"] = prefix,
            ["ATMOS_CI_CACHE_S3_ENDPOINT"] = endpoint.ToString(),
            ["ATMOS_CI_CACHE_S3_PATH_STYLE"] = "true",
            ["AWS_ACCESS_KEY_ID"] = S3rverServer.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = Secret,
            ["AWS_SESSION_TOKEN"] = SessionToken,
            ["AWS_REGION"] = "us-east-1",
        };
        const string oldLock = "tools:\n  opentofu: 1.8.0\n";
        const string newLock = "tools:\n  opentofu: 1.8.5\n";
        var oldKey = GitHubWorkspace.DefaultKey(oldLock);
        var newKey = GitHubWorkspace.DefaultKey(newLock);

        // Job 1: a miss, then the save after the build.
        var first = _workspace.NewRoot("first");
        GitHubWorkspace.WriteLockfile(first, oldLock);
        TempFolder.WriteRandom(Path.Combine(first, "tools", "opentofu", "bin"), 3 * 1024 * 1024, seed: 7);
        var binlog = _workspace.Workspace.Combine("s3-first.binlog");
        var save = await _workspace.BuildAsync("App/App.csproj", first, environment, "-v:d", "-bl:" + binlog);
        save.AssertSucceeded("first build");
        Assert.AreEqual(1, Summaries.Misses(save), save.Tail());
        Assert.AreEqual(1, save.Count($"Atmos cache [atmos]: saved '{oldKey}'"), save.Tail());
        BuildOutput.AssertNoCacheWarning(save, "first build");
        var saved = TreeSnapshot.Of(first);

        // Job 2: a fresh root with the same lockfile gets an exact hit and skips the save.
        var second = _workspace.NewRoot("second");
        GitHubWorkspace.WriteLockfile(second, oldLock);
        var hit = await _workspace.BuildAsync("App/App.csproj", second, environment, "-v:d");
        hit.AssertSucceeded("second build");
        Assert.AreEqual(1, Summaries.ExactHits(hit), hit.Tail());
        Assert.AreEqual(1, hit.Count($"Atmos cache [atmos]: save skipped for '{oldKey}': exact cache hit"), hit.Tail());
        BuildOutput.AssertNoCacheWarning(hit, "second build");
        CollectionAssert.AreEqual(saved.ToArray(), TreeSnapshot.Of(second).ToArray(), "the restored tree is the saved tree, byte for byte");

        // Job 3: a changed lockfile restores the old entry by prefix and saves under the new key.
        var third = _workspace.NewRoot("third");
        GitHubWorkspace.WriteLockfile(third, newLock);
        var prefixHit = await _workspace.BuildAsync("App/App.csproj", third, environment);
        prefixHit.AssertSucceeded("third build");
        Assert.AreEqual(1, prefixHit.Count($"Atmos cache [atmos]: restored '{oldKey}' for '{newKey}' (prefix hit"), prefixHit.Tail());
        Assert.AreEqual(1, prefixHit.Count($"Atmos cache [atmos]: saved '{newKey}'"), prefixHit.Tail());
        BuildOutput.AssertNoCacheWarning(prefixHit, "third build");

        // List and delete by hand, with the S3 settings as MSBuild properties instead of variables.
        var properties = new[]
        {
            "-p:AtmosCacheBackend=s3", $"-p:AtmosCacheS3Bucket={Bucket}", $"-p:AtmosCacheS3Prefix={prefix}",
            $"-p:AtmosCacheS3Endpoint={endpoint}", "-p:AtmosCacheS3PathStyle=true", "-p:AtmosCacheS3Region=us-east-1",
        };
        var credentialsOnly = environment.Where(v => v.Key.StartsWith("AWS_", StringComparison.Ordinal)).ToDictionary();
        var root = _workspace.NewRoot("admin");
        var list = await _workspace.BuildAsync("App/App.csproj", root, credentialsOnly, ["-t:ListCiCache", "-p:AtmosCacheListPrefix=atmos-cache-", .. properties]);
        list.AssertSucceeded("-t:ListCiCache");
        Assert.AreEqual(1, list.Count("Atmos cache: 2 entries with prefix 'atmos-cache-' in the s3 cache"), list.Tail());
        Assert.AreEqual(1, list.Lines.Count(line => line.Contains($"  {oldKey}  ", StringComparison.Ordinal)), list.Tail());
        Assert.AreEqual(1, list.Lines.Count(line => line.Contains($"  {newKey}  ", StringComparison.Ordinal)), list.Tail());

        var delete = await _workspace.BuildAsync("App/App.csproj", root, credentialsOnly, ["-t:DeleteCiCache", $"-p:AtmosCacheDeleteKey={oldKey}", .. properties]);
        delete.AssertSucceeded("-t:DeleteCiCache");
        Assert.AreEqual(1, delete.Count($"Atmos cache: deleted '{oldKey}' from the s3 cache"), delete.Tail());
        var after = await _workspace.BuildAsync("App/App.csproj", root, credentialsOnly, ["-t:ListCiCache", .. properties]);
        Assert.AreEqual(1, after.Count("Atmos cache: 1 entry in the s3 cache"), after.Tail());

        var recorded = BinlogText(binlog);
        Assert.Contains($"Atmos cache [atmos]: saved '{oldKey}'", recorded, "the binary log was read");
        Assert.DoesNotContain(Secret, recorded, "the secret key never reaches the binary log");
        Assert.DoesNotContain(SessionToken, recorded, "nor the session token");
        foreach (var build in new[] { save, hit, prefixHit, list, delete, after })
        {
            Assert.AreEqual(0, build.Count(Secret), "the secret key never reaches the build output");
            Assert.AreEqual(0, build.Count(SessionToken), "nor the session token");
            Assert.AreEqual(0, build.Count("Signature="), "nor a signature");
        }
    }
}
