using Atmos.Cache.Azure.Tests.Infrastructure;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;
using Fault = Atmos.Cache.Azure.Tests.Infrastructure.AzureFaultProxy.FaultKind;
using Kind = Atmos.Cache.Azure.Tests.Infrastructure.AzureFaultProxy.RequestKind;

namespace Atmos.Cache.Azure.Tests.Backend;

/// <summary>Faults injected by the proxy in front of Azurite: each is retried with backoff and the content still arrives whole.</summary>
[TestClass]
public sealed class FaultToleranceTests
{
    private const string Version = "0123456789abcdef";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task BlocksAnswered500AreSentAgain()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        azure.Proxy!.Inject(Kind.PutBlock, Fault.InternalError, times: 2);
        var archive = azure.Temp.RandomFile("a.tgz", 4 * 1024 * 1024, seed: 11);

        await azure.Backend().SaveAsync("key", Version, archive, TestContext.CancellationToken);

        await AssertRestoresAsync(azure, archive);
        Assert.AreEqual(2, azure.Proxy.Injected);
        Assert.AreEqual(6, azure.Proxy.Count(Kind.PutBlock));
        Assert.HasCount(2, azure.Delays.Delays);
    }

    [TestMethod]
    public async Task ServerBusyOnAPutBlobIsRetriedWithGrowingBackoff()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        azure.Proxy!.Inject(Kind.PutBlob, Fault.ServerBusy, times: 2);
        var archive = azure.Temp.RandomFile("a.tgz", 100_000, seed: 12);

        await azure.Backend().SaveAsync("key", Version, archive, TestContext.CancellationToken);

        await AssertRestoresAsync(azure, archive);
        Assert.AreEqual(3, azure.Proxy.Count(Kind.PutBlob));
        Assert.HasCount(2, azure.Delays.Delays);
        Assert.IsTrue(azure.Logger.Has(Diagnostics.CacheLogLevel.Detail, "503"), azure.Logger.AllText);
        Assert.IsGreaterThan(azure.Delays.Delays[0], azure.Delays.Delays[1] * 2, "the backoff grows");
    }

    [TestMethod]
    public async Task ABlockWhoseConnectionIsCutIsSentAgain()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        azure.Proxy!.Inject(Kind.PutBlock, Fault.Cut);
        var archive = azure.Temp.RandomFile("a.tgz", 3 * 1024 * 1024, seed: 13);

        await azure.Backend().SaveAsync("key", Version, archive, TestContext.CancellationToken);

        await AssertRestoresAsync(azure, archive);
        Assert.AreEqual(4, azure.Proxy.Count(Kind.PutBlock));
    }

    [TestMethod]
    public async Task ARangeCutShortIsFetchedAgain()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var archive = azure.Temp.RandomFile("a.tgz", 4 * 1024 * 1024 + 5, seed: 14);
        await azure.Backend().SaveAsync("key", Version, archive, TestContext.CancellationToken);
        azure.Proxy!.Inject(Kind.RangedGet, Fault.Cut, times: 2);

        await AssertRestoresAsync(azure, archive);
        Assert.AreEqual(2, azure.Proxy.Injected);
        Assert.AreEqual(7, azure.Proxy.Count(Kind.RangedGet));
    }

    [TestMethod]
    public async Task ABlockListAnswered500IsSentAgain()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        azure.Proxy!.Inject(Kind.PutBlockList, Fault.InternalError);
        var archive = azure.Temp.RandomFile("a.tgz", 3 * 1024 * 1024, seed: 15);

        await azure.Backend().SaveAsync("key", Version, archive, TestContext.CancellationToken);

        await AssertRestoresAsync(azure, archive);
        Assert.AreEqual(2, azure.Proxy.Count(Kind.PutBlockList));
    }

    [TestMethod]
    public async Task AListAndAPropertiesLookupAnswered503AreRetried()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var archive = azure.Temp.RandomFile("a.tgz", 1000, seed: 16);
        await azure.Backend().SaveAsync("prefix-key", Version, archive, TestContext.CancellationToken);
        azure.Proxy!.Inject(Kind.Properties, Fault.ServerBusy);

        var restored = azure.Temp.File("r");
        azure.Proxy.Inject(Kind.List, Fault.ServerBusy);
        var match = await azure.Backend().RestoreAsync("prefix-other", ["prefix-"], Version, restored, TestContext.CancellationToken);

        Assert.AreEqual("prefix-key", match.MatchedKey);
        Assert.AreEqual(2, azure.Proxy.Injected);
    }

    [TestMethod]
    public async Task ARequestWithoutAnAnswerTimesOutAndIsSentAgain()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var archive = azure.Temp.RandomFile("a.tgz", 1000, seed: 18);
        var settings = azure.Settings();
        var backend = new Atmos.Cache.Backends.Azure.AzureBlobBackend(
            settings with { Retry = settings.Retry with { RequestTimeout = TimeSpan.FromSeconds(1) } },
            Atmos.Cache.Backends.Azure.Credentials.AzureCredential.SharedKey(AzureContainer.Account, AzureContainer.Key, "test"), azure.Logger);
        azure.Proxy!.Inject(Kind.Properties, Fault.Stall);

        await backend.SaveAsync("key", Version, archive, TestContext.CancellationToken);

        await AssertRestoresAsync(azure, archive);
        Assert.IsTrue(azure.Logger.Has(Diagnostics.CacheLogLevel.Detail, "no answer within 1 s"), azure.Logger.AllText);
        Assert.HasCount(1, azure.Delays.Delays);
    }

    [TestMethod]
    public async Task AServiceFailingForGoodGivesUpAfterTheAttemptsAndLeavesNoBlob()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        azure.Proxy!.Inject(Kind.PutBlock, Fault.InternalError, times: 100);
        var archive = azure.Temp.RandomFile("a.tgz", 3 * 1024 * 1024, seed: 17);
        var backend = azure.Backend();

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => backend.SaveAsync("key", Version, archive, TestContext.CancellationToken));

        Assert.Contains("after 4 attempts", error.Message);
        Assert.Contains("500", error.Message);
        Assert.AreEqual(0, azure.Proxy.Count(Kind.PutBlockList));
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() => backend.RestoreAsync("key", [], Version, azure.Temp.File("r"), TestContext.CancellationToken));
    }

    private async Task AssertRestoresAsync(AzureContainer azure, string archive)
    {
        var restored = azure.Temp.File("restored-" + Guid.NewGuid().ToString("N"));
        await azure.Backend().RestoreAsync("key", [], Version, restored, TestContext.CancellationToken);
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
    }
}
