using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.Root;
using Atmos.Cache.S3.Tests.Infrastructure;
using Atmos.Cache.Testing;
using Fault = Atmos.Cache.S3.Tests.Infrastructure.S3FaultProxy.FaultKind;
using Kind = Atmos.Cache.S3.Tests.Infrastructure.S3FaultProxy.RequestKind;

namespace Atmos.Cache.S3.Tests.Backend;

/// <summary>The cache manager over the s3 backend and s3rver: the streaming save and restore paths end to end.</summary>
[TestClass]
public sealed class ManagerTests
{
    private const string Key = "atmos-cache-linux-amd64-0123456789abcdef";
    private const string RestorePrefix = "atmos-cache-linux-amd64-";

    [TestMethod]
    public async Task MissSaveExactHitAndPrefixHitRestoreIdenticalContent()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        var source = MakeRoot(bucket, "source");

        var miss = await Manager(bucket, source, Key).RestoreAsync();
        var saved = await Manager(bucket, source, Key).SaveAsync();
        var exact = Path.Combine(bucket.Temp.Path, "exact");
        var hit = await Manager(bucket, exact, Key).RestoreAsync();
        var prefix = Path.Combine(bucket.Temp.Path, "prefix");
        var prefixHit = await Manager(bucket, prefix, RestorePrefix + "fedcba9876543210", [RestorePrefix]).RestoreAsync();

        Assert.IsFalse(miss.Hit);
        Assert.IsTrue(saved.Saved);
        Assert.IsTrue(hit.Hit && hit.Exact);
        Assert.IsTrue(prefixHit.Hit && !prefixHit.Exact);
        Assert.AreEqual(Key, prefixHit.MatchedKey);
        CollectionAssert.AreEquivalent(Snapshot(source).ToList(), Snapshot(exact).ToList());
        CollectionAssert.AreEquivalent(Snapshot(source).ToList(), Snapshot(prefix).ToList());
        Assert.IsGreaterThan(1, bucket.Proxy!.Count(Kind.UploadPart), "the archive went up in parts");
        Assert.IsGreaterThan(2, bucket.Proxy.Count(Kind.RangedGet), "and came back in ranges");
    }

    [TestMethod]
    [DataRow(Fault.Cut)]
    [DataRow(Fault.InternalError)]
    public async Task ADownloadFailingForGoodFailsTheRestoreLeavesTheRootUnchangedAndDeletesNothing(Fault fault)
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        await Manager(bucket, MakeRoot(bucket, "source"), Key).SaveAsync();
        var root = Path.Combine(bucket.Temp.Path, "root");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "existing.txt"), "keep me");
        var before = Snapshot(root).ToList();
        bucket.Proxy!.Inject(Kind.RangedGet, fault, times: 1000);

        await Assert.ThrowsExactlyAsync<CacheBackendException>(() => Manager(bucket, root, Key).RestoreAsync());
        bucket.Proxy.ClearFaults();
        var later = await Manager(bucket, Path.Combine(bucket.Temp.Path, "later"), Key).RestoreAsync();

        CollectionAssert.AreEquivalent(before, Snapshot(root).ToList());
        // A transport failure says nothing about the stored bytes: the entry stays.
        Assert.AreEqual(0, bucket.Proxy.Count(Kind.Delete), "nothing was deleted");
        Assert.IsTrue(later.Hit && later.Exact, "the entry is still there once the transport works");
    }

    private static CacheManager Manager(S3Bucket bucket, string root, string key, IReadOnlyList<string>? restoreKeys = null)
    {
        Directory.CreateDirectory(root);
        var config = new CacheConfig
        {
            Root = root,
            Key = key,
            RestoreKeys = restoreKeys ?? [],
            Backend = BackendNames.S3,
            LocalDirectory = Path.Combine(bucket.Temp.Path, "unused-local-store"),
            WorkingDirectory = bucket.Temp.Path,
        };
        return new CacheManager(bucket.Backend(), config, bucket.Logger);
    }

    private static string MakeRoot(S3Bucket bucket, string name)
    {
        var root = Path.Combine(bucket.Temp.Path, name);
        Directory.CreateDirectory(Path.Combine(root, "toolchain", "bin"));
        File.WriteAllText(Path.Combine(root, "toolchain", "toolchain.lock.yaml"), $"tools: [{name}]\n");
        File.Move(bucket.Temp.RandomFile(name + "-tool", 5_500_000, seed: name.Length), Path.Combine(root, "toolchain", "bin", "tool"));
        return root;
    }

    private static IEnumerable<string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(relative => !relative.StartsWith(CachePaths.StateFolder + "/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(relative => $"{relative} {TempFolder.Sha256(Path.Combine(root, relative))}");
}
