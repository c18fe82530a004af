using System.Net.Http.Headers;
using System.Text;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>A token file kept fresh by the platform (<c>AZURE_FEDERATED_TOKEN_FILE</c>: AKS workload identity, or written by a CI step).</summary>
internal sealed class FederatedTokenFile(string path) : IClientAssertion
{
    public string Description => $"the federated token file {AzureEnvironment.FederatedTokenFile}";

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var token = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
            return token.Length > 0 ? token : throw new CacheBackendException($"The federated token file '{path}' ({AzureEnvironment.FederatedTokenFile}) is empty.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CacheBackendException($"The federated token file '{path}' ({AzureEnvironment.FederatedTokenFile}) cannot be read: {e.Message}");
        }
    }
}

/// <summary>
/// Azure Pipelines' OIDC token for a service connection with workload identity federation:
/// <c>POST $(System.OidcRequestUri)?api-version=7.1&amp;serviceConnectionId=&lt;id&gt;</c> with the job's
/// <c>System.AccessToken</c>, answered <c>{"oidcToken": "..."}</c>.
/// </summary>
internal sealed class AzurePipelinesAssertion(TokenHttp http, Uri requestUri, string accessToken, string serviceConnectionId) : IClientAssertion
{
    public string Description => $"the Azure Pipelines service connection {serviceConnectionId} (workload identity federation)";

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        var url = Query.Append(requestUri, $"api-version=7.1&serviceConnectionId={Uri.EscapeDataString(serviceConnectionId)}");
        var what = $"Getting the OIDC token of service connection {serviceConnectionId} from Azure Pipelines";
        var answer = await http.SendAsync(what, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("", Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            return request;
        }, cancellationToken).ConfigureAwait(false);
        return TokenHttp.Required(answer, "oidcToken", what);
    }
}

/// <summary>
/// GitHub Actions' OIDC token (the job needs <c>permissions: id-token: write</c>): <c>GET
/// $ACTIONS_ID_TOKEN_REQUEST_URL&amp;audience=api://AzureADTokenExchange</c> with the request token,
/// answered <c>{"value": "..."}</c>; the same token <c>azure/login</c> presents.
/// </summary>
internal sealed class GitHubActionsAssertion(TokenHttp http, Uri requestUrl, string requestToken) : IClientAssertion
{
    public const string Audience = "api://AzureADTokenExchange";

    public string Description => "the GitHub Actions OIDC token (workload identity federation)";

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        var url = Query.Append(requestUrl, "audience=" + Uri.EscapeDataString(Audience));
        const string what = "Getting the job's OIDC token from GitHub Actions";
        var answer = await http.SendAsync(what, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", requestToken);
            return request;
        }, cancellationToken).ConfigureAwait(false);
        return TokenHttp.Required(answer, "value", what);
    }
}

internal static class Query
{
    public static Uri Append(Uri url, string query)
    {
        var builder = new UriBuilder(url);
        var existing = builder.Query.TrimStart('?');
        builder.Query = existing.Length == 0 ? query : existing + "&" + query;
        return builder.Uri;
    }
}
