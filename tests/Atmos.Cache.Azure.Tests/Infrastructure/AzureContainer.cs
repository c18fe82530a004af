using Atmos.Cache.Backends.Azure;
using Atmos.Cache.Backends.Azure.Credentials;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Testing;
using Atmos.Cache.Testing.Azurite;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;

namespace Atmos.Cache.Azure.Tests.Infrastructure;

/// <summary>
/// A test's own corner of the shared Azurite: a unique prefix in the backend tests' container, an
/// optional fault proxy in front, the official SDK's client of the same container, a temp folder, a
/// capturing logger and recorded backoffs.
/// </summary>
public sealed class AzureContainer : IAsyncDisposable
{
    public const string Name = "atmos-backend-tests";
    public const string Account = StorageConnectionString.DevelopmentAccount;
    public const string Key = StorageConnectionString.DevelopmentKey;
    private const int MiB = 1024 * 1024;

    /// <summary>Small pieces so a few MiB make many blocks and ranges.</summary>
    public static readonly TransferSettings SmallPieces = new()
    {
        SingleShotLimit = 2 * MiB,
        BlockSize = 1 * MiB,
        UploadParallelism = 4,
        RangeSize = 1 * MiB,
        DownloadParallelism = 4,
    };

    private AzureContainer(Uri azurite, Uri accountUrl, AzureFaultProxy? proxy)
    {
        Azurite = azurite;
        AccountUrl = accountUrl;
        Proxy = proxy;
        Prefix = $"tests/{Guid.NewGuid():N}/";
    }

    /// <summary>Azurite's account URL, for the SDK client.</summary>
    public Uri Azurite { get; }

    /// <summary>The account URL the backend uses: Azurite, or the proxy in front of it.</summary>
    public Uri AccountUrl { get; }

    public AzureFaultProxy? Proxy { get; }

    public string Prefix { get; }

    public TempFolder Temp { get; } = new("atmos-azure-tests");

    public CapturingLogger Logger { get; } = new();

    public DelayRecorder Delays { get; } = new();

    /// <summary>The official SDK's client of the container, with the account key.</summary>
    public BlobContainerClient Sdk => new(new Uri(Azurite + "/" + Name), new StorageSharedKeyCredential(Account, Key));

    public static async Task<AzureContainer> StartAsync(bool withProxy = false)
    {
        var azurite = await SharedAzurite.BlobEndpointAsync();
        var container = new BlobContainerClient(new Uri(azurite + "/" + Name), new StorageSharedKeyCredential(Account, Key));
        await container.CreateIfNotExistsAsync();
        if (!withProxy)
        {
            return new AzureContainer(azurite, azurite, null);
        }

        var proxy = await AzureFaultProxy.StartAsync(azurite);
        return new AzureContainer(azurite, new Uri(proxy.Url, "/" + Account), proxy);
    }

    public AzureBlobSettings Settings(TransferSettings? transfer = null, int listPageSize = 5000) => new()
    {
        AccountUrl = AccountUrl,
        Container = Name,
        Prefix = Prefix,
        Transfer = transfer ?? SmallPieces,
        Retry = new RetrySettings { MaxAttempts = 4, Delay = Delays.Delay, RequestTimeout = TimeSpan.FromSeconds(30), TransferTimeout = TimeSpan.FromSeconds(60) },
        ListPageSize = listPageSize,
    };

    /// <summary>The backend with the account key (Shared Key signing).</summary>
    public AzureBlobBackend Backend(TransferSettings? transfer = null, int listPageSize = 5000, string? key = null) =>
        new(Settings(transfer, listPageSize), AzureCredential.SharedKey(Account, key ?? Key, "test"), Logger);

    /// <summary>The backend with a container SAS of the given permissions (all the backend needs by default).</summary>
    public AzureBlobBackend SasBackend(BlobContainerSasPermissions permissions = SasPermissions, TransferSettings? transfer = null) =>
        new(Settings(transfer), AzureCredential.Sas(ContainerSas(permissions), "test"), Logger);

    /// <summary>The rights the docs list for a SAS: read, add, create, write, delete, list.</summary>
    public const BlobContainerSasPermissions SasPermissions =
        BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Add | BlobContainerSasPermissions.Create
        | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Delete | BlobContainerSasPermissions.List;

    /// <summary>A container SAS signed with the account key by the official SDK.</summary>
    public static string ContainerSas(BlobContainerSasPermissions permissions)
    {
        var builder = new BlobSasBuilder { BlobContainerName = Name, Resource = "c", ExpiresOn = DateTimeOffset.UtcNow.AddHours(1) };
        builder.SetPermissions(permissions);
        return builder.ToSasQueryParameters(new StorageSharedKeyCredential(Account, Key)).ToString();
    }

    /// <summary>The blob name an entry has.</summary>
    public string BlobName(string version, string key) => Prefix + version + "/" + key;

    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        Temp.Dispose();
    }
}
