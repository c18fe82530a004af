using Atmos.Cache.Backends.S3.Signing;

namespace Atmos.Cache.Backends.S3.Http;

/// <summary>
/// One S3 request before signing: method, object (null for the bucket), query, extra headers to
/// sign, and the body (made anew for each attempt) with its payload hash.
/// </summary>
internal sealed record S3Request(HttpMethod Method, string? ObjectKey)
{
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = [];

    /// <summary>Headers sent and signed besides host and the x-amz-* ones (e.g. If-None-Match, Range).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Makes the body for one attempt; null for no body.</summary>
    public Func<HttpContent>? Content { get; init; }

    /// <summary>The hex SHA-256 of the body (of an empty body by default).</summary>
    public string PayloadHash { get; init; } = SigV4Signer.EmptyPayloadHash;
}
