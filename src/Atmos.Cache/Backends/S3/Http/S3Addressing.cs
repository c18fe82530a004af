using System.Text;
using Atmos.Cache.Backends.S3.Signing;

namespace Atmos.Cache.Backends.S3.Http;

/// <summary>
/// Builds request URLs for a bucket: virtual-hosted (<c>bucket.host/key</c>) or path-style
/// (<c>host/bucket/key</c>), on AWS S3 of a region or a custom endpoint. The path and query are
/// encoded once, here, and sent exactly as signed.
/// </summary>
internal sealed class S3Addressing
{
    private readonly string _scheme;
    private readonly string _authority;
    private readonly string _basePath;

    public S3Addressing(string bucket, string region, Uri? endpoint, bool pathStyle)
    {
        // A bucket name with dots cannot be a host name under a wildcard certificate: use the path.
        pathStyle = pathStyle || bucket.Contains('.', StringComparison.Ordinal);
        var service = endpoint ?? new Uri($"https://s3.{region}.amazonaws.com");
        _scheme = service.Scheme;
        var endpointPath = service.AbsolutePath.TrimEnd('/');
        if (pathStyle)
        {
            _authority = service.Authority;
            _basePath = endpointPath + "/" + AwsUriEncoding.Encode(bucket);
        }
        else
        {
            _authority = bucket + "." + service.Authority;
            _basePath = endpointPath;
        }
    }

    /// <summary>The Host header value (host, and port when not the scheme's default).</summary>
    public string Host => _authority;

    /// <summary>The encoded path of an object, or of the bucket when <paramref name="objectKey"/> is null.</summary>
    public string Path(string? objectKey) =>
        objectKey is null
            ? (_basePath.Length == 0 ? "/" : _basePath)
            : _basePath + "/" + AwsUriEncoding.EncodePath(objectKey);

    /// <summary>The full URL for an encoded path and query pairs (encoded and sorted as they are signed).</summary>
    public Uri Url(string encodedPath, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var url = new StringBuilder(_scheme).Append("://").Append(_authority).Append(encodedPath);
        if (query.Count > 0)
        {
            url.Append('?').Append(CanonicalRequest.CanonicalQuery(query));
        }

        return new Uri(url.ToString(), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
    }
}
