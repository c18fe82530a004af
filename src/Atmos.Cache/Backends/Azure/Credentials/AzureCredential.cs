using Atmos.Cache.Backends.Blob;

namespace Atmos.Cache.Backends.Azure.Credentials;

/// <summary>
/// How the backend proves its right to the container: what authorizes each request, the SAS query
/// that every URL carries (for a SAS token), the secrets no message may show, and a description.
/// </summary>
internal sealed class AzureCredential
{
    /// <summary>What the credential is, for the detail log (never a secret), e.g. "the account key (AZURE_STORAGE_KEY)".</summary>
    public required string Description { get; init; }

    public required IBlobAuthorizer Authorizer { get; init; }

    /// <summary>A shared access signature appended to every request URL (without the leading <c>?</c>), or null.</summary>
    public string? SasQuery { get; init; }

    /// <summary>Every secret the credential holds, for the redactor.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    public static AzureCredential SharedKey(string account, string key, string from) => new()
    {
        Description = $"the account key of {account} ({from})",
        Authorizer = new Credentials.SharedKeySigner(account, key),
        Secrets = [key],
    };

    public static AzureCredential Sas(string sas, string from) => new()
    {
        Description = $"a shared access signature ({from})",
        Authorizer = SignedUrlAuthorizer.Instance,
        SasQuery = sas.Trim().TrimStart('?'),
        Secrets = [sas.Trim().TrimStart('?')],
    };

    public static AzureCredential Token(IAccessTokenSource source, params string?[] secrets) => new()
    {
        Description = source.Description,
        Authorizer = new BearerTokenAuthorizer(source),
        Secrets = [.. secrets.Where(s => !string.IsNullOrEmpty(s)).Select(s => s!)],
    };
}
