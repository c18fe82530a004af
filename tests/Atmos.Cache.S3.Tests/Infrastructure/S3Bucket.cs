using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.S3;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Testing;
using Atmos.Cache.Testing.S3rver;

namespace Atmos.Cache.S3.Tests.Infrastructure;

/// <summary>
/// A test's own corner of the shared s3rver: a unique key prefix in the backend tests' bucket, an
/// optional fault proxy in front, a temp folder, a capturing logger and recorded backoffs.
/// </summary>
public sealed class S3Bucket : IAsyncDisposable
{
    public const string Bucket = "atmos-backend-tests";
    private const int MiB = 1024 * 1024;

    /// <summary>Small pieces so a few MiB make many parts and ranges (s3rver takes parts under S3's 5 MiB minimum).</summary>
    public static readonly TransferSettings SmallPieces = new()
    {
        SingleShotLimit = 2 * MiB,
        BlockSize = 1 * MiB,
        UploadParallelism = 4,
        RangeSize = 1 * MiB,
        DownloadParallelism = 4,
    };

    private S3Bucket(Uri endpoint, S3FaultProxy? proxy)
    {
        Endpoint = endpoint;
        Proxy = proxy;
        Prefix = $"tests/{Guid.NewGuid():N}/";
    }

    public Uri Endpoint { get; }

    public S3FaultProxy? Proxy { get; }

    public string Prefix { get; }

    public TempFolder Temp { get; } = new("atmos-s3-tests");

    public CapturingLogger Logger { get; } = new();

    public DelayRecorder Delays { get; } = new();

    /// <summary>Straight to s3rver, or through a fault-injecting proxy.</summary>
    public static async Task<S3Bucket> StartAsync(bool withProxy = false)
    {
        var endpoint = await SharedS3rver.EndpointAsync();
        if (!withProxy)
        {
            return new S3Bucket(endpoint, null);
        }

        var proxy = await S3FaultProxy.StartAsync(endpoint);
        return new S3Bucket(proxy.Url, proxy);
    }

    public S3BackendSettings Settings(TransferSettings? transfer = null, int listPageSize = 1000) => new()
    {
        Bucket = Bucket,
        Prefix = Prefix,
        Region = "us-east-1",
        Endpoint = Endpoint,
        PathStyle = true,
        Transfer = transfer ?? SmallPieces,
        Retry = new RetrySettings { MaxAttempts = 4, Delay = Delays.Delay, RequestTimeout = TimeSpan.FromSeconds(30), TransferTimeout = TimeSpan.FromSeconds(60) },
        ListPageSize = listPageSize,
        AllowSmallParts = true,
    };

    public S3Backend Backend(TransferSettings? transfer = null, int listPageSize = 1000, string? secret = null) =>
        new(Settings(transfer, listPageSize), new StaticCredentialProvider(new AwsCredentials(S3rverServer.AccessKeyId, secret ?? S3rverServer.SecretAccessKey, source: "test")), Logger);

    /// <summary>The raw client over the same bucket, for requests the backend does not make on its own.</summary>
    internal Atmos.Cache.Backends.S3.Http.S3Client Client()
    {
        var settings = Settings();
        return new(
            new HttpClient(),
            new Atmos.Cache.Backends.S3.Http.S3Addressing(settings.Bucket, settings.Region, settings.Endpoint, settings.PathStyle),
            new Atmos.Cache.Backends.S3.Signing.SigV4Signer(settings.Region, "s3"),
            new StaticCredentialProvider(new AwsCredentials(S3rverServer.AccessKeyId, S3rverServer.SecretAccessKey, source: "test")),
            new Atmos.Cache.Backends.GitHub.Http.RetryPolicy(settings.Retry, Atmos.Cache.Backends.GitHub.SecretRedactor.Empty, Logger));
    }

    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        Temp.Dispose();
    }
}
