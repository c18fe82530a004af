using System.Net;

namespace Atmos.Cache.Emulator.Storage;

/// <summary>The emulator's own calls to Azurite: create its container, read a blob's size, read, replace or delete a blob.</summary>
public sealed class AzuriteClient(HttpClient http, Uri blobEndpoint, AzuriteAccount account)
{
    private const string Version = "2023-11-03";

    public async Task CreateContainerAsync(string container, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Put, $"{container}?restype=container&");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"Azurite refused to create container {container}: HTTP {(int)response.StatusCode} {body}");
        }
    }

    /// <summary>The committed blob's size, or null when there is no such blob.</summary>
    public async Task<long?> GetBlobSizeAsync(string container, string blob, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Head, $"{container}/{blob}?");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK ? response.Content.Headers.ContentLength : null;
    }

    public async Task<byte[]> GetBlobAsync(string container, string blob, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"{container}/{blob}?");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the blob's content in one Put Blob (tests that damage a stored entry).</summary>
    public async Task PutBlobAsync(string container, string blob, byte[] content, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Put, $"{container}/{blob}?");
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Content = new ByteArrayContent(content);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async Task DeleteBlobAsync(string container, string blob, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Delete, $"{container}/{blob}?");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private HttpRequestMessage Request(HttpMethod method, string pathAndQuery)
    {
        var url = new Uri($"{blobEndpoint.AbsoluteUri.TrimEnd('/')}/{pathAndQuery}{account.AccountSas(DateTimeOffset.UtcNow.AddHours(1))}");
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("x-ms-version", Version);
        return request;
    }
}
