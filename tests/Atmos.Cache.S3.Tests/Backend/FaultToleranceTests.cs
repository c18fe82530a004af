using Atmos.Cache.Errors;
using Atmos.Cache.S3.Tests.Infrastructure;
using Atmos.Cache.Testing;
using Atmos.Cache.Testing.S3rver;
using Fault = Atmos.Cache.S3.Tests.Infrastructure.S3FaultProxy.FaultKind;
using Kind = Atmos.Cache.S3.Tests.Infrastructure.S3FaultProxy.RequestKind;

namespace Atmos.Cache.S3.Tests.Backend;

/// <summary>Faults injected by the proxy in front of s3rver: each is retried with backoff and the content still arrives whole.</summary>
[TestClass]
public sealed class FaultToleranceTests
{
    private const string Version = "0123456789abcdef";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task PartsAnswered500AreSentAgain()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        bucket.Proxy!.Inject(Kind.UploadPart, Fault.InternalError, times: 2);
        var archive = bucket.Temp.RandomFile("a.tgz", 4 * 1024 * 1024, seed: 11);

        await bucket.Backend().SaveAsync("key", Version, archive, TestContext.CancellationToken);

        await AssertRestoresAsync(bucket, archive);
        Assert.AreEqual(2, bucket.Proxy.Injected);
        Assert.AreEqual(6, bucket.Proxy.Count(Kind.UploadPart));
        Assert.HasCount(2, bucket.Delays.Delays);
    }

    [TestMethod]
    public async Task SlowDownOnAPutIsRetriedWithBackoff()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        bucket.Proxy!.Inject(Kind.PutObject, Fault.SlowDown, times: 2);
        var archive = bucket.Temp.RandomFile("a.tgz", 100_000, seed: 12);

        await bucket.Backend().SaveAsync("key", Version, archive, TestContext.CancellationToken);

        await AssertRestoresAsync(bucket, archive);
        Assert.AreEqual(3, bucket.Proxy.Count(Kind.PutObject));
        Assert.HasCount(2, bucket.Delays.Delays);
        Assert.IsTrue(bucket.Logger.Has(Diagnostics.CacheLogLevel.Detail, "SlowDown"), bucket.Logger.AllText);
        Assert.IsGreaterThan(bucket.Delays.Delays[0], bucket.Delays.Delays[1] * 2, "the backoff grows");
    }

    [TestMethod]
    public async Task AnUploadWhoseConnectionIsCutIsSentAgain()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        bucket.Proxy!.Inject(Kind.UploadPart, Fault.Cut);
        var archive = bucket.Temp.RandomFile("a.tgz", 3 * 1024 * 1024, seed: 13);

        await bucket.Backend().SaveAsync("key", Version, archive, TestContext.CancellationToken);

        await AssertRestoresAsync(bucket, archive);
        Assert.AreEqual(4, bucket.Proxy.Count(Kind.UploadPart));
    }

    [TestMethod]
    public async Task ARangeCutShortIsFetchedAgain()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        var archive = bucket.Temp.RandomFile("a.tgz", 4 * 1024 * 1024 + 5, seed: 14);
        await bucket.Backend().SaveAsync("key", Version, archive, TestContext.CancellationToken);
        bucket.Proxy!.Inject(Kind.RangedGet, Fault.Cut, times: 2);

        await AssertRestoresAsync(bucket, archive);
        Assert.AreEqual(2, bucket.Proxy.Injected);
        Assert.AreEqual(7, bucket.Proxy.Count(Kind.RangedGet));
    }

    [TestMethod]
    public async Task ACompleteAnswered500IsSentAgain()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        bucket.Proxy!.Inject(Kind.CompleteUpload, Fault.InternalError);
        var archive = bucket.Temp.RandomFile("a.tgz", 3 * 1024 * 1024, seed: 15);

        await bucket.Backend().SaveAsync("key", Version, archive, TestContext.CancellationToken);

        await AssertRestoresAsync(bucket, archive);
        Assert.AreEqual(2, bucket.Proxy.Count(Kind.CompleteUpload));
    }

    [TestMethod]
    public async Task AServiceFailingForGoodGivesUpAfterTheAttemptsAndLeavesNoEntry()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        bucket.Proxy!.Inject(Kind.UploadPart, Fault.InternalError, times: 100);
        var archive = bucket.Temp.RandomFile("a.tgz", 3 * 1024 * 1024, seed: 16);
        var backend = bucket.Backend();

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => backend.SaveAsync("key", Version, archive, TestContext.CancellationToken));

        Assert.Contains("after 4 attempts", error.Message);
        Assert.Contains("InternalError", error.Message);
        Assert.AreEqual(1, bucket.Proxy.Count(Kind.AbortUpload));
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() => backend.RestoreAsync("key", [], Version, bucket.Temp.File("r"), TestContext.CancellationToken));
    }

    private async Task AssertRestoresAsync(S3Bucket bucket, string archive)
    {
        var restored = bucket.Temp.File("restored-" + Guid.NewGuid().ToString("N"));
        await bucket.Backend().RestoreAsync("key", [], Version, restored, TestContext.CancellationToken);
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
    }
}
