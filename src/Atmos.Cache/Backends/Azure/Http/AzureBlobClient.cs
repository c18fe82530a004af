using System.Globalization;
using System.Net;
using System.Text;
using Atmos.Cache.Backends.Blob;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.Azure.Http;

/// <summary>
/// The container-level Blob service operations the backend uses besides the transfers: Get Blob
/// Properties, List Blobs (paged by marker), Delete Blob; and the URL of each blob, with the SAS
/// when the credential is one. Every request is authorized as it leaves and retried by the shared
/// policy; refusals carry storage's error code and what to change, never a body.
/// </summary>
internal sealed class AzureBlobClient(BlobSender sender, Uri accountUrl, string container, string? sasQuery, RetryPolicy retry, SecretRedactor redactor, string credentialDescription)
{
    private readonly string _containerUrl = accountUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + Uri.EscapeDataString(container);

    public BlobSender Sender => sender;

    public string Container => container;

    /// <summary>The blob's URL (each path segment escaped), with the SAS when there is one.</summary>
    public Uri BlobUrl(string blobName)
    {
        var path = string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));
        return new Uri(_containerUrl + "/" + path + (sasQuery is null ? "" : "?" + sasQuery));
    }

    /// <summary>The blob's size and creation time, or null when it does not exist.</summary>
    public Task<BlobItem?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken) =>
        SendAsync($"Looking up blob '{blobName}'", () => BlobRequests.Create(HttpMethod.Head, BlobUrl(blobName)), async (response, what, token) =>
        {
            if (response.StatusCode == HttpStatusCode.NotFound && BlobRequests.ErrorCode(response) is null or "BlobNotFound")
            {
                return null;
            }

            await EnsureAsync(response, HttpStatusCode.OK, what, token).ConfigureAwait(false);
            var size = response.Content.Headers.ContentLength ?? throw new CacheBackendException($"{what}: blob storage sent no Content-Length.");
            var created = response.Headers.TryGetValues("x-ms-creation-time", out var values) ? BlobListing.Date(values.FirstOrDefault()) : null;
            return new BlobItem(blobName, size, created ?? response.Content.Headers.LastModified ?? DateTimeOffset.MinValue);
        }, cancellationToken);

    /// <summary>One page of List Blobs under <paramref name="prefix"/>.</summary>
    public Task<BlobListPage> ListPageAsync(string prefix, string? delimiter, string? marker, int maxResults, CancellationToken cancellationToken)
    {
        var query = new StringBuilder("restype=container&comp=list")
            .Append("&prefix=").Append(Uri.EscapeDataString(prefix))
            .Append("&maxresults=").Append(maxResults.ToString(CultureInfo.InvariantCulture));
        if (delimiter is not null)
        {
            query.Append("&delimiter=").Append(Uri.EscapeDataString(delimiter));
        }

        if (marker is not null)
        {
            query.Append("&marker=").Append(Uri.EscapeDataString(marker));
        }

        if (sasQuery is not null)
        {
            query.Append('&').Append(sasQuery);
        }

        var url = new Uri(_containerUrl + "?" + query);
        return SendAsync($"Listing blobs under '{prefix}'", () => BlobRequests.Create(HttpMethod.Get, url), async (response, what, token) =>
        {
            await EnsureAsync(response, HttpStatusCode.OK, what, token).ConfigureAwait(false);
            return BlobListing.Parse(await response.Content.ReadAsStringAsync(token).ConfigureAwait(false));
        }, cancellationToken);
    }

    /// <summary>Every blob under the prefix, following the markers.</summary>
    public async Task<IReadOnlyList<BlobItem>> ListAllAsync(string prefix, int pageSize, CancellationToken cancellationToken)
    {
        var blobs = new List<BlobItem>();
        string? marker = null;
        do
        {
            var page = await ListPageAsync(prefix, null, marker, pageSize, cancellationToken).ConfigureAwait(false);
            blobs.AddRange(page.Blobs);
            marker = page.NextMarker;
        }
        while (marker is not null);
        return blobs;
    }

    /// <summary>Every blob prefix (a "folder") directly under the prefix, following the markers.</summary>
    public async Task<IReadOnlyList<string>> ListPrefixesAsync(string prefix, int pageSize, CancellationToken cancellationToken)
    {
        var prefixes = new List<string>();
        string? marker = null;
        do
        {
            var page = await ListPageAsync(prefix, "/", marker, pageSize, cancellationToken).ConfigureAwait(false);
            prefixes.AddRange(page.Prefixes);
            marker = page.NextMarker;
        }
        while (marker is not null);
        return prefixes;
    }

    /// <summary>Deletes a blob with its snapshots; false when there was none.</summary>
    public Task<bool> DeleteAsync(string blobName, CancellationToken cancellationToken) =>
        SendAsync($"Deleting blob '{blobName}'", () =>
        {
            var request = BlobRequests.Create(HttpMethod.Delete, BlobUrl(blobName));
            request.Headers.TryAddWithoutValidation("x-ms-delete-snapshots", "include");
            return request;
        }, async (response, what, token) =>
        {
            if (response.StatusCode == HttpStatusCode.NotFound && BlobRequests.ErrorCode(response) is null or "BlobNotFound")
            {
                return false;
            }

            await EnsureAsync(response, HttpStatusCode.Accepted, what, token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private Task<T> SendAsync<T>(string what, Func<HttpRequestMessage> create, Func<HttpResponseMessage, string, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(what, retry.Settings.RequestTimeout, async token =>
        {
            using var request = create();
            var response = await sender.SendAsync(request, token).ConfigureAwait(false);
            await HttpResponses.ThrowIfTransientAsync(response, what, redactor, token).ConfigureAwait(false);
            using (response)
            {
                return await read(response, what, token).ConfigureAwait(false);
            }
        }, cancellationToken);

    private async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode == expected || response.StatusCode == HttpStatusCode.OK)
        {
            return;
        }

        var detail = await BlobRefusal.DetailAsync(response, cancellationToken).ConfigureAwait(false);
        throw new CacheBackendException(redactor.Redact($"{what}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{detail}{Advice(response)}"));
    }

    private string Advice(HttpResponseMessage response) => (response.StatusCode, BlobRequests.ErrorCode(response)) switch
    {
        (HttpStatusCode.NotFound, "ContainerNotFound") =>
            $". The container '{container}' does not exist: create it (az storage container create --name {container} --account-name <account>) or set AtmosCacheAzureContainer to an existing one.",
        (HttpStatusCode.Forbidden, "AuthenticationFailed") =>
            $". The credential ({credentialDescription}) was not accepted: check the account key, or the SAS's expiry and signature.",
        (HttpStatusCode.Forbidden, _) =>
            $". The credential ({credentialDescription}) may not do this: it needs the role Storage Blob Data Contributor on the container, or a SAS with the read, add, create, write, delete and list permissions.",
        (HttpStatusCode.Unauthorized, _) =>
            $". The credential ({credentialDescription}) was not accepted.",
        _ => ".",
    };
}
