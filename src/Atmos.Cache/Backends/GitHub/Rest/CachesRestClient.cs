using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.GitHub.Rest;

/// <summary>
/// The public REST caches API: <c>GET</c> and <c>DELETE /repos/{owner}/{repo}/actions/caches</c>,
/// for listing and deleting entries from anywhere a token is at hand.
/// </summary>
internal sealed class CachesRestClient(HttpClient http, Uri apiUrl, string owner, string repo, string token, RetryPolicy retry, SecretRedactor redactor)
{
    private const int PageSize = 100;

    /// <summary>Guards against a Link header that never ends.</summary>
    private const int MaxPages = 1000;

    private readonly string _cachesUrl = $"{apiUrl.AbsoluteUri.TrimEnd('/')}/repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}/actions/caches";

    /// <summary>Every entry whose key starts with <paramref name="prefix"/>, following all pages.</summary>
    public async Task<IReadOnlyList<CacheEntry>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var entries = new List<CacheEntry>();
        var query = $"per_page={PageSize}" + (prefix.Length > 0 ? "&key=" + Uri.EscapeDataString(prefix) : "");
        Uri? page = new($"{_cachesUrl}?{query}");
        for (var pages = 0; page is not null; pages++)
        {
            if (pages == MaxPages)
            {
                throw new CacheBackendException($"Listing caches stopped after {MaxPages} pages; the API kept announcing more.");
            }

            var (items, next) = await GetPageAsync(page, cancellationToken).ConfigureAwait(false);
            entries.AddRange(items.Where(entry => entry.Key.StartsWith(prefix, StringComparison.Ordinal)));
            page = next;
        }

        return [.. entries.OrderByDescending(entry => entry.CreatedAt ?? DateTimeOffset.MinValue)];
    }

    /// <summary>Deletes every entry with exactly this key; a 404 means there was none, which is fine.</summary>
    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, new Uri($"{_cachesUrl}?key={Uri.EscapeDataString(key)}"), "Deleting the cache entry", async (response, what, token) =>
        {
            if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }

            throw await FailureAsync(response, what, token).ConfigureAwait(false);
        }, cancellationToken);

    private Task<(IReadOnlyList<CacheEntry> Items, Uri? Next)> GetPageAsync(Uri page, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, page, "Listing caches", async (response, what, token) =>
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await FailureAsync(response, what, token).ConfigureAwait(false);
            }

            var text = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
            var next = response.Headers.TryGetValues("Link", out var links) ? LinkHeader.Next(links) : null;
            return (ParseEntries(text), SameOrigin(next));
        }, cancellationToken);

    /// <summary>
    /// One API request with retries: transient answers and rate limits are retried, any other
    /// answer goes to <paramref name="read"/>, which returns the result or throws the failure.
    /// </summary>
    private Task<T> SendAsync<T>(HttpMethod method, Uri url, string what, Func<HttpResponseMessage, string, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(what, retry.Settings.RequestTimeout, async attemptToken =>
        {
            using var request = CreateRequest(method, url);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptToken).ConfigureAwait(false);
            await ThrowIfTransientAsync(response, what, attemptToken).ConfigureAwait(false);
            using (response)
            {
                return await read(response, what, attemptToken).ConfigureAwait(false);
            }
        }, cancellationToken);

    /// <summary>
    /// Transient statuses, plus GitHub's rate limits: a 403 that carries Retry-After (secondary
    /// limit) or says no requests remain (primary limit, waiting until the reset time).
    /// </summary>
    private async Task ThrowIfTransientAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        await HttpResponses.ThrowIfTransientAsync(response, what, redactor, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Forbidden)
        {
            return;
        }

        var retryAfter = HttpResponses.RetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow);
        var exhausted = response.Headers.TryGetValues("x-ratelimit-remaining", out var remaining) && remaining.FirstOrDefault() == "0";
        if (exhausted && retryAfter is null && response.Headers.TryGetValues("x-ratelimit-reset", out var reset)
            && long.TryParse(reset.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var epochSeconds))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(epochSeconds) - DateTimeOffset.UtcNow;
            retryAfter = wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        if (retryAfter is not null || exhausted)
        {
            response.Dispose();
            throw new TransientHttpException($"{what} hit GitHub's API rate limit (HTTP 403)", retryAfter);
        }
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Atmos.Cache.Build", typeof(CachesRestClient).Assembly.GetName().Version?.ToString() ?? "1.0"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>The token goes only to the API's own origin: a next link elsewhere is an error.</summary>
    private Uri? SameOrigin(Uri? next)
    {
        if (next is null)
        {
            return null;
        }

        if (Uri.Compare(next, apiUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new CacheBackendException($"Listing caches stopped: the API's next page is on another host ({next.Host}).");
        }

        return next;
    }

    private static IReadOnlyList<CacheEntry> ParseEntries(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (!document.RootElement.TryGetProperty("actions_caches", out var caches) || caches.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return [.. caches.EnumerateArray().Select(ParseEntry)];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CacheBackendException("Listing caches failed: the API answered with JSON of an unexpected shape.");
        }
    }

    private static CacheEntry ParseEntry(JsonElement item) => new()
    {
        Key = item.GetProperty("key").GetString() ?? "",
        Size = item.TryGetProperty("size_in_bytes", out var size) && size.ValueKind == JsonValueKind.Number ? size.GetInt64() : 0,
        CreatedAt = item.TryGetProperty("created_at", out var created) && created.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(created.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
        Id = item.TryGetProperty("id", out var id) ? id.ToString() : "",
        Version = item.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String ? version.GetString() ?? "" : "",
    };

    private async Task<CacheBackendException> FailureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var body = await HttpResponses.ReadBodySnippetAsync(response, cancellationToken).ConfigureAwait(false);
        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => " The GitHub token was refused; check that it is valid.",
            HttpStatusCode.Forbidden => " The GitHub token lacks permission: it needs 'actions: write' (read for listing) on the repository.",
            HttpStatusCode.NotFound => $" The repository {owner}/{repo} was not found, or the token cannot see it.",
            _ => "",
        };
        return new CacheBackendException(redactor.Redact($"{what} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{HttpResponses.Suffix(body)}.{hint}"));
    }
}
