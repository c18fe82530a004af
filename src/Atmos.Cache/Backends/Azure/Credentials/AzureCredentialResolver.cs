using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>
/// Finds the credential the way the Azure CLI and SDKs do, first match wins: the connection string
/// (its account key or SAS), <c>AZURE_STORAGE_KEY</c>, <c>AZURE_STORAGE_SAS_TOKEN</c>, then Microsoft
/// Entra ID: a client secret, a federated token file, an Azure Pipelines service connection, the
/// GitHub Actions OIDC token, and last the machine's managed identity.
/// </summary>
internal static class AzureCredentialResolver
{
    public const string WhatToSet =
        "Set AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN (with AZURE_STORAGE_ACCOUNT), or AZURE_CLIENT_ID and AZURE_TENANT_ID with AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE, or run in an Azure Pipelines service connection or a GitHub Actions job with 'id-token: write' (docs/azure.md).";

    /// <summary>The credential, given the parsed connection string (if set) and the account name (for Shared Key signing, when known).</summary>
    public static AzureCredential Resolve(
        IEnvironment environment, StorageConnectionString? connectionString, string? accountName, HttpClient http, RetrySettings retry, ICacheLogger logger)
    {
        if (connectionString is not null)
        {
            if (connectionString.AccountKey is { } key)
            {
                return AzureCredential.SharedKey(RequireAccount(connectionString.AccountName ?? accountName, AzureEnvironment.ConnectionString), key, AzureEnvironment.ConnectionString);
            }

            if (connectionString.SharedAccessSignature is { } sas)
            {
                return AzureCredential.Sas(sas, AzureEnvironment.ConnectionString);
            }

            throw new CacheConfigurationException(
                $"{AzureEnvironment.ConnectionString} has neither an AccountKey nor a SharedAccessSignature. Copy the whole connection string from the storage account's 'Access keys' page, or use a SAS connection string.");
        }

        if (AzureEnvironment.Value(environment, AzureEnvironment.AccountKey) is { } accountKey)
        {
            return AzureCredential.SharedKey(RequireAccount(accountName, AzureEnvironment.AccountKey), accountKey, AzureEnvironment.AccountKey);
        }

        if (AzureEnvironment.Value(environment, AzureEnvironment.SasToken) is { } sasToken)
        {
            return AzureCredential.Sas(sasToken, AzureEnvironment.SasToken);
        }

        return EntraId(environment, http, retry, logger);
    }

    private static AzureCredential EntraId(IEnvironment environment, HttpClient http, RetrySettings retry, ICacheLogger logger)
    {
        var clientId = AzureEnvironment.Value(environment, AzureEnvironment.ClientId);
        var tenantId = AzureEnvironment.Value(environment, AzureEnvironment.TenantId);
        var clientSecret = AzureEnvironment.Value(environment, AzureEnvironment.ClientSecret);
        var tokenFile = AzureEnvironment.Value(environment, AzureEnvironment.FederatedTokenFile);
        var pipelinesToken = AzureEnvironment.Value(environment, AzureEnvironment.PipelinesAccessToken);
        var githubToken = AzureEnvironment.Value(environment, AzureEnvironment.GitHubOidcRequestToken);
        var redactor = new SecretRedactor(clientSecret, pipelinesToken, githubToken);
        var tokens = new TokenHttp(http, new RetryPolicy(retry, redactor, logger), redactor);

        if (clientSecret is not null)
        {
            var (tenant, client) = RequireIds(tenantId, clientId, AzureEnvironment.ClientSecret);
            return AzureCredential.Token(new ClientSecretSource(Entra(environment, tokens, tenant, client), client, clientSecret), clientSecret);
        }

        if (tokenFile is not null)
        {
            var (tenant, client) = RequireIds(tenantId, clientId, AzureEnvironment.FederatedTokenFile);
            return AzureCredential.Token(new FederatedTokenSource(Entra(environment, tokens, tenant, client), new FederatedTokenFile(tokenFile)));
        }

        var oidcRequestUri = AzureEnvironment.Value(environment, AzureEnvironment.PipelinesOidcRequestUri);
        var serviceConnection = AzureEnvironment.Value(environment, AzureEnvironment.PipelinesServiceConnectionId);
        if (oidcRequestUri is not null && serviceConnection is not null)
        {
            if (pipelinesToken is null)
            {
                throw new CacheConfigurationException(
                    $"The Azure Pipelines service connection {serviceConnection} needs the job's token: add 'env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)' to the step that runs dotnet build.");
            }

            var (tenant, client) = RequireIds(
                AzureEnvironment.Value(environment, AzureEnvironment.PipelinesTenantId) ?? tenantId,
                AzureEnvironment.Value(environment, AzureEnvironment.PipelinesClientId) ?? clientId,
                AzureEnvironment.PipelinesServiceConnectionId);
            var requestUri = CredentialGuard.ParseServiceUrl(oidcRequestUri, AzureEnvironment.PipelinesOidcRequestUri);
            return AzureCredential.Token(
                new FederatedTokenSource(Entra(environment, tokens, tenant, client), new AzurePipelinesAssertion(tokens, requestUri, pipelinesToken, serviceConnection)),
                pipelinesToken);
        }

        var githubUrl = AzureEnvironment.Value(environment, AzureEnvironment.GitHubOidcRequestUrl);
        if (githubUrl is not null && githubToken is not null && clientId is not null && tenantId is not null)
        {
            var requestUrl = CredentialGuard.ParseServiceUrl(githubUrl, AzureEnvironment.GitHubOidcRequestUrl);
            return AzureCredential.Token(
                new FederatedTokenSource(Entra(environment, tokens, tenantId, clientId), new GitHubActionsAssertion(tokens, requestUrl, githubToken)),
                githubToken);
        }

        var imds = ParseHost(AzureEnvironment.Value(environment, AzureEnvironment.ImdsHost) ?? AzureEnvironment.DefaultImdsHost, AzureEnvironment.ImdsHost, allowPlainHttp: true);
        return AzureCredential.Token(new ManagedIdentitySource(tokens, http, imds, clientId));
    }

    private static EntraTokenClient Entra(IEnvironment environment, TokenHttp tokens, string tenant, string client)
    {
        var authority = ParseHost(AzureEnvironment.Value(environment, AzureEnvironment.AuthorityHost) ?? AzureEnvironment.DefaultAuthorityHost, AzureEnvironment.AuthorityHost, allowPlainHttp: false);
        return new EntraTokenClient(tokens, authority, tenant, client);
    }

    /// <summary>A base URL ending in '/', so relative paths append to it. Plain http only to this machine (or IMDS, which speaks nothing else).</summary>
    private static Uri ParseHost(string value, string variable, bool allowPlainHttp)
    {
        var url = allowPlainHttp && Uri.TryCreate(value, UriKind.Absolute, out var plain) && plain.Scheme == "http"
            ? plain
            : CredentialGuard.ParseServiceUrl(value, variable);
        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    private static string RequireAccount(string? account, string from) =>
        account ?? throw new CacheConfigurationException(
            $"Signing with the account key from {from} needs the storage account's name: set {AzureEnvironment.Account}, or an account URL (AtmosCacheAzureAccountUrl) like https://<account>.blob.core.windows.net.");

    private static (string Tenant, string Client) RequireIds(string? tenantId, string? clientId, string from)
    {
        if (tenantId is null || clientId is null)
        {
            throw new CacheConfigurationException(
                $"{from} is set, so Microsoft Entra ID is used, but {(tenantId is null ? AzureEnvironment.TenantId : AzureEnvironment.ClientId)} is not: set {AzureEnvironment.TenantId} and {AzureEnvironment.ClientId} to the directory (tenant) and application (client) ids.");
        }

        return (tenantId, clientId);
    }
}
