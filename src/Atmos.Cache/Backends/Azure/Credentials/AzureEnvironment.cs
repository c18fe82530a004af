using Atmos.Cache.Configuration;

namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>
/// The variables the Azure CLI, the Azure SDKs and the CI systems already set, read by the
/// <c>azure/blob</c> backend so an existing pipeline needs nothing new. Secrets come only from here,
/// never from MSBuild properties (which binary logs record).
/// </summary>
internal static class AzureEnvironment
{
    public const string ConnectionString = "AZURE_STORAGE_CONNECTION_STRING";
    public const string Account = "AZURE_STORAGE_ACCOUNT";
    public const string AccountKey = "AZURE_STORAGE_KEY";
    public const string SasToken = "AZURE_STORAGE_SAS_TOKEN";

    public const string TenantId = "AZURE_TENANT_ID";
    public const string ClientId = "AZURE_CLIENT_ID";
    public const string ClientSecret = "AZURE_CLIENT_SECRET";
    public const string FederatedTokenFile = "AZURE_FEDERATED_TOKEN_FILE";

    /// <summary>The Microsoft Entra ID authority (sovereign clouds, or a test's fake on 127.0.0.1).</summary>
    public const string AuthorityHost = "AZURE_AUTHORITY_HOST";
    public const string DefaultAuthorityHost = "https://login.microsoftonline.com/";

    /// <summary>The instance metadata service's address, as the Azure SDKs let it be moved.</summary>
    public const string ImdsHost = "AZURE_POD_IDENTITY_AUTHORITY_HOST";
    public const string DefaultImdsHost = "http://169.254.169.254/";

    /// <summary>Azure Pipelines: the OIDC request URL of the job, the job's token, and the service connection's ids.</summary>
    public const string PipelinesOidcRequestUri = "SYSTEM_OIDCREQUESTURI";
    public const string PipelinesAccessToken = "SYSTEM_ACCESSTOKEN";
    public const string PipelinesServiceConnectionId = "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID";
    public const string PipelinesClientId = "AZURESUBSCRIPTION_CLIENT_ID";
    public const string PipelinesTenantId = "AZURESUBSCRIPTION_TENANT_ID";

    /// <summary>GitHub Actions with <c>permissions: id-token: write</c>: where the job's OIDC token is asked for.</summary>
    public const string GitHubOidcRequestUrl = "ACTIONS_ID_TOKEN_REQUEST_URL";
    public const string GitHubOidcRequestToken = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";

    /// <summary>A set, non-blank value, trimmed; null otherwise.</summary>
    public static string? Value(IEnvironment environment, string name) =>
        environment.Get(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
