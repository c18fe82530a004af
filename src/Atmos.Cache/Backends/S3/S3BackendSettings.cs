using Atmos.Cache.Backends.GitHub;

namespace Atmos.Cache.Backends.S3;

/// <summary>Everything the S3 backend needs: where entries live, how to reach the service, and tuning.</summary>
public sealed record S3BackendSettings
{
    public const string DefaultPrefix = "atmos-cache/";
    public const string DefaultRegion = "us-east-1";

    /// <summary>The bucket entries are stored in.</summary>
    public required string Bucket { get; init; }

    /// <summary>Prepended to every object name: entries are <c>&lt;prefix&gt;&lt;version&gt;/&lt;key&gt;</c>.</summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>The region requests are signed for (S3-compatible services often accept any, e.g. <c>auto</c> for R2).</summary>
    public string Region { get; init; } = DefaultRegion;

    /// <summary>A custom endpoint (R2, MinIO, Ceph, a local server); null for AWS S3 of <see cref="Region"/>.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Address the bucket in the path (<c>endpoint/bucket/key</c>) instead of the host name (<c>bucket.endpoint/key</c>).</summary>
    public bool PathStyle { get; init; }

    /// <summary>Part sizes and parallelism: <see cref="TransferSettings.BlockSize"/> is the multipart part size.</summary>
    public TransferSettings Transfer { get; init; } = new();

    public RetrySettings Retry { get; init; } = new();

    /// <summary>Objects per ListObjectsV2 page (S3 answers at most 1000).</summary>
    public int ListPageSize { get; init; } = 1000;

    internal void Validate()
    {
        Transfer.Validate();
        Retry.Validate();
        if (Transfer.BlockSize < 5 * 1024 * 1024 && !AllowSmallParts)
        {
            throw new ArgumentException("S3 multipart parts must be at least 5 MiB (all but the last).");
        }

        if (ListPageSize is < 1 or > 1000)
        {
            throw new ArgumentException("The list page size must be between 1 and 1000.");
        }
    }

    /// <summary>Lets tests use parts below S3's 5 MiB minimum against servers that allow them.</summary>
    internal bool AllowSmallParts { get; init; }
}
