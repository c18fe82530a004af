using Atmos.Cache.Backends;
using Atmos.Cache.Errors;
using Atmos.Cache.S3.Tests.Infrastructure;
using Kind = Atmos.Cache.S3.Tests.Infrastructure.S3FaultProxy.RequestKind;

namespace Atmos.Cache.S3.Tests.Backend;

/// <summary>Prefix restore, listing across continuation pages and delete, against s3rver.</summary>
[TestClass]
public sealed class ListDeleteTests
{
    private const string Gzip = "0123456789abcdef";
    private const string Zstd = "fedcba9876543210";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ListingFollowsContinuationTokensAcrossPagesAndVersions()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        var backend = bucket.Backend(listPageSize: 2);
        foreach (var key in new[] { "app-1", "app-2", "app-3", "app-4", "app-5", "other-1" })
        {
            await backend.SaveAsync(key, Gzip, bucket.Temp.RandomFile(key, 100 + key.Length, seed: key.GetHashCode()), TestContext.CancellationToken);
        }

        await backend.SaveAsync("app-9", Zstd, bucket.Temp.RandomFile("z", 10, seed: 1), TestContext.CancellationToken);
        var listsBefore = bucket.Proxy!.Count(Kind.List);

        var entries = await backend.ListAsync(new CacheListOptions { KeyPrefix = "app-" }, TestContext.CancellationToken);
        var pages = bucket.Proxy.Count(Kind.List) - listsBefore;
        var all = await backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken);

        CollectionAssert.AreEquivalent(new[] { "app-1", "app-2", "app-3", "app-4", "app-5", "app-9" }, entries.Select(e => e.Key).ToArray());
        Assert.HasCount(7, all);
        Assert.AreEqual(Zstd, entries.Single(e => e.Key == "app-9").Version);
        Assert.IsTrue(entries.All(e => e.Size > 0 && e.CreatedAt is not null));
        // The versions listing, 3 pages of gzip entries (5 at 2 a page) and the zstd page.
        Assert.IsGreaterThanOrEqualTo(5, pages);
    }

    [TestMethod]
    public async Task ARestoreKeyRestoresAPrefixMatchAcrossPages()
    {
        await using var bucket = await S3Bucket.StartAsync();
        var backend = bucket.Backend(listPageSize: 1);
        await backend.SaveAsync("tools-linux-aaa", Gzip, bucket.Temp.RandomFile("a", 500, seed: 1), TestContext.CancellationToken);
        await backend.SaveAsync("tools-linux-bbb", Gzip, bucket.Temp.RandomFile("b", 600, seed: 2), TestContext.CancellationToken);

        var match = await backend.RestoreAsync("tools-linux-ccc", ["tools-darwin-", "tools-linux-"], Gzip, bucket.Temp.File("r"), TestContext.CancellationToken);

        StringAssert.StartsWith(match.MatchedKey, "tools-linux-");
        Assert.AreEqual(match.MatchedKey == "tools-linux-aaa" ? 500 : 600, match.Size);
        Assert.AreEqual(match.Size, new FileInfo(bucket.Temp.File("r")).Length);
    }

    [TestMethod]
    public async Task DeleteRemovesTheKeyInEveryVersionAndAMissingKeyIsFine()
    {
        await using var bucket = await S3Bucket.StartAsync();
        var backend = bucket.Backend();
        await backend.SaveAsync("gone", Gzip, bucket.Temp.RandomFile("a", 100, seed: 1), TestContext.CancellationToken);
        await backend.SaveAsync("gone", Zstd, bucket.Temp.RandomFile("b", 100, seed: 2), TestContext.CancellationToken);
        await backend.SaveAsync("kept", Gzip, bucket.Temp.RandomFile("c", 100, seed: 3), TestContext.CancellationToken);

        await backend.DeleteAsync("gone", TestContext.CancellationToken);
        await backend.DeleteAsync("never-was", TestContext.CancellationToken);

        var keys = (await backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken)).Select(e => e.Key).ToList();
        CollectionAssert.AreEqual(new[] { "kept" }, keys);
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() => backend.RestoreAsync("gone", [], Gzip, bucket.Temp.File("r"), TestContext.CancellationToken));
        // Write-once again after a delete: the key can be saved anew (how a corrupt entry is healed).
        await backend.SaveAsync("gone", Gzip, bucket.Temp.RandomFile("d", 100, seed: 4), TestContext.CancellationToken);
    }
}
