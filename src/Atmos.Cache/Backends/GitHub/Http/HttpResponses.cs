using System.Net;
using System.Net.Http.Headers;

namespace Atmos.Cache.Backends.GitHub.Http;

/// <summary>How the backend reads HTTP responses: which statuses are transient, and Retry-After.</summary>
internal static class HttpResponses
{
    /// <summary>How much of an error body goes into a message.</summary>
    private const int MaxBodyInMessage = 512;

    /// <summary>429 and the 5xx answers a busy or restarting service gives.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
        || (int)status >= 500;

    /// <summary>Throws <see cref="TransientHttpException"/> (and disposes the response) when its status is worth retrying.</summary>
    public static async Task ThrowIfTransientAsync(HttpResponseMessage response, string what, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        if (!IsTransient(response.StatusCode))
        {
            return;
        }

        using (response)
        {
            var body = await ReadBodySnippetAsync(response, cancellationToken).ConfigureAwait(false);
            throw new TransientHttpException(redactor.Redact($"{what} returned HTTP {(int)response.StatusCode} {response.ReasonPhrase}{Suffix(body)}"), RetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>The wait a Retry-After header asks for (seconds or an HTTP date), or null.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>The start of an error body, for messages (the caller redacts).</summary>
    public static async Task<string> ReadBodySnippetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            body = body.ReplaceLineEndings(" ").Trim();
            return body.Length > MaxBodyInMessage ? body[..MaxBodyInMessage] + "..." : body;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "";
        }
    }

    /// <summary>" (body)" when there is a body worth showing.</summary>
    public static string Suffix(string body) => string.IsNullOrWhiteSpace(body) ? "" : $": {body}";
}
