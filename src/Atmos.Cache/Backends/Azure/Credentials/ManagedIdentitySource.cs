using System.Globalization;
using System.Text.Json;

namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>
/// A managed identity of an Azure VM, scale set (self-hosted agents) or container: the instance
/// metadata service's token endpoint, <c>GET /metadata/identity/oauth2/token</c> with
/// <c>Metadata: true</c>, for the user-assigned identity <c>AZURE_CLIENT_ID</c> when set.
/// Off Azure nothing answers at the service's address, so the first request is a short probe without
/// retries: a machine without a managed identity learns it in seconds, not after the retry budget.
/// </summary>
internal sealed class ManagedIdentitySource(TokenHttp http, HttpClient probeClient, Uri imdsHost, string? clientId, TimeProvider? time = null) : IAccessTokenSource
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private bool _answered;

    public string Description => clientId is null
        ? "the managed identity of this machine (instance metadata service)"
        : $"the managed identity {clientId} of this machine (instance metadata service)";

    public async Task<AccessToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        var query = "api-version=2018-02-01&resource=" + Uri.EscapeDataString("https://storage.azure.com/");
        if (clientId is not null)
        {
            query += "&client_id=" + Uri.EscapeDataString(clientId);
        }

        var url = new Uri(imdsHost, "metadata/identity/oauth2/token?" + query);
        const string what = "Getting a managed identity token from the instance metadata service";
        if (!_answered && await ProbeAsync(url, cancellationToken).ConfigureAwait(false) is { } probed)
        {
            return new AccessToken(TokenHttp.Required(probed, "access_token", what), ExpiresOn(probed));
        }

        try
        {
            var answer = await http.SendAsync(what, () => Request(url), cancellationToken).ConfigureAwait(false);
            return new AccessToken(TokenHttp.Required(answer, "access_token", what), ExpiresOn(answer));
        }
        catch (Errors.CacheBackendException e)
        {
            // A metadata service without an identity for us (a GitHub-hosted runner is an Azure VM): say what else works.
            throw new Errors.CacheBackendException($"{e.Message} The managed identity is the last credential tried. {AzureCredentialResolver.WhatToSet}", e);
        }
    }

    private static HttpRequestMessage Request(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Metadata", "true");
        return request;
    }

    /// <summary>One quick request: the answer when it is a token, null when the service answered otherwise (the retried path follows).</summary>
    private async Task<JsonElement?> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var request = Request(url);
            using var response = await probeClient.SendAsync(request, timeout.Token).ConfigureAwait(false);
            _answered = true;
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (_answered)
            {
                return null;
            }

            throw new Errors.CacheBackendException(
                $"No credentials for Azure Blob Storage: no connection string, account key, SAS token, client secret or federated token is set, and no managed identity answered at {imdsHost.Host} within {ProbeTimeout.TotalSeconds:0} s. {AzureCredentialResolver.WhatToSet}");
        }
    }

    /// <summary><c>expires_on</c> in Unix seconds (a string), else now plus <c>expires_in</c>.</summary>
    private DateTimeOffset ExpiresOn(JsonElement answer)
    {
        if (answer.TryGetProperty("expires_on", out var value)
            && long.TryParse(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return _time.GetUtcNow() + EntraTokenClient.ExpiresIn(answer);
    }
}
