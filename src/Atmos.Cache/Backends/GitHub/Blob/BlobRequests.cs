namespace Atmos.Cache.Backends.GitHub.Blob;

/// <summary>Builds Azure Blob REST requests against a signed (SAS) URL.</summary>
internal static class BlobRequests
{
    /// <summary>The storage service version the backend speaks (supported by Azure and Azurite).</summary>
    public const string ServiceVersion = "2023-11-03";

    /// <summary>A request to the signed URL with extra query parameters (e.g. <c>comp=block</c>) appended.</summary>
    public static HttpRequestMessage Create(HttpMethod method, Uri signedUrl, string? extraQuery = null)
    {
        var url = string.IsNullOrEmpty(extraQuery) ? signedUrl : AppendQuery(signedUrl, extraQuery);
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
}
