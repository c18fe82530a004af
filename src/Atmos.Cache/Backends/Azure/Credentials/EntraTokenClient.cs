using System.Globalization;
using System.Text.Json;

namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>
/// The Microsoft Entra ID token endpoint (<c>&lt;authority&gt;/&lt;tenant&gt;/oauth2/v2.0/token</c>),
/// client credentials flow for Azure Storage: with a client secret, or with a client assertion (a
/// federated token from Kubernetes, Azure Pipelines or GitHub Actions).
/// </summary>
internal sealed class EntraTokenClient(TokenHttp http, Uri authorityHost, string tenantId, string clientId, TimeProvider? time = null)
{
    public const string StorageScope = "https://storage.azure.com/.default";
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Uri TokenEndpoint { get; } = new(authorityHost, $"{Uri.EscapeDataString(tenantId)}/oauth2/v2.0/token");

    public Task<AccessToken> WithSecretAsync(string clientSecret, CancellationToken cancellationToken) =>
        RequestAsync("client_secret", clientSecret, null, cancellationToken);

    public Task<AccessToken> WithAssertionAsync(string assertion, CancellationToken cancellationToken) =>
        RequestAsync("client_assertion", assertion, AssertionType, cancellationToken);

    private async Task<AccessToken> RequestAsync(string credentialField, string credential, string? assertionType, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("client_id", clientId),
            new("scope", StorageScope),
            new("grant_type", "client_credentials"),
            new(credentialField, credential),
        };
        if (assertionType is not null)
        {
            form.Add(new("client_assertion_type", assertionType));
        }

        var what = $"Getting a Microsoft Entra ID token for client {clientId} in tenant {tenantId}";
        var answer = await http.SendAsync(what, () => new HttpRequestMessage(HttpMethod.Post, TokenEndpoint) { Content = new FormUrlEncodedContent(form) }, cancellationToken)
            .ConfigureAwait(false);
        return new AccessToken(TokenHttp.Required(answer, "access_token", what), _time.GetUtcNow() + ExpiresIn(answer));
    }

    /// <summary><c>expires_in</c> in seconds (a number, or a string from some endpoints); an hour when absent.</summary>
    internal static TimeSpan ExpiresIn(JsonElement answer)
    {
        if (answer.TryGetProperty("expires_in", out var value))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var text))
            {
                return TimeSpan.FromSeconds(text);
            }
        }

        return TimeSpan.FromHours(1);
    }
}
