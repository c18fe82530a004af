using Atmos.Cache.Azure.Tests.Infrastructure;
using Atmos.Cache.Backends;
using Atmos.Cache.Errors;
using Kind = Atmos.Cache.Azure.Tests.Infrastructure.AzureFaultProxy.RequestKind;

namespace Atmos.Cache.Azure.Tests.Backend;

/// <summary>List Blobs across pages and version namespaces, delete by key, and removal of one damaged entry.</summary>
[TestClass]
public sealed class ListDeleteTests
{
    private const string Gzip = "0123456789abcdef";
    private const string Zstd = "fedcba9876543210";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ListingFollowsTheMarkersAcrossPagesAndVersions()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var writer = azure.Backend();
        for (var i = 0; i < 7; i++)
        {
            await writer.SaveAsync($"entry-{i}", i % 2 == 0 ? Gzip : Zstd, azure.Temp.RandomFile($"a{i}", 100 + i, seed: i), TestContext.CancellationToken);
        }

        var listed = await azure.Backend(listPageSize: 2).ListAsync(new CacheListOptions { KeyPrefix = "entry-" }, TestContext.CancellationToken);

        Assert.HasCount(7, listed);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 7).Select(i => $"entry-{i}").ToList(), listed.Select(e => e.Key).ToList());
        Assert.AreEqual(4, listed.Count(e => e.Version == Gzip));
        Assert.AreEqual(106, listed.Single(e => e.Key == "entry-6").Size);
        Assert.IsTrue(listed.Zip(listed.Skip(1)).All(pair => pair.First.CreatedAt >= pair.Second.CreatedAt), "newest first");
        Assert.IsGreaterThan(4, azure.Proxy!.Count(Kind.List), "several pages");
    }

    [TestMethod]
    public async Task DeleteRemovesTheKeyInEveryVersionAndAMissingKeyIsNotAnError()
    {
        await using var azure = await AzureContainer.StartAsync();
        var backend = azure.Backend();
        await backend.SaveAsync("gone", Gzip, azure.Temp.RandomFile("a", 100, seed: 1), TestContext.CancellationToken);
        await backend.SaveAsync("gone", Zstd, azure.Temp.RandomFile("b", 100, seed: 2), TestContext.CancellationToken);
        await backend.SaveAsync("kept", Gzip, azure.Temp.RandomFile("c", 100, seed: 3), TestContext.CancellationToken);

        await backend.DeleteAsync("gone", TestContext.CancellationToken);
        await backend.DeleteAsync("never-there", TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { "kept" }, (await backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken)).Select(e => e.Key).ToList());
    }

    [TestMethod]
    public async Task RemovingADamagedEntryDeletesOnlyThatVersionSoTheKeyCanBeSavedAgain()
    {
        await using var azure = await AzureContainer.StartAsync();
        var backend = azure.Backend();
        await backend.SaveAsync("damaged", Gzip, azure.Temp.RandomFile("a", 100, seed: 1), TestContext.CancellationToken);
        await backend.SaveAsync("damaged", Zstd, azure.Temp.RandomFile("b", 100, seed: 2), TestContext.CancellationToken);

        var said = await backend.RemoveEntryAsync("damaged", Gzip, TestContext.CancellationToken);
        await backend.SaveAsync("damaged", Gzip, azure.Temp.RandomFile("c", 200, seed: 3), TestContext.CancellationToken);

        Assert.Contains("deleted", said);
        var entries = await backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken);
        Assert.AreEqual(200, entries.Single(e => e.Version == Gzip).Size, "saved again after the removal");
        Assert.AreEqual(100, entries.Single(e => e.Version == Zstd).Size, "the other namespace's entry stays");
    }

    [TestMethod]
    public async Task ARemovalTheCredentialMayNotDoIsDescribedNotThrown()
    {
        await using var azure = await AzureContainer.StartAsync();
        await azure.Backend().SaveAsync("damaged", Gzip, azure.Temp.RandomFile("a", 100, seed: 1), TestContext.CancellationToken);
        var readOnly = azure.SasBackend(global::Azure.Storage.Sas.BlobContainerSasPermissions.Read | global::Azure.Storage.Sas.BlobContainerSasPermissions.List);

        var said = await readOnly.RemoveEntryAsync("damaged", Gzip, TestContext.CancellationToken);

        Assert.Contains("failed", said);
        Assert.Contains("-t:DeleteCiCache", said);
        Assert.IsTrue(await azure.Sdk.GetBlobClient(azure.BlobName(Gzip, "damaged")).ExistsAsync(TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task AMissingContainerSaysHowToCreateIt()
    {
        await using var azure = await AzureContainer.StartAsync();
        var settings = azure.Settings() with { Container = "no-such-container-" + Guid.NewGuid().ToString("N")[..8] };
        var backend = new Atmos.Cache.Backends.Azure.AzureBlobBackend(settings, Atmos.Cache.Backends.Azure.Credentials.AzureCredential.SharedKey(AzureContainer.Account, AzureContainer.Key, "test"));

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken));

        Assert.Contains("ContainerNotFound", error.Message);
        Assert.Contains("az storage container create", error.Message);
    }
}
