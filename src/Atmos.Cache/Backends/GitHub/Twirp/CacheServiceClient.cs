using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.GitHub.Twirp;

/// <summary>
/// The GitHub Actions cache service (v2) over Twirp JSON:
/// <c>POST &lt;results url&gt;/twirp/github.actions.results.api.v1.CacheService/&lt;Method&gt;</c> with the
/// runtime token as bearer. Requests use proto field names; 64-bit integers travel as strings.
/// </summary>
internal sealed class CacheServiceClient(HttpClient http, Uri resultsUrl, string runtimeToken, RetryPolicy retry, SecretRedactor redactor)
{
    public const string ServicePath = "twirp/github.actions.results.api.v1.CacheService/";

    private readonly Uri _serviceBase = new(resultsUrl.AbsoluteUri.TrimEnd('/') + "/" + ServicePath);

    /// <summary>Reserves the key+version. A Twirp <c>already_exists</c> error reads as ok=false.</summary>
    public async Task<CreateCacheEntryResult> CreateCacheEntryAsync(string key, string version, CancellationToken cancellationToken)
    {
        var request = JsonObjectBytes.Write(json =>
        {
            json.WriteString("key", key);
            json.WriteString("version", version);
        });
        var (body, error) = await CallAsync("CreateCacheEntry", request, cancellationToken).ConfigureAwait(false);
        if (error is { Code: TwirpError.AlreadyExists })
        {
            return new CreateCacheEntryResult(false, null);
        }

        ThrowIfWriteDenied(error);
        ThrowIfError("CreateCacheEntry", error);
        return new CreateCacheEntryResult(JsonFields.Bool(body, "ok"), JsonFields.String(body, "signed_upload_url"));
    }

    /// <summary>Makes the uploaded content visible under the key+version.</summary>
    public async Task<FinalizeCacheEntryResult> FinalizeCacheEntryUploadAsync(string key, string version, long sizeBytes, CancellationToken cancellationToken)
    {
        var request = JsonObjectBytes.Write(json =>
        {
            json.WriteString("key", key);
            json.WriteString("version", version);
            json.WriteString("size_bytes", sizeBytes.ToString(CultureInfo.InvariantCulture));
        });
        var (body, error) = await CallAsync("FinalizeCacheEntryUpload", request, cancellationToken).ConfigureAwait(false);
        ThrowIfWriteDenied(error);
        ThrowIfError("FinalizeCacheEntryUpload", error);
        return new FinalizeCacheEntryResult(JsonFields.Bool(body, "ok"), JsonFields.String(body, "entry_id"));
    }

    /// <summary>Looks up the exact key, then each restore key as a prefix (newest first).</summary>
    public async Task<CacheEntryDownloadResult> GetCacheEntryDownloadUrlAsync(string key, IReadOnlyList<string> restoreKeys, string version, CancellationToken cancellationToken)
    {
        var request = JsonObjectBytes.Write(json =>
        {
            json.WriteString("key", key);
            json.WriteStartArray("restore_keys");
            foreach (var restoreKey in restoreKeys)
            {
                json.WriteStringValue(restoreKey);
            }

            json.WriteEndArray();
            json.WriteString("version", version);
        });
        var (body, error) = await CallAsync("GetCacheEntryDownloadURL", request, cancellationToken).ConfigureAwait(false);
        ThrowIfError("GetCacheEntryDownloadURL", error);
        return new CacheEntryDownloadResult(JsonFields.Bool(body, "ok"), JsonFields.String(body, "signed_download_url"), JsonFields.String(body, "matched_key"));
    }

    private Task<(JsonElement Body, TwirpError? Error)> CallAsync(string method, byte[] payload, CancellationToken cancellationToken)
    {
        var what = $"The cache service call {method}";
        return retry.ExecuteAsync(what, retry.Settings.RequestTimeout, async token =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_serviceBase, method));
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", runtimeToken);
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            message.Content = new ByteArrayContent(payload);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            await HttpResponses.ThrowIfTransientAsync(response, what, redactor, token).ConfigureAwait(false);
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return (Parse(text, method), (TwirpError?)null);
                }

                return (default(JsonElement), ParseError(text, (int)response.StatusCode));
            }
        }, cancellationToken);
    }

    private JsonElement Parse(string text, string method)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CacheBackendException($"The cache service call {method} answered with something that is not JSON.");
        }
    }

    private static TwirpError ParseError(string text, int status)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var code = JsonFields.String(document.RootElement, "code");
            var message = JsonFields.String(document.RootElement, "msg");
            if (!string.IsNullOrEmpty(code))
            {
                return new TwirpError(code, message ?? "");
            }
        }
        catch (JsonException)
        {
            // Not a Twirp error body (e.g. a proxy's page): report the status below.
        }

        return new TwirpError($"http_{status}", text.Length > 200 ? text[..200] : text);
    }

    /// <summary>
    /// The service's refusal of writers it does not trust (or of a read-only cache mode): its message
    /// starts <c>cache write denied:</c>. Not a failure to retry or warn about; saving just ends.
    /// </summary>
    private void ThrowIfWriteDenied(TwirpError? error)
    {
        if (error is not null && error.Message.TrimStart().StartsWith(WriteDeniedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new CacheWriteDeniedException(redactor.Redact(error.Message.ReplaceLineEndings(" ").Trim()));
        }
    }

    public const string WriteDeniedPrefix = "cache write denied:";

    private void ThrowIfError(string method, TwirpError? error)
    {
        if (error is null)
        {
            return;
        }

        var hint = error.Code is "unauthenticated" or "permission_denied" or "http_401" or "http_403"
            ? $" Check that {GitHubEnvironment.RuntimeToken} is the current job's token (it expires when the job ends)."
            : "";
        throw new CacheBackendException(redactor.Redact($"The cache service call {method} failed: {error.Code}: {error.Message.ReplaceLineEndings(" ")}.{hint}"));
    }
}
