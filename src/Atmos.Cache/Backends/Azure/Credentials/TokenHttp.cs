using System.Net;
using System.Text.Json;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>
/// The JSON requests of the token flows (Entra ID, the instance metadata service, the CI systems'
/// OIDC endpoints): retried through the shared policy, answered as a JSON object, refused with the
/// endpoint's error code and description only, never a token or a request body.
/// </summary>
internal sealed class TokenHttp(HttpClient http, RetryPolicy retry, SecretRedactor redactor)
{
    public SecretRedactor Redactor => redactor;

    /// <summary>Sends the request <paramref name="create"/> builds (once per attempt) and returns the JSON object answered with 200.</summary>
    public Task<JsonElement> SendAsync(string what, Func<HttpRequestMessage> create, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(what, retry.Settings.RequestTimeout, async token =>
        {
            using var request = create();
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            await HttpResponses.ThrowIfTransientAsync(response, what, redactor, token).ConfigureAwait(false);
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                var json = Parse(body);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new CacheBackendException(redactor.Redact($"{what} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{Refusal(json)}."));
                }

                return json ?? throw new CacheBackendException($"{what}: the answer is not a JSON object.");
            }
        }, cancellationToken);

    /// <summary>A string property, or a failure naming it (never its neighbours' values).</summary>
    public static string Required(JsonElement json, string property, string what) =>
        json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new CacheBackendException($"{what}: the answer has no '{property}'.");

    private static JsonElement? Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// " (code: description)" of an OAuth error answer (Entra ID's <c>error</c> and
    /// <c>error_description</c>), which names what is wrong (an unknown client, no matching federated
    /// identity for the token's subject) without any secret.
    /// </summary>
    private static string Refusal(JsonElement? json)
    {
        if (json is not { } error)
        {
            return "";
        }

        var code = Text(error, "error") ?? Text(error, "message") ?? Text(error, "typeKey");
        var description = Text(error, "error_description");
        if (description is not null)
        {
            description = description.ReplaceLineEndings(" ");
            description = description.Length > 400 ? description[..400] + "..." : description;
        }

        return (code, description) switch
        {
            (null, null) => "",
            (_, null) => $" ({code})",
            (null, _) => $" ({description})",
            _ => $" ({code}: {description})",
        };
    }

    private static string? Text(JsonElement json, string property) =>
        json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
