namespace Atmos.Cache.Backends.Blob;

/// <summary>Builds Azure Blob REST requests against a blob's URL (signed, or authorized per request).</summary>
internal static class BlobRequests
{
    /// <summary>The storage service version the backend speaks (supported by Azure and Azurite).</summary>
    public const string ServiceVersion = "2023-11-03";

    /// <summary>A request to the URL with extra query parameters (e.g. <c>comp=block</c>) appended.</summary>
    public static HttpRequestMessage Create(HttpMethod method, Uri blobUrl, string? extraQuery = null)
    {
        var url = string.IsNullOrEmpty(extraQuery) ? blobUrl : AppendQuery(blobUrl, extraQuery);
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("x-ms-version", ServiceVersion);
        return request;
    }

    public static Uri AppendQuery(Uri url, string extraQuery)
    {
        var builder = new UriBuilder(url);
        var query = builder.Query.TrimStart('?');
        builder.Query = query.Length == 0 ? extraQuery : query + "&" + extraQuery;
        return builder.Uri;
    }

    /// <summary>The storage error code of a refusal (<c>x-ms-error-code</c>, also sent on a HEAD), or null.</summary>
    public static string? ErrorCode(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-ms-error-code", out var values) ? values.FirstOrDefault() : null;
}
